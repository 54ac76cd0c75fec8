import type { SearchHit, VideoCatalog } from './types.ts';

/*
 * How a search index uses its VideoCatalog: a channel filter becomes a list of video ids before
 * the search, and the hits get their titles, channels and URLs after it.
 */

/**
 * The video ids a search may return: undefined for any, [] for none (so the caller can skip the
 * search). A channel filter without a catalog matches nothing: it cannot be checked.
 *
 * @example const scope = await searchScope(catalog, { channel: 'Home Kitchen' }); // ['pastaCook01', …]
 */
export async function searchScope(
  catalog: VideoCatalog | null | undefined,
  opts: { videoIds?: readonly string[]; channel?: string },
): Promise<readonly string[] | undefined> {
  if (opts.channel === undefined) return opts.videoIds;
  if (!catalog) return [];
  const inChannel = await catalog.idsInChannel(opts.channel);
  if (opts.videoIds === undefined) return inChannel;
  const wanted = new Set(opts.videoIds);
  return inChannel.filter((id) => wanted.has(id));
}

/** The hits with their videos' labels from the catalog (null where it has none), in the same order. */
export async function withVideoLabels(
  catalog: VideoCatalog | null | undefined,
  hits: SearchHit[],
): Promise<SearchHit[]> {
  if (!catalog || hits.length === 0) return hits;
  const labels = await catalog.labels([...new Set(hits.map((h) => h.videoId))]);
  return hits.map((h) => {
    const l = labels.get(h.videoId);
    return l ? { ...h, title: l.title, channel: l.channel, url: l.url } : h;
  });
}
