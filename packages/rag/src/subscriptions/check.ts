import { errorMessage } from '@llm-rag-yt/orchestrator';
import type { RagResources } from '../pipeline/resources.ts';
import type { FeedEntry, FeedListing } from '../ports.ts';
import type { RagStore } from '../store/rag-store.ts';
import type { Subscription, SubscriptionEntry } from '../store/subscriptions.ts';
import { filterReason } from './filters.ts';
import { channelFeedUrl, isChannelFeed } from './resolve.ts';

/** Request priorities: hand-sent 0, then fresh uploads, then backfill. */
export const FRESH_PRIORITY = -10;
export const BACKFILL_PRIORITY = -20;
/** A channel's Atom feed lists its newest 15 uploads; a bigger backfill lists through yt-dlp. */
const CHANNEL_FEED_SIZE = 15;

export interface CheckResult {
  subscriptionId: number;
  notModified: boolean;
  listed: number;
  newEntries: number;
  queued: number;
  backlog: number;
  skipped: number;
  error: string | null;
}

export function intervalMs(resources: RagResources): number {
  return (resources.settings.subscriptions?.intervalSeconds ?? 900) * 1000;
}

/**
 * One check of one subscription: list the source cheaply, record entries not seen before (the
 * cursor), and queue what passes the filters. The first check treats what is already there as
 * the past: the newest `backfill` entries wait in the backlog (released a few per sensor tick),
 * the rest are only remembered. Later checks queue new entries at once, ahead of any backfill.
 * A failure is stored on the subscription (shown everywhere it is listed) and returned; nothing
 * already indexed or queued is touched.
 */
export async function checkSubscription(
  resources: RagResources,
  sub: Subscription,
  now: number,
  signal?: AbortSignal,
): Promise<CheckResult> {
  const { store } = resources;
  const base = { subscriptionId: sub.id, listed: 0, newEntries: 0, queued: 0, backlog: 0, skipped: 0 };
  try {
    const listed = await list(resources, sub, signal);
    if (listed.notModified) {
      await store.subscriptions.update(sub.id, {
        lastCheckedAt: now,
        nextCheckAt: now + intervalMs(resources),
        lastError: null,
        errorCount: 0,
        lastFound: 0,
        checkCount: sub.checkCount + 1,
      });
      return { ...base, notModified: true, error: null };
    }
    const { listing } = listed;
    const entries = dedupe(listing.entries);
    const known = await store.subscriptions.knownKeys(
      sub.id,
      entries.map((e) => e.key),
    );
    // Newest first where the source says when; otherwise the source's own order (feeds list newest first).
    const fresh = entries
      .filter((e) => !known.has(e.key))
      .map((e, i) => ({ e, i }))
      .sort((a, b) => (b.e.publishedAt ?? 0) - (a.e.publishedAt ?? 0) || a.i - b.i)
      .map((x) => x.e);
    const rows: Omit<SubscriptionEntry, 'indexedAt' | 'notifiedAt'>[] = [];
    let backfillLeft = sub.initialized ? 0 : sub.backfill;
    const toQueue: Omit<SubscriptionEntry, 'indexedAt' | 'notifiedAt'>[] = [];
    for (const e of fresh) {
      const row = {
        subscriptionId: sub.id,
        entryKey: e.key,
        url: e.url,
        title: e.title,
        publishedAt: e.publishedAt,
        durationSeconds: e.durationSeconds,
        status: 'seen' as SubscriptionEntry['status'],
        reason: null as string | null,
        priority: sub.initialized ? FRESH_PRIORITY : BACKFILL_PRIORITY,
        requestId: null,
        videoId: null,
        createdAt: now,
      };
      if (!sub.initialized && backfillLeft <= 0) {
        row.reason = 'already there when subscribed (beyond --backfill)';
        rows.push(row);
        continue;
      }
      const why = filterReason(e, sub.filters);
      if (why) {
        rows.push({ ...row, status: 'skipped', reason: why });
        continue;
      }
      if (!sub.initialized) {
        backfillLeft--;
        rows.push({ ...row, status: 'backlog' });
      } else {
        toQueue.push(row);
      }
    }
    await store.subscriptions.addEntries(rows);
    // Fresh uploads are queued now; if a flood arrives at once the rest wait in the backlog,
    // still ahead of any backfill.
    const cap = resources.settings.subscriptions?.backfillPerTick ?? 5;
    let queued = 0;
    const waiting: typeof toQueue = [];
    for (const row of toQueue) {
      if (queued < Math.max(cap, 10)) {
        await store.subscriptions.addEntries([{ ...row, status: 'queued' }]);
        await queueEntry(store, sub, row);
        queued++;
      } else waiting.push({ ...row, status: 'backlog' });
    }
    await store.subscriptions.addEntries(waiting);
    const backlog = rows.filter((r) => r.status === 'backlog').length + waiting.length;
    const skipped = rows.filter((r) => r.status === 'skipped').length;
    const total = listing.totalEntries ?? null;
    const notice =
      total !== null && total > listing.entries.length
        ? `The source has ${total.toLocaleString('en')} entries; each check lists the first ${listing.entries.length.toLocaleString('en')}.`
        : null;
    await store.subscriptions.update(sub.id, {
      title: sub.title ?? listing.title ?? null,
      initialized: true,
      lastCheckedAt: now,
      nextCheckAt: now + intervalMs(resources),
      lastError: null,
      errorCount: 0,
      notice,
      lastFound: queued + backlog,
      addFound: queued + backlog,
      checkCount: sub.checkCount + 1,
      ...(listed.etag !== undefined ? { etag: listed.etag, lastModified: listed.lastModified ?? null } : {}),
      ...(listed.feedUrl ? { feedUrl: listed.feedUrl } : {}),
    });
    if (queued > 0) await resources.wake?.('youtube_url_sensor').catch(() => {});
    return {
      ...base,
      notModified: false,
      listed: entries.length,
      newEntries: fresh.length,
      queued,
      backlog,
      skipped,
      error: null,
    };
  } catch (e) {
    if (signal?.aborted) throw e;
    const error = errorMessage(e);
    await store.subscriptions.update(sub.id, {
      lastCheckedAt: now,
      nextCheckAt: now + intervalMs(resources),
      lastError: error,
      errorCount: sub.errorCount + 1,
      lastFound: 0,
      checkCount: sub.checkCount + 1,
    });
    return { ...base, notModified: false, error };
  }
}

