/*
 * A real server on the real RAG stack: the RAG tests' embedded stack (startRagEnv with the
 * monitoring definitions, as packages/cli/src/app.ts wires them) plus the HTTP app with metrics
 * history and the RAG store's api_log.
 * `close()` stops everything and deletes the folder.
 */
import { startRagEnv } from '../../../rag/test/helpers-rag-env.ts';
import { createApp } from '../../src/app.ts';
import { createMetricsHistory } from '../../src/metrics-history.ts';
import { type RunningServer, startServer } from '../../src/start-server.ts';
import { WEB_DIST } from './browser.ts';
import { silentLogger } from './fixture.ts';

export async function startRagServer(
  opts: {
    tokens?: readonly string[];
    /** More of the RAG stack's options (subscription settings, a feed reader, …). */
    env?: Omit<Parameters<typeof startRagEnv>[0] & {}, 'monitoring'>;
  } = {},
) {
  const env = await startRagEnv({ ...opts.env, monitoring: true });
  const { dir, handle, storage, store, instance, resources, service: rag, subscriptions } = env;
  const app = createApp({
    instance,
    rag,
    subscriptions,
    metricsHistory: createMetricsHistory(handle),
    apiLog: store.apiLog,
    auth: { tokens: opts.tokens ?? [] },
    logger: silentLogger,
    webDist: WEB_DIST,
    streamPollMs: 200,
    contractCheck: true,
  });
  const server: RunningServer = await startServer(app, { host: '127.0.0.1', port: 0 });
  return {
    dir,
    handle,
    storage,
    store,
    instance,
    /** The service's resources (tests may swap in a chat model: the service reads it per call). */
    resources,
    rag,
    subscriptions,
    app,
    server,
    async close() {
      await server.close();
      await env.close();
    },
  };
}

export type RagServer = Awaited<ReturnType<typeof startRagServer>>;
