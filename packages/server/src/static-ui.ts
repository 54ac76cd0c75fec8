import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { Hono } from 'hono';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  // Video text is rendered as text by React; the CSP is a second fence against injected scripts.
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https://i.ytimg.com; connect-src 'self'; frame-ancestors 'none'",
};

/**
 * Serves the built UI with history-API fallback: unknown non-/api paths get index.html so deep
 * links like /runs/abc work. Hashed files under /assets are cached forever.
 */
export function mountStaticUi(app: Hono, dist: string | null | undefined): void {
  app.get('*', async (c, next) => {
    const path = c.req.path;
    if (path.startsWith('/api/') || path === '/api') return next();
    if (!dist || !existsSync(join(dist, 'index.html'))) {
      return c.text(
        'The web UI is not built. Run `npm run build:web` (vite build packages/web) and restart the server. The API is at /api.',
        503,
      );
    }
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return c.text('Bad request: the path has percent-encoding that does not decode (e.g. %E0%A4%A).', 400);
    }
    const rel = normalize(decoded).replace(/^([/\\])+/, '');
    const file = join(dist, rel);
    if (rel && (file + sep).startsWith(dist + sep) && file !== dist) {
      const s = await stat(file).catch(() => null);
      if (s?.isFile()) {
        const headers: Record<string, string> = {
          ...SECURITY_HEADERS,
          'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
          'cache-control': rel.startsWith('static/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        };
        return c.body(await readFile(file), 200, headers);
      }
      // A missing hashed asset is a real 404, not the SPA (a stale tab after a deploy).
      if (rel.startsWith('static/')) return c.text('Not found', 404);
    }
    return c.body(await readFile(join(dist, 'index.html')), 200, {
      ...SECURITY_HEADERS,
      'content-type': TYPES['.html']!,
      'cache-control': 'no-cache',
    });
  });
}
