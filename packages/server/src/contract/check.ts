import type { MiddlewareHandler } from 'hono';
import { OPERATIONS } from '../openapi.ts';
import type { ServerLogger } from '../types.ts';

/** Operations as path matchers; literal segments win over parameters (`/runs/counts` before `/runs/{runId}`). */
const MATCHERS = OPERATIONS.filter((op) => op.response)
  .map((op) => ({
    op,
    method: op.method.toUpperCase(),
    re: new RegExp(`^${op.path.replace(/\{[^}]+\}/g, '[^/]+')}$`),
    params: (op.path.match(/\{/g) ?? []).length,
  }))
  .sort((a, b) => a.params - b.params);

/**
 * Validates every successful JSON response under /api against its operation's response schema
 * (on in the tests): a handler that answers a shape the contract does not declare becomes a 500
 * naming the operation and the mismatching fields, and a route missing from OPERATIONS fails too.
 */
export function contractCheck(logger: ServerLogger): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const res = c.res;
    if (res.status < 200 || res.status >= 300) return;
    if (!(res.headers.get('content-type') ?? '').includes('application/json')) return;
    const m = MATCHERS.find((x) => x.method === c.req.method && x.re.test(c.req.path));
    const fail = (message: string, issues: { path: string; message: string }[] = []) => {
      logger.error({ path: c.req.path, issues }, message);
      c.res = new Response(JSON.stringify({ error: { status: 500, message, issues } }), {
        status: 500,
        headers: { 'content-type': 'application/json' },
      });
    };
    if (!m)
      return fail(`Contract: ${c.req.method} ${c.req.path} is served but not in OPERATIONS (openapi.ts).`);
    const parsed = m.op.response!.safeParse(await res.clone().json());
    if (!parsed.success) {
      fail(
        `Contract: the response of ${m.op.method} ${m.op.path} does not match its schema.`,
        parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
      );
    }
  };
}
