import type { MiddlewareHandler } from 'hono';
import type { ApiLog, ServerLogger } from './types.ts';

const SECRET_PARAM =
  /^(token|access_token|api_key|apikey|key|secret|password|auth|authorization|signature)$/i;

/** The request path plus its query with secret-looking values replaced by `***`. */
export function redactedPath(url: string): string {
  const u = new URL(url, 'http://x');
  if (!u.search) return u.pathname;
  const parts: string[] = [];
  for (const [k, v] of u.searchParams) {
    parts.push(`${encodeURIComponent(k)}=${SECRET_PARAM.test(k) ? '***' : encodeURIComponent(v)}`);
  }
  return `${u.pathname}?${parts.join('&')}`.slice(0, 1000);
}

/** Records every /api call (method, redacted path, status, duration) — never headers or bodies. */
export function apiLogMiddleware(
  log: ApiLog | null | undefined,
  logger: ServerLogger,
  now: () => number,
): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      if (log) {
        const entry = {
          method: c.req.method,
          path: redactedPath(c.req.url),
          status: c.res.status,
          durationMs: Math.round((performance.now() - started) * 10) / 10,
          ip: clientIp(c.env as unknown, c.req.header('x-forwarded-for')),
          userAgent: c.req.header('user-agent')?.slice(0, 300) ?? null,
          createdAt: now(),
        };
        // Logging must never fail or slow the response.
        log.record(entry).catch((err: unknown) => logger.warn({ err }, 'could not write api_log entry'));
      }
    }
  };
}

function clientIp(env: unknown, forwarded: string | undefined): string | null {
  if (forwarded) return forwarded.split(',')[0]!.trim().slice(0, 100);
  const incoming = (env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? null;
}
