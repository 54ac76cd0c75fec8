import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { HttpError } from './http-error.ts';

/**
 * Checks an Authorization header against the configured tokens; returns null when it passes, else
 * what is wrong. Tokens are compared as SHA-256 digests with timingSafeEqual, so neither content
 * nor length leaks through timing. With no tokens configured every call passes (startServer then
 * refuses non-loopback hosts). /api, /mcp and /v1 share this rule and answer in their own shapes.
 */
export function tokenChecker(
  tokens: readonly string[],
): (authorization: string | undefined) => string | null {
  const digests = tokens.filter((t) => t.length > 0).map(digest);
  return (authorization) => {
    if (digests.length === 0) return null;
    const match = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
    if (!match)
      return "Missing API token: send 'Authorization: Bearer <token>' (tokens are set in API_TOKENS).";
    const given = digest(match[1]!.trim());
    let ok = false;
    // Compare against every token (no early exit) to keep timing independent of which one matched.
    for (const d of digests) ok = timingSafeEqual(d, given) || ok;
    return ok ? null : 'Invalid API token. Check the token you were given; it is case-sensitive.';
  };
}

/** Bearer-token check for /api (errors in the API's `{ error: { status, message } }` shape). */
export function bearerAuth(tokens: readonly string[]): MiddlewareHandler {
  const check = tokenChecker(tokens);
  return async (c, next) => {
    const problem = check(c.req.header('authorization'));
    if (problem) throw new HttpError(401, problem);
    return next();
  };
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
