import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { HttpError } from './http-error.ts';

/**
 * Bearer-token check for /api. Tokens are compared as SHA-256 digests with timingSafeEqual, so
 * neither content nor length leaks through timing. With no tokens configured every call passes
 * (startServer then refuses non-loopback hosts).
 */
export function bearerAuth(tokens: readonly string[]): MiddlewareHandler {
  const digests = tokens.filter((t) => t.length > 0).map(digest);
  return async (c, next) => {
    if (digests.length === 0) return next();
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match) {
      throw new HttpError(
        401,
        "Missing API token: send 'Authorization: Bearer <token>' (tokens are set in API_TOKENS).",
      );
    }
    const given = digest(match[1]!.trim());
    let ok = false;
    // Compare against every token (no early exit) to keep timing independent of which one matched.
    for (const d of digests) ok = timingSafeEqual(d, given) || ok;
    if (!ok)
      throw new HttpError(401, 'Invalid API token. Check the token you were given; it is case-sensitive.');
    return next();
  };
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
