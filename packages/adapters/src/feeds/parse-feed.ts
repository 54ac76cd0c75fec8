import type { FeedEntry, FeedListing } from '@llm-rag-yt/rag';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** The document is not an RSS/Atom feed (HTML, garbage, another XML format). Says what it is. */
export class FeedParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FeedParseError';
  }
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // Entity expansion stays within the library's limits (no "billion laughs").
  processEntities: { enabled: true, maxEntitySize: 10_000, maxEntityCount: 1000 } as never,
  isArray: (name) => ['entry', 'item', 'link', 'media:content', 'enclosure'].includes(name),
});

type Node = Record<string, any>;

/** Text of a node that may be a string, `{ '#text': … }` or an array of either. */
function text(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (Array.isArray(v)) return text(v[0]);
  if (typeof v === 'object') return text((v as Node)['#text']);
  const s = String(v).trim();
  return s === '' ? null : s;
}

function time(v: unknown): number | null {
  const s = text(v);
  if (!s) return null;
  const t = Date.parse(s);
  return Number.isFinite(t) ? t : null;
}

/** '3600', '1:02:03', '62:03' → seconds (itunes:duration and media durations). */
function duration(v: unknown): number | null {
  const s = text(v);
  if (!s) return null;
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
  const parts = s.split(':');
  if (parts.length > 3 || parts.some((p) => !/^\d+$/.test(p))) return null;
  return parts.reduce((acc, p) => acc * 60 + Number(p), 0);
}

function absolute(href: string | null, base: string): string | null {
  if (!href) return null;
  try {
    const u = new URL(href, base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : null;
  } catch {
    return null;
  }
}

function describe(body: string): string {
  const head = body.slice(0, 2000).toLowerCase();
  if (/<!doctype html|<html[\s>]/.test(head))
    return 'an HTML page, not an RSS/Atom feed (subscribe to the feed link, or to a YouTube channel/playlist URL)';
  if (head.trim() === '') return 'an empty document';
  return `not an RSS/Atom feed (it starts with '${body.slice(0, 40).replace(/\s+/g, ' ')}')`;
}

/**
 * Parses an RSS 2.0, RSS 1.0 (RDF) or Atom document (YouTube's channel feeds are Atom) into
 * entries. Links are made absolute against `baseUrl`; an RSS enclosure (a podcast's media) is
 * preferred to the item's web page, since yt-dlp can always download direct media.
 * @throws FeedParseError for HTML, garbage or XML that is no feed, saying which.
 */
export function parseFeed(body: string, baseUrl: string): FeedListing {
  const trimmed = body.replace(/^\uFEFF/, '').trim();
  if (!trimmed.startsWith('<') || XMLValidator.validate(trimmed) !== true) {
    throw new FeedParseError(`The document at ${baseUrl} is ${describe(trimmed)}.`);
  }
  let doc: Node;
  try {
    doc = parser.parse(trimmed) as Node;
  } catch (e) {
    throw new FeedParseError(`The feed at ${baseUrl} could not be read: ${(e as Error).message}.`);
  }
  if (doc.feed) return atom(doc.feed as Node, baseUrl);
  const channel = doc.rss?.channel ?? doc['rdf:RDF']?.channel;
  if (doc.rss || doc['rdf:RDF']) {
    const items: Node[] = doc.rss?.channel?.item ?? doc['rdf:RDF']?.item ?? [];
    return rss(channel ?? {}, items, baseUrl);
  }
  if (doc.html || doc.HTML) throw new FeedParseError(`The document at ${baseUrl} is ${describe('<html>')}.`);
  const root = Object.keys(doc).find((k) => !k.startsWith('?')) ?? 'nothing';
  throw new FeedParseError(`The document at ${baseUrl} is XML with root <${root}>, not an RSS or Atom feed.`);
}

function atom(feed: Node, base: string): FeedListing {
  const entries: FeedEntry[] = [];
  for (const e of (feed.entry ?? []) as Node[]) {
    const links = (e.link ?? []) as Node[];
    const alternate = links.find((l) => !l['@_rel'] || l['@_rel'] === 'alternate') ?? links[0];
    const enclosure = links.find((l) => l['@_rel'] === 'enclosure');
    const videoId = text(e['yt:videoId']);
    const link = absolute(enclosure?.['@_href'] ?? alternate?.['@_href'] ?? null, base);
    const url = link ?? (videoId ? `https://www.youtube.com/watch?v=${videoId}` : null);
    if (!url) continue;
    const group = (e['media:group'] ?? {}) as Node;
    const media = ((group['media:content'] ?? e['media:content'] ?? []) as Node[])[0];
    entries.push({
      key: videoId ?? text(e.id) ?? url,
      url,
      title: text(e.title) ?? text(group['media:title']),
      publishedAt: time(e.published) ?? time(e.updated),
      durationSeconds: duration(media?.['@_duration'] ?? e['yt:duration']?.['@_seconds']),
      isShort: /\/shorts\//.test(url),
    });
  }
  return {
    title: text(feed.title),
    channelId: text(feed['yt:channelId']) ? `UC${text(feed['yt:channelId'])!.replace(/^UC/, '')}` : null,
    entries,
  };
}

function rss(channel: Node, items: Node[], base: string): FeedListing {
  const entries: FeedEntry[] = [];
  for (const it of items) {
    const enclosure = ((it.enclosure ?? []) as Node[]).find((x) => x['@_url']);
    const link = absolute(text(it.link) ?? (it.link?.[0]?.['@_href'] as string | undefined) ?? null, base);
    const url = absolute(enclosure?.['@_url'] ?? null, base) ?? link;
    if (!url) continue;
    const guid = text(it.guid) ?? text(it['@_rdf:about']);
    const media = ((it['media:content'] ?? []) as Node[])[0];
    entries.push({
      key: guid ?? url,
      url,
      title: text(it.title),
      publishedAt: time(it.pubDate) ?? time(it['dc:date']),
      durationSeconds: duration(it['itunes:duration']) ?? duration(media?.['@_duration']),
      isShort: /\/shorts\//.test(url),
    });
  }
  return { title: text(channel.title), entries };
}
