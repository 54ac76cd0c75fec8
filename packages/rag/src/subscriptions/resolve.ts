import { InvalidInputError } from '@llm-rag-yt/orchestrator';
import type { SubscriptionKind } from '../store/subscriptions.ts';
import { parseVideoUrl } from '../youtube/url.ts';

export const YOUTUBE_FEED = 'https://www.youtube.com/feeds/videos.xml';

export function channelFeedUrl(channelId: string): string {
  return `${YOUTUBE_FEED}?channel_id=${encodeURIComponent(channelId)}`;
}

export function isChannelFeed(url: string): boolean {
  return url.startsWith(`${YOUTUBE_FEED}?channel_id=`);
}

/**
 * What a subscription URL is and what a check fetches. A channel given by handle or legacy name
 * gets its Atom feed once the first check has learnt its id (through yt-dlp).
 * @throws InvalidInputError (or InvalidVideoUrlError) with what to send instead.
 */
export function resolveSubscriptionUrl(input: string): {
  url: string;
  kind: SubscriptionKind;
  feedUrl: string;
} {
  const raw = (input ?? '').trim();
  if (!raw)
    throw new InvalidInputError('The subscription URL is empty; send a channel, playlist or feed URL.');
  let u: URL | null = null;
  try {
    u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`);
  } catch {
    u = null;
  }
  if (u && /(^|\.)youtube\.com$/.test(u.hostname) && u.pathname === '/feeds/videos.xml') {
    const channelId = u.searchParams.get('channel_id');
    const playlistId = u.searchParams.get('playlist_id');
    if (channelId)
      return { url: channelFeedUrl(channelId), kind: 'channel', feedUrl: channelFeedUrl(channelId) };
    if (playlistId) {
      const url = `https://www.youtube.com/playlist?list=${encodeURIComponent(playlistId)}`;
      return { url, kind: 'playlist', feedUrl: url };
    }
  }
  const parsed = parseVideoUrl(raw);
  switch (parsed.kind) {
    case 'channel': {
      const url = parsed.url.replace(/\/(videos|streams|shorts|featured)$/, '');
      return { url, kind: 'channel', feedUrl: parsed.channelId ? channelFeedUrl(parsed.channelId) : url };
    }
    case 'playlist':
      return { url: parsed.url, kind: 'playlist', feedUrl: parsed.url };
    case 'video': {
      if (parsed.playlistId) {
        const url = `https://www.youtube.com/playlist?list=${parsed.playlistId}`;
        return { url, kind: 'playlist', feedUrl: url };
      }
      throw new InvalidInputError(
        `${raw} is a single video, not something to subscribe to. Subscribe to its channel or playlist, or add this video with: ingest ${raw}`,
      );
    }
    default:
      return { url: parsed.url, kind: 'feed', feedUrl: parsed.url };
  }
}
