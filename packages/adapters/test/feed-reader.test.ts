/*
 * HttpFeedReader against a local HTTP server: a YouTube channel's Atom feed, a podcast's RSS with
 * enclosures, conditional requests (ETag, Last-Modified → 304), and every kind of bad answer
 * (404, 5xx, HTML, garbage, XML that is no feed, entity bombs, bodies over the limit) as a clear error.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FeedFetchError, FeedParseError, HttpFeedReader } from '@llm-rag-yt/adapters';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const YOUTUBE = `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns:media="http://search.yahoo.com/mrss/" xmlns="http://www.w3.org/2005/Atom">
 <link rel="self" href="http://www.youtube.com/feeds/videos.xml?channel_id=UCabcdefghijklmnopqrstuv"/>
 <id>yt:channel:abcdefghijklmnopqrstuv</id>
 <yt:channelId>abcdefghijklmnopqrstuv</yt:channelId>
 <title>Science &amp; Things</title>
 <entry>
  <id>yt:video:dQw4w9WgXcQ</id>
  <yt:videoId>dQw4w9WgXcQ</yt:videoId>
  <title>Newest: black holes</title>
  <link rel="alternate" href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"/>
  <published>2026-01-07T10:00:00+00:00</published>
  <media:group><media:title>Newest: black holes</media:title></media:group>
 </entry>
 <entry>
  <id>yt:video:aaaaaaaaaaa</id>
  <yt:videoId>aaaaaaaaaaa</yt:videoId>
  <title>A short</title>
  <link rel="alternate" href="https://www.youtube.com/shorts/aaaaaaaaaaa"/>
  <published>2026-01-06T10:00:00+00:00</published>
 </entry>
</feed>`;

const PODCAST = `<?xml version="1.0"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
<channel><title>Local podcast</title>
 <item>
  <title>Episode 2</title><link>/episodes/2.html</link><guid isPermaLink="false">ep-2</guid>
  <pubDate>Wed, 07 Jan 2026 10:00:00 GMT</pubDate><itunes:duration>1:02:03</itunes:duration>
  <enclosure url="/media/2.mp3" type="audio/mpeg" length="1"/>
 </item>
 <item>
  <title>Episode 1</title><link>/episodes/1.html</link>
  <pubDate>Tue, 06 Jan 2026 10:00:00 GMT</pubDate><itunes:duration>3600</itunes:duration>
 </item>
</channel></rss>`;

const BOMB = `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">]>
<rss version="2.0"><channel><title>&lol6;</title><item><title>x</title><link>http://127.0.0.1/x</link></item></channel></rss>`;

let server: Server;
let base = '';
const seen: IncomingMessage['headers'][] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.headers);
    const send = (status: number, type: string, body: string, headers: Record<string, string> = {}) =>
      res.writeHead(status, { 'content-type': type, ...headers }).end(body);
    switch (req.url) {
      case '/youtube.xml':
        return send(200, 'application/atom+xml', YOUTUBE);
      case '/podcast.rss':
        if (req.headers['if-none-match'] === '"v1"') return res.writeHead(304).end();
        return send(200, 'application/rss+xml', PODCAST, { etag: '"v1"' });
      case '/dated.rss':
        if (req.headers['if-modified-since'] === 'Wed, 07 Jan 2026 10:00:00 GMT')
          return res.writeHead(304).end();
        return send(200, 'application/rss+xml', PODCAST, {
          'last-modified': 'Wed, 07 Jan 2026 10:00:00 GMT',
        });
      case '/page.html':
        return send(200, 'text/html', '<!DOCTYPE html><html><body>Welcome</body></html>');
      case '/garbage':
        return send(200, 'application/xml', '\u0000\u0001 ((( not xml at all');
      case '/other.xml':
        return send(200, 'application/xml', '<?xml version="1.0"?><config><a>1</a></config>');
      case '/bomb.xml':
        return send(200, 'application/rss+xml', BOMB);
      case '/huge.xml':
        return send(200, 'application/rss+xml', `<rss><channel>${'<item/>'.repeat(50_000)}</channel></rss>`);
      case '/broken':
        return send(503, 'text/plain', 'down');
      default:
        return send(404, 'text/plain', 'Not found');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const reader = new HttpFeedReader();
const listing = async (path: string) => {
  const r = await reader.read(`${base}${path}`);
  if (r.notModified) throw new Error('unexpected 304');
  return r;
};

describe('HttpFeedReader', () => {
  it("reads a YouTube channel's Atom feed: video ids as keys, titles, times, shorts, the channel id", async () => {
    const { listing: l } = await listing('/youtube.xml');
    expect(l).toMatchObject({ title: 'Science & Things', channelId: 'UCabcdefghijklmnopqrstuv' });
    expect(l.entries).toEqual([
      expect.objectContaining({
        key: 'dQw4w9WgXcQ',
        url: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ',
        title: 'Newest: black holes',
        publishedAt: Date.UTC(2026, 0, 7, 10),
        isShort: false,
      }),
      expect.objectContaining({ key: 'aaaaaaaaaaa', isShort: true }),
    ]);
  });

  it('reads a podcast: the enclosure before the page, relative links made absolute, itunes durations', async () => {
    const r = await listing('/podcast.rss');
    expect(r.etag).toBe('"v1"');
    expect(r.listing.entries).toEqual([
      expect.objectContaining({ key: 'ep-2', url: `${base}/media/2.mp3`, durationSeconds: 3723 }),
      expect.objectContaining({
        key: `${base}/episodes/1.html`,
        url: `${base}/episodes/1.html`,
        durationSeconds: 3600,
      }),
    ]);
  });

  it('asks again conditionally: a matching ETag or Last-Modified answers 304, read as not modified', async () => {
    expect(await reader.read(`${base}/podcast.rss`, { etag: '"v1"' })).toEqual({ notModified: true });
    expect(seen.at(-1)?.['if-none-match']).toBe('"v1"');
    const first = await listing('/dated.rss');
    expect(first.lastModified).toBe('Wed, 07 Jan 2026 10:00:00 GMT');
    expect(await reader.read(`${base}/dated.rss`, { lastModified: first.lastModified })).toEqual({
      notModified: true,
    });
  });

  it('bad answers are clear errors that say what the document was', async () => {
    const fail = (path: string) => reader.read(`${base}${path}`);
    await expect(fail('/missing.xml')).rejects.toThrow(FeedFetchError);
    await expect(fail('/missing.xml')).rejects.toThrow(
      /answered 404.*removed or private channel or playlist/,
    );
    await expect(fail('/broken')).rejects.toThrow(/answered 503.*the next check tries again/);
    await expect(fail('/page.html')).rejects.toThrow(FeedParseError);
    await expect(fail('/page.html')).rejects.toThrow(/HTML page, not an RSS\/Atom feed/);
    await expect(fail('/garbage')).rejects.toThrow(/not an RSS\/Atom feed/);
    await expect(fail('/other.xml')).rejects.toThrow(/XML with root <config>, not an RSS or Atom feed/);
    // A port nothing listens on (taken from a server that is closed again).
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    await expect(new HttpFeedReader().read(`http://127.0.0.1:${port}/feed.xml`)).rejects.toThrow(
      new RegExp(`Could not fetch the feed http://127.0.0.1:${port}/feed.xml: ECONNREFUSED`),
    );
  });

  it('an entity bomb is not expanded; a body over the limit is refused', async () => {
    const t0 = Date.now();
    const bomb = await listing('/bomb.xml');
    expect(Date.now() - t0).toBeLessThan(5000);
    // A billion laughs would be 10^6 "lol"s here; the title stays the unexpanded reference.
    expect(bomb.listing.title!.length).toBeLessThan(100);
    await expect(new HttpFeedReader({ maxBytes: 100_000 }).read(`${base}/huge.xml`)).rejects.toThrow(
      /larger than the 0 MB limit|over the 0 MB limit/,
    );
  });
});
