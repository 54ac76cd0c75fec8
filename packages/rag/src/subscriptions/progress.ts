import type { RagResources } from '../pipeline/resources.ts';
import type { RagStore } from '../store/rag-store.ts';
import type { Subscription, SubscriptionEntry } from '../store/subscriptions.ts';
import { queueEntry } from './check.ts';

/**
 * Entries whose request ended become 'indexed' (with the video id) or 'failed' (with the
 * request's reason). Entries of subscriptions nobody is told about are marked notified at once.
 */
export async function syncEntries(
  store: RagStore,
  now: number,
): Promise<{ indexed: number; failed: number }> {
  let indexed = 0;
  let failed = 0;
  const subs = new Map<number, Subscription | undefined>();
  for (const e of await store.subscriptions.entries({ statuses: ['queued'], limit: 500 })) {
    if (e.requestId === null) continue;
    const r = await store.requests.get(e.requestId);
    if (!r || r.status === 'pending' || r.status === 'processing') continue;
    if (!subs.has(e.subscriptionId))
      subs.set(e.subscriptionId, await store.subscriptions.get(e.subscriptionId));
    const sub = subs.get(e.subscriptionId);
    const silent = !sub || sub.chatId === null || sub.notify === 'off';
    if (r.status === 'completed') {
      indexed++;
      await store.subscriptions.updateEntry(e.subscriptionId, e.entryKey, {
        status: 'indexed',
        videoId: r.videoId,
        indexedAt: now,
        ...(silent ? { notifiedAt: now } : {}),
      });
    } else {
      failed++;
      await store.subscriptions.updateEntry(e.subscriptionId, e.entryKey, {
        status: 'failed',
        reason: r.error ?? 'the request failed',
      });
    }
  }
  return { indexed, failed };
}

/**
 * Releases backlog entries as requests, fresh before backfill, while fewer than `cap`
 * subscription requests are waiting: a 10,000-video backfill trickles in and never stands
 * between a person's link and the queue.
 */
export async function releaseBacklog(store: RagStore, cap: number): Promise<number> {
  const waiting = (await store.requests.list({ statuses: ['pending'], limit: 1000 })).filter(
    (r) => r.source === 'subscription',
  ).length;
  const room = Math.max(0, cap - waiting);
  if (room === 0) return 0;
  let released = 0;
  for (const e of await store.subscriptions.backlog(room)) {
    const sub = await store.subscriptions.get(e.subscriptionId);
    if (!sub) continue;
    await queueEntry(store, sub, e);
    released++;
  }
  return released;
}

/** Epoch ms of today's digest time (UTC hour), for `now`. */
export function digestTime(now: number, hourUtc: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), hourUtc);
}

/** A just-indexed video waits this long for its summary before the notice goes without one. */
const SUMMARY_GRACE_MS = 5 * 60_000;

export interface DueNotice {
  sub: Subscription;
  entries: SubscriptionEntry[];
}

/** Notices to send now: instant ones whose summary is ready (or overdue), digests whose hour has come. */
export async function dueNotices(resources: RagResources, now: number): Promise<DueNotice[]> {
  const { store } = resources;
  const hour = resources.settings.subscriptions?.digestHourUtc ?? 9;
  const waiting = (await store.subscriptions.entries({ statuses: ['indexed'], limit: 1000 })).filter(
    (e) => e.notifiedAt === null,
  );
  const bySub = new Map<number, SubscriptionEntry[]>();
  for (const e of waiting) bySub.set(e.subscriptionId, [...(bySub.get(e.subscriptionId) ?? []), e]);
  const out: DueNotice[] = [];
  for (const [id, entries] of bySub) {
    const sub = await store.subscriptions.get(id);
    if (!sub || sub.chatId === null || sub.notify === 'off') continue;
    if (sub.notify === 'digest') {
      const at = digestTime(now, hour);
      if (now >= at && (sub.digestSentAt ?? 0) < at) out.push({ sub, entries });
      continue;
    }
    const ready: SubscriptionEntry[] = [];
    for (const e of entries) {
      const summarised = e.videoId ? Boolean(await store.summaries.get(e.videoId)) : false;
      if (summarised || now - (e.indexedAt ?? now) >= SUMMARY_GRACE_MS) ready.push(e);
    }
    if (ready.length) out.push({ sub, entries: ready });
  }
  return out;
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The Telegram text for one new video: title, link, summary (or that there is none yet). */
export async function noticeText(store: RagStore, sub: Subscription, e: SubscriptionEntry): Promise<string> {
  const video = e.videoId ? await store.videos.get(e.videoId) : undefined;
  const summary = e.videoId ? await store.summaries.get(e.videoId) : undefined;
  const title = video?.title ?? e.title ?? e.url;
  const link = video?.url ?? e.url;
  const lines = [`🆕 <b>${esc(title)}</b>`, `from ${esc(sub.title ?? sub.url)}`, esc(link)];
  if (summary) {
    lines.push('', esc(clip(summary.summary, 1200)));
    for (const p of summary.keyPoints.slice(0, 5))
      lines.push(`• <a href="${esc(p.url)}">${esc(clip(p.text, 300))}</a>`);
    if (summary.mode === 'extractive') lines.push('<i>(extractive summary)</i>');
  }
  return lines.join('\n');
}

/** Sends due notices (one message per video, or one digest per subscription) and marks them sent. */
export async function sendNotices(
  resources: RagResources,
  now: number,
  log: { info(m: string): void; warn(m: string): void },
  signal?: AbortSignal,
): Promise<{ sent: number; failed: number }> {
  const { store, messenger } = resources;
  let sent = 0;
  let failed = 0;
  for (const { sub, entries } of await dueNotices(resources, now)) {
    const texts = await Promise.all(entries.map((e) => noticeText(store, sub, e)));
    const messages = sub.notify === 'digest' ? digestMessages(texts) : texts;
    try {
      for (const m of messages) {
        if (messenger) await messenger.send(sub.chatId!, m, signal);
        else
          log.info(`Subscription #${sub.id} notice (no messenger configured): ${m.replace(/<[^>]+>/g, '')}`);
      }
      for (const e of entries) await store.subscriptions.updateEntry(sub.id, e.entryKey, { notifiedAt: now });
      if (sub.notify === 'digest') await store.subscriptions.update(sub.id, { digestSentAt: now });
      sent += messages.length;
    } catch (err) {
      if (signal?.aborted) throw err;
      failed++;
      log.warn(`Subscription #${sub.id}: notice to chat ${sub.chatId} failed: ${(err as Error).message}`);
    }
  }
  return { sent, failed };
}

/** Telegram takes 4,096 characters a message; notices are packed whole, never cut inside a tag. */
const MESSAGE_LIMIT = 4000;

/** A digest of these notices: one message, or several ("1/3") when they do not fit in one. */
export function digestMessages(notices: readonly string[], limit = MESSAGE_LIMIT): string[] {
  const groups: string[][] = [];
  let size = 0;
  for (const n of notices) {
    const last = groups.at(-1);
    // Room for the heading (under 80 characters) and the blank lines between notices.
    if (last && size + n.length + 2 <= limit - 80) {
      last.push(n);
      size += n.length + 2;
    } else {
      groups.push([n]);
      size = n.length;
    }
  }
  return groups.map((g, i) => {
    const part = groups.length > 1 ? ` (${i + 1}/${groups.length})` : '';
    return `📰 <b>Daily digest: ${notices.length} new video(s)${part}</b>\n\n${g.join('\n\n')}`;
  });
}
