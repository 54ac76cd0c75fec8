import type { MiddlewareHandler } from 'hono';

/*
 * Stored errors (run failures, step events, ticks, request errors) keep their stack traces and
 * file paths for operators (logs, the database, the CLI). API clients see what went wrong without
 * the internals: `stack` fields are dropped and the data folder's absolute path becomes `<data>`.
 */

function scrub(v: unknown, dataDir: string | null): unknown {
  if (typeof v === 'string') return dataDir ? v.split(dataDir).join('<data>') : v;
  if (Array.isArray(v)) return v.map((x) => scrub(x, dataDir));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (k !== 'stack') out[k] = scrub(x, dataDir);
    return out;
  }
  return v;
}

/** JSON responses of the API without stack traces or data-folder paths. */
export function publicJson(dataDir: string | null | undefined): MiddlewareHandler {
  const dir = dataDir ? dataDir.replace(/\/+$/, '') : null;
  return async (c, next) => {
    await next();
    if (!(c.res.headers.get('content-type') ?? '').includes('application/json')) return;
    const text = await c.res.clone().text();
    // Most responses carry neither: leave them untouched (and unparsed).
    if (!/"stack"\s*:/.test(text) && !(dir && text.includes(dir))) return;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return;
    }
    const headers = new Headers(c.res.headers);
    headers.delete('content-length');
    c.res = new Response(JSON.stringify(scrub(body, dir)), { status: c.res.status, headers });
  };
}
