import { isIP } from 'node:net';
import type { Context, MiddlewareHandler } from 'hono';
import { HttpError } from './http-error.ts';

/*
 * Fences for the token-less local server against other web pages the user has open:
 * - DNS rebinding: a page on evil.example re-pointed at 127.0.0.1 sends `Host: evil.example`;
 *   only the names this server is really reached by are served.
 * - CSRF: a page on another origin can POST with `mode: 'no-cors'` and a "simple" content type
 *   (text/plain, form encodings) without a preflight. State-changing requests therefore need
 *   `Content-Type: application/json` exactly (or multipart on upload routes), and a browser's
 *   `Origin` / `Sec-Fetch-Site` must say the request comes from this server's own pages.
 */

export interface RequestGuardOptions {
  /**
   * Extra host names (or IPs) this server may be reached by, e.g. behind a reverse proxy
   * (`ALLOWED_HOSTS`). `*` allows any Host header (only sensible with API tokens).
   */
  allowedHosts?: readonly string[];
  /** Paths (exact) whose state-changing requests take multipart/form-data uploads. */
  uploadPaths?: readonly string[];
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Probes for load balancers answer whatever name they are reached by; they reveal nothing. */
const PROBE_PATHS = new Set(['/healthz', '/readyz']);

/** `Host: name:port` → lower-case name without port (IPv6 stays bracketed). */
export function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end > 0 ? h.slice(0, end + 1) : h;
  }
  const colon = h.lastIndexOf(':');
  return colon >= 0 ? h.slice(0, colon) : h;
}

function unbracket(name: string): string {
  return name.startsWith('[') && name.endsWith(']') ? name.slice(1, -1) : name;
}

/** The local address of the socket the request came in on (Node server); undefined in app.request(). */
function localAddress(c: Context): string | undefined {
  const env = c.env as { incoming?: { socket?: { localAddress?: string } } } | undefined;
  const a = env?.incoming?.socket?.localAddress;
  return a?.startsWith('::ffff:') ? a.slice(7) : a;
}

function isAllowedHost(c: Context, name: string, allowed: ReadonlySet<string>): boolean {
  if (allowed.has('*') || LOOPBACK_NAMES.has(name) || allowed.has(name)) return true;
  const bare = unbracket(name);
  // An IP literal cannot be a rebinding attack when it is the address this socket answers on:
  // the page's origin then really is this server.
  if (isIP(bare) && bare === localAddress(c)) return true;
  return false;
}

function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

function hasBody(c: Context): boolean {
  const length = c.req.header('content-length');
  if (length !== undefined) return Number(length) > 0;
  return c.req.header('transfer-encoding') !== undefined;
}

/** Host, Origin and Content-Type checks for the whole app (UI, API, /metrics). */
export function requestGuard(opts: RequestGuardOptions = {}): MiddlewareHandler {
  const allowed = new Set((opts.allowedHosts ?? []).map((h) => h.trim().toLowerCase()).filter(Boolean));
  const uploads = new Set(opts.uploadPaths ?? []);
  return async (c, next) => {
    if (PROBE_PATHS.has(c.req.path)) return next();
    const host = c.req.header('host') ?? new URL(c.req.url).host;
    const name = hostName(host);
    if (!isAllowedHost(c, name, allowed)) {
      throw new HttpError(
        403,
        `This server does not answer to the host name '${name.slice(0, 100)}'. Open it by the address it ` +
          'listens on (e.g. http://127.0.0.1:3000), or add the name to ALLOWED_HOSTS.',
      );
    }
    if (SAFE_METHODS.has(c.req.method)) return next();

    const origin = c.req.header('origin');
    if (origin !== undefined) {
      let originHost: string | null = null;
      try {
        originHost = origin === 'null' ? null : new URL(origin).host.toLowerCase();
      } catch {
        originHost = null;
      }
      if (originHost !== host.trim().toLowerCase()) {
        throw new HttpError(
          403,
          `Refused a ${c.req.method} from another web page (Origin '${origin.slice(0, 100)}'): ` +
            'only this server’s own pages and non-browser clients may change anything.',
        );
      }
    }
    // Browsers that send no Origin still say where a request came from.
    const site = c.req.header('sec-fetch-site');
    if (site !== undefined && site !== 'same-origin' && site !== 'none') {
      throw new HttpError(
        403,
        `Refused a ${c.req.method} from another web page (Sec-Fetch-Site: ${site.slice(0, 30)}).`,
      );
    }

    const type = mediaType(c.req.header('content-type'));
    const multipartOk = uploads.has(c.req.path);
    if (type === 'application/json' || (multipartOk && type === 'multipart/form-data')) return next();
    if (type === '' && !hasBody(c)) return next();
    throw new HttpError(
      415,
      `Send ${c.req.method} requests with 'Content-Type: application/json'${
        multipartOk ? " (or multipart/form-data for the upload's 'file' field)" : ''
      }; got '${(c.req.header('content-type') ?? 'none').slice(0, 100)}'.`,
    );
  };
}
