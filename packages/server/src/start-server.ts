import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { appAuth } from './app.ts';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export interface RunningServer {
  /** e.g. http://127.0.0.1:3000 */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Thrown before binding when the configuration would expose an unauthenticated API. */
export class UnsafeBindError extends Error {
  constructor(host: string) {
    super(
      `Refusing to listen on '${host}' without API tokens: anyone on the network could control the pipeline. ` +
        'Set API_TOKENS (comma-separated secrets) or bind to 127.0.0.1.',
    );
    this.name = 'UnsafeBindError';
  }
}

/**
 * Listens on host:port (port 0 = random). Refuses any non-loopback host unless the app has tokens.
 * Open SSE streams are cut on close so shutdown never hangs.
 */
export async function startServer(app: Hono, opts: { host: string; port: number }): Promise<RunningServer> {
  const auth = appAuth.get(app);
  if (!auth) throw new Error('startServer needs an app made by createApp (auth settings unknown).');
  if (auth.tokens.length === 0 && !LOOPBACK.has(opts.host)) throw new UnsafeBindError(opts.host);
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: opts.host, port: opts.port }, (info: AddressInfo) => {
      const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${host}:${info.port}`,
        port: info.port,
        close: () =>
          new Promise<void>((res) => {
            const s = server as unknown as { closeAllConnections?: () => void; close(cb: () => void): void };
            s.close(() => res());
            s.closeAllConnections?.();
          }),
      });
    });
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(
              `Port ${opts.port} on ${opts.host} is already in use; pick another with --port or stop the other process.`,
            )
          : err,
      );
    });
  });
}
