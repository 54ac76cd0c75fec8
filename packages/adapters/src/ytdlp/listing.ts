import type { FeedEntry, FeedListing } from '@llm-rag-yt/rag';
import { entryUrlOf, videoIdFor, type YtDlpInfo } from './info.ts';

/** yt-dlp's `--flat-playlist -J` of a playlist or channel as feed entries (nested tabs flattened). */
export function toFeedListing(
  info: YtDlpInfo & { playlist_count?: number | null },
  target: string,
): FeedListing {
  const entries: FeedEntry[] = [];
  const seen = new Set<string>();
  const visit = (item: YtDlpInfo & { timestamp?: number | null }, depth: number) => {
    if (item._type === 'playlist' && item.entries && depth < 3) {
      for (const e of item.entries) if (e) visit(e, depth + 1);
      return;
    }
    const url = entryUrlOf(item, target);
    const key = videoIdFor(item, url);
    if (seen.has(key)) return;
    seen.add(key);
    const upload = /^(\d{4})(\d{2})(\d{2})$/.exec(item.upload_date ?? '');
    entries.push({
      key,
      url,
      title: item.title ?? null,
      publishedAt:
        typeof item.timestamp === 'number'
          ? item.timestamp * 1000
          : upload
            ? Date.UTC(Number(upload[1]), Number(upload[2]) - 1, Number(upload[3]))
            : null,
      durationSeconds: typeof item.duration === 'number' ? item.duration : null,
      liveStatus: item.live_status ?? (item.is_live ? 'is_live' : null),
      isShort: /\/shorts\//.test(url),
    });
  };
  visit(info, 0);
  return {
    title: info.title ?? null,
    channelId: info.channel_id ?? null,
    entries,
    totalEntries: typeof info.playlist_count === 'number' ? info.playlist_count : null,
  };
}
