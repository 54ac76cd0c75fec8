/*
 * A local feed server for subscription tests (127.0.0.1, port 0). `/feed.xml` serves an Atom
 * feed of the current entries (newest first) with an ETag, answering 304 to a matching
 * If-None-Match; `/rss.xml` the same entries as RSS 2.0 with itunes:duration; `/big.xml` an RSS
 * feed of `bigCount` entries; `/missing.xml` 404; `/page.html` an HTML page; `/garbage.xml` noise.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FeedItem {
  id: string;
  title: string;
  link: string;
  published: Date;
  durationSeconds?: number;
}

export interface FeedServer {
  readonly baseUrl: string;
  url(path: string): string;
  /** Entries served, newest first; push/unshift to change the feed. */
  readonly items: FeedItem[];
  /** Requests by path, and how many were answered 304. */
  readonly hits: Map<string, number>;
  notModified: number;
  /** While set, /feed.xml and /rss.xml answer like this instead (a feed that breaks later). */
  broken: 'garbage' | 'missing' | null;
  close(): Promise<void>;
}

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function atom(items: readonly FeedItem[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/">
  <title>Local channel</title>
  <id>urn:local:channel</id>
  <updated>${new Date(0).toISOString()}</updated>
${items
  .map(
    (i) => `  <entry>
    <id>urn:local:${esc(i.id)}</id>
    <title>${esc(i.title)}</title>
    <link rel="alternate" href="${esc(i.link)}"/>
    <published>${i.published.toISOString()}</published>
    ${i.durationSeconds !== undefined ? `<media:group><media:content url="${esc(i.link)}" duration="${i.durationSeconds}"/></media:group>` : ''}
  </entry>`,
  )
  .join('\n')}
</feed>`;
}

function rss(items: readonly FeedItem[], title = 'Local podcast'): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
<channel><title>${esc(title)}</title><link>http://127.0.0.1/</link>
${items
  .map(
    (i) =>
      `<item><title>${esc(i.title)}</title><link>${esc(i.link)}</link><guid>${esc(i.id)}</guid><pubDate>${i.published.toUTCString()}</pubDate>${
        i.durationSeconds !== undefined ? `<itunes:duration>${i.durationSeconds}</itunes:duration>` : ''
      }</item>`,
  )
  .join('\n')}
</channel></rss>`;
}

export async function startFeedServer(
  opts: { items?: FeedItem[]; bigCount?: number } = {},
): Promise<FeedServer> {
  const items: FeedItem[] = [...(opts.items ?? [])];
  const hits = new Map<string, number>();
  let bigBody: string | null = null;
  const state = { notModified: 0, broken: null as FeedServer['broken'] };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const send = (status: number, type: string, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...headers });
      res.end(body);
    };
    if ((path === '/feed.xml' || path === '/rss.xml') && state.broken === 'missing')
      return send(404, 'text/plain', 'Not found');
    if ((path === '/feed.xml' || path === '/rss.xml') && state.broken === 'garbage')
      return send(200, 'application/xml', '\u0000\u0001garbage ((( not xml');
    if (path === '/feed.xml' || path === '/rss.xml') {
      const body = path === '/feed.xml' ? atom(items) : rss(items);
      const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
      if (req.headers['if-none-match'] === etag) {
        state.notModified++;
        res.writeHead(304, { etag });
        return res.end();
      }
      return send(200, path === '/feed.xml' ? 'application/atom+xml' : 'application/rss+xml', body, { etag });
    }
    if (path === '/big.xml') {
      bigBody ??= rss(
        Array.from({ length: opts.bigCount ?? 10_000 }, (_, i) => ({
          id: `big-${i}`,
          title: `Episode ${i}`,
          link: `http://127.0.0.1:9/episodes/${i}.html`,
          published: new Date(Date.UTC(2020, 0, 1) + i * 3_600_000),
        })),
        'A channel with many videos',
      );
      return send(200, 'application/rss+xml', bigBody);
    }
    if (path === '/page.html')
      return send(
        200,
        'text/html',
        '<!DOCTYPE html><html><head><title>Hi</title></head><body>Not a feed</body></html>',
      );
    if (path === '/garbage.xml') return send(200, 'application/xml', '\u0000\u0001garbage ((( not xml');
    return send(404, 'text/plain', 'Not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    url: (p) => `${baseUrl}${p}`,
    items,
    hits,
    get notModified() {
      return state.notModified;
    },
    set notModified(v: number) {
      state.notModified = v;
    },
    get broken() {
      return state.broken;
    },
    set broken(v: FeedServer['broken']) {
      state.broken = v;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
