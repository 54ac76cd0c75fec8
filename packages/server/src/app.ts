import { HEARTBEAT_STALE_AFTER_MS } from '@llm-rag-yt/orchestrator';
import { Hono } from 'hono';
import { apiLogMiddleware } from './api-log.ts';
import { bearerAuth } from './auth.ts';
import { contractCheck } from './contract/check.ts';
import { HttpError, handleError } from './http-error.ts';
import { mcpHandler } from './mcp/http.ts';
import { openAiRoutes } from './openai/routes.ts';
import { buildOpenApi } from './openapi.ts';
import { publicJson } from './public-json.ts';
import { requestGuard } from './request-guard.ts';
import { assetRoutes } from './routes/assets.ts';
import { instigatorRoutes } from './routes/instigators.ts';
import { jobRoutes } from './routes/jobs.ts';
import { ragRoutes } from './routes/rag.ts';
import { runRoutes } from './routes/runs.ts';
import { streamRoutes } from './routes/stream.ts';
import { subscriptionRoutes } from './routes/subscriptions.ts';
import { heartbeatJson, systemRoutes } from './routes/system.ts';
import { mountStaticUi } from './static-ui.ts';
import type { AppOptions } from './types.ts';

/** Auth settings per app, read by startServer to refuse unsafe binds. */
export const appAuth = new WeakMap<Hono, { tokens: readonly string[] }>();

/**
 * The HTTP app: JSON API under /api, SSE live updates, health probes, Prometheus /metrics and the UI.
 * Transport-free: test it with `app.request('/api/runs')`; serve it with `startServer`.
 *
 * @example
 * const app = createApp({ instance, rag, auth: { tokens: [] }, logger });
 * const server = await startServer(app, { host: '127.0.0.1', port: 3000 });
 */
export function createApp(opts: AppOptions): Hono {
  const now = opts.now ?? Date.now;
  const app = new Hono();
  app.onError(handleError(opts.logger));
  app.use('*', requestGuard({ allowedHosts: opts.allowedHosts, uploadPaths: ['/api/library/import'] }));
  app.notFound((c) =>
    c.json(
      {
        error: { status: 404, message: `No route for ${c.req.method} ${c.req.path}. See /api/openapi.json.` },
      },
      404,
    ),
  );

  app.get('/healthz', (c) => c.json({ ok: true }));
  app.get('/readyz', async (c) => {
    const maxAge = opts.heartbeatMaxAgeMs ?? HEARTBEAT_STALE_AFTER_MS;
    try {
      const t = now();
      const heartbeats = (await opts.instance.storage.daemon.listHeartbeats()).map((h) =>
        heartbeatJson(h, t, maxAge),
      );
      const daemon = heartbeats.filter((h) => h.daemonType === 'daemon').sort((a, b) => a.ageMs - b.ageMs)[0];
      const ready = Boolean(daemon?.fresh);
      return c.json(
        {
          ready,
          database: 'ok',
          daemon: daemon
            ? { daemonId: daemon.daemonId, ageMs: daemon.ageMs, fresh: daemon.fresh }
            : { fresh: false, message: 'no daemon heartbeat; start `llm-rag-yt daemon` or `dev`' },
        },
        ready ? 200 : 503,
      );
    } catch (err) {
      opts.logger.warn({ err }, 'readiness: database check failed');
      return c.json(
        {
          ready: false,
          database: 'unreachable',
          message: 'The database did not answer; see the server log.',
        },
        503,
      );
    }
  });
  // Metrics name videos, channels and error counts: with API tokens they need one too
  // (Prometheus: `authorization: { credentials: <token> }` in the scrape config).
  app.use('/metrics', bearerAuth(opts.auth.tokens));
  app.get('/metrics', async (c) => {
    if (!opts.metricsRegistry) return c.text('Prometheus metrics are not configured on this server.\n', 404);
    return c.body(await opts.metricsRegistry.metrics(), 200, {
      'content-type': opts.metricsRegistry.contentType,
    });
  });

  // Model Context Protocol (Streamable HTTP) and the OpenAI-compatible chat endpoint: non-browser
  // clients with Bearer tokens, each answering errors in its own protocol's shape.
  const log = apiLogMiddleware(opts.apiLog, opts.logger, now);
  app.use('/mcp', log);
  app.use('/v1/*', log);
  app.all('/mcp', mcpHandler(opts));
  app.route('/v1', openAiRoutes(opts));

  const api = new Hono();
  api.use('*', apiLogMiddleware(opts.apiLog, opts.logger, now));
  api.use('*', publicJson(opts.dataDir));
  api.use('*', async (c, next) => {
    await next();
    c.header('cache-control', 'no-store');
  });
  if (opts.contractCheck) api.use('*', contractCheck(opts.logger));
  const openapi = buildOpenApi({ tokensRequired: opts.auth.tokens.length > 0 });
  // The API description is public so clients can discover how to authenticate.
  api.get('/openapi.json', (c) => c.json(openapi));
  api.use('*', bearerAuth(opts.auth.tokens));
  api.get('/auth/check', (c) => c.json({ ok: true, tokensRequired: opts.auth.tokens.length > 0 }));
  api.route('/', assetRoutes(opts)); // /assets… and /asset-graph
  api.route('/jobs', jobRoutes(opts));
  api.route('/runs', runRoutes(opts));
  api.route('/sensors', instigatorRoutes(opts, 'sensor'));
  api.route('/schedules', instigatorRoutes(opts, 'schedule'));
  api.route('/events', streamRoutes(opts));
  api.route('/', systemRoutes(opts));
  api.route('/', ragRoutes(opts));
  api.route('/', subscriptionRoutes(opts));
  api.all('*', (c) => {
    throw new HttpError(404, `No API route for ${c.req.method} ${c.req.path}. See /api/openapi.json.`);
  });
  app.route('/api', api);

  mountStaticUi(app, opts.webDist);
  appAuth.set(app, opts.auth);
  return app;
}