type Listed =
  | { notModified: true }
  | {
      notModified: false;
      listing: FeedListing;
      etag?: string | null;
      lastModified?: string | null;
      feedUrl?: string;
    };

async function list(resources: RagResources, sub: Subscription, signal?: AbortSignal): Promise<Listed> {
  const { downloader, feedReader } = resources;
  const maxEntries = resources.settings.subscriptions?.maxEntries ?? 500;
  const viaYtDlp = async (url: string, limit: number): Promise<FeedListing> => {
    if (!downloader.listEntries)
      throw new Error('This downloader cannot list playlists or channels; configure yt-dlp.');
    return downloader.listEntries(url, { limit, signal });
  };
  if (sub.kind === 'playlist')
    return { notModified: false, listing: await viaYtDlp(sub.feedUrl, maxEntries) };
  if (sub.kind === 'channel') {
    // First check with a big backfill: the feed's 15 are not enough, list the uploads tab.
    const big = !sub.initialized && sub.backfill > CHANNEL_FEED_SIZE;
    if (big || !isChannelFeed(sub.feedUrl)) {
      const listing = await viaYtDlp(sub.url, big ? Math.min(maxEntries, sub.backfill) : CHANNEL_FEED_SIZE);
      const feedUrl = listing.channelId ? channelFeedUrl(listing.channelId) : undefined;
      if (!feedUrl && !isChannelFeed(sub.feedUrl))
        throw new Error(`Could not find the channel id of ${sub.url}; is it a channel page?`);
      return { notModified: false, listing, ...(feedUrl ? { feedUrl } : {}) };
    }
  }
  if (!feedReader) throw new Error('No feed reader is configured, so RSS/Atom feeds cannot be read.');
  const r = await feedReader.read(sub.feedUrl, { etag: sub.etag, lastModified: sub.lastModified, signal });
  if (r.notModified) return { notModified: true };
  return { notModified: false, listing: r.listing, etag: r.etag, lastModified: r.lastModified };
}

function dedupe(entries: readonly FeedEntry[]): FeedEntry[] {
  const seen = new Set<string>();
  return entries.filter((e) => {
    if (seen.has(e.key)) return false;
    seen.add(e.key);
    return true;
  });
}

/**
 * Turns an entry into a youtube_requests row (joining an active request for the same video if
 * one exists) and records it on the entry. A video already indexed is marked so, not re-fetched.
 */
export async function queueEntry(
  store: RagStore,
  sub: Pick<Subscription, 'id' | 'userId'>,
  entry: Pick<SubscriptionEntry, 'entryKey' | 'url' | 'priority'>,
): Promise<number | null> {
  const youtubeId = /^[A-Za-z0-9_-]{11}$/.test(entry.entryKey) ? entry.entryKey : null;
  if (youtubeId) {
    const video = await store.videos.get(youtubeId);
    if (video?.status === 'indexed') {
      await store.subscriptions.updateEntry(sub.id, entry.entryKey, {
        status: 'indexed',
        videoId: youtubeId,
        reason: 'already in the knowledge base',
        indexedAt: Date.now(),
        notifiedAt: Date.now(),
      });
      return null;
    }
  }
  const { request } = await store.requests.createDeduped({
    url: entry.url,
    videoId: youtubeId,
    userId: sub.userId,
    source: 'subscription',
    priority: entry.priority,
  });
  await store.subscriptions.updateEntry(sub.id, entry.entryKey, { status: 'queued', requestId: request.id });
  return request.id;
}
