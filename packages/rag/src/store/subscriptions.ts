import type { Kysely } from 'kysely';
import { parseJson } from './requests.ts';

export type SubscriptionKind = 'channel' | 'playlist' | 'feed';
export type NotifyMode = 'instant' | 'digest' | 'off';

/** Which entries of a subscription are indexed. Regexes match the entry's title (case-insensitive). */
export interface SubscriptionFilters {
  include?: string;
  exclude?: string;
  minDurationSeconds?: number;
  maxDurationSeconds?: number;
  noShorts?: boolean;
  noLive?: boolean;
}

export interface Subscription {
  id: number;
  /** The URL as subscribed (normalised), unique. */
  url: string;
  kind: SubscriptionKind;
  /** What is fetched on a check: the channel's Atom feed, the playlist URL or the feed URL. */
  feedUrl: string;
  title: string | null;
  status: 'active' | 'paused';
  filters: SubscriptionFilters;
  /** How many of the entries already there at the first check are indexed too (newest first). */
  backfill: number;
  userId: number | null;
  /** Telegram chat told about new videos. */
  chatId: number | null;
  notify: NotifyMode;
  /** True once the first check has run (what was there then is the backfill, later entries are new). */
  initialized: boolean;
  etag: string | null;
  lastModified: string | null;
  lastCheckedAt: number | null;
  nextCheckAt: number;
  /** Why the last check failed (cleared by a good one). */
  lastError: string | null;
  errorCount: number;
  /** Something worth knowing that is not an error, e.g. "only the newest 500 of 10,000 entries are watched". */
  notice: string | null;
  /** Entries queued for indexing so far, and in the last check. */
  videosFound: number;
  lastFound: number;
  checkCount: number;
  digestSentAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export type EntryStatus = 'backlog' | 'queued' | 'skipped' | 'seen' | 'indexed' | 'failed';

export interface SubscriptionEntry {
  subscriptionId: number;
  /** Stable identity of the entry: the video id, the feed's guid/id, or its link. */
  entryKey: string;
  url: string;
  title: string | null;
  publishedAt: number | null;
  durationSeconds: number | null;
  /** backlog: waiting (backfill) · queued: a request exists · skipped: a filter said no · seen: older than the backfill · indexed/failed: its request ended. */
  status: EntryStatus;
  reason: string | null;
  priority: number;
  requestId: number | null;
  videoId: string | null;
  indexedAt: number | null;
  notifiedAt: number | null;
  createdAt: number;
}

export type SubscriptionPatch = Partial<
  Pick<
    Subscription,
    | 'title'
    | 'status'
    | 'filters'
    | 'notify'
    | 'chatId'
    | 'initialized'
    | 'etag'
    | 'lastModified'
    | 'lastCheckedAt'
    | 'nextCheckAt'
    | 'lastError'
    | 'errorCount'
    | 'notice'
    | 'lastFound'
    | 'checkCount'
    | 'digestSentAt'
    | 'feedUrl'
  >
> & { addFound?: number };

const COLUMNS: Record<string, string> = {
  title: 'title',
  status: 'status',
  notify: 'notify',
  chatId: 'chat_id',
  etag: 'etag',
  lastModified: 'last_modified',
  lastCheckedAt: 'last_checked_at',
  nextCheckAt: 'next_check_at',
  lastError: 'last_error',
  errorCount: 'error_count',
  notice: 'notice',
  lastFound: 'last_found',
  checkCount: 'check_count',
  digestSentAt: 'digest_sent_at',
  feedUrl: 'feed_url',
};

/** `subscriptions` and `subscription_entries` (the per-subscription cursor). */
export class SubscriptionRepository {
  constructor(private readonly db: Kysely<any>) {}

  async create(
    input: Pick<Subscription, 'url' | 'kind' | 'feedUrl' | 'filters' | 'backfill' | 'notify'> &
      Partial<Pick<Subscription, 'title' | 'userId' | 'chatId'>>,
    now = Date.now(),
  ): Promise<Subscription> {
    const row = await this.db
      .insertInto('subscriptions')
      .values({
        url: input.url,
        kind: input.kind,
        feed_url: input.feedUrl,
        title: input.title ?? null,
        status: 'active',
        filters: JSON.stringify(input.filters),
        backfill: input.backfill,
        user_id: input.userId ?? null,
        chat_id: input.chatId ?? null,
        notify: input.notify,
        next_check_at: now,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toSubscription(row);
  }

  async get(id: number): Promise<Subscription | undefined> {
    const row = await this.db.selectFrom('subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toSubscription(row) : undefined;
  }

  async findByUrl(url: string): Promise<Subscription | undefined> {
    const row = await this.db
      .selectFrom('subscriptions')
      .selectAll()
      .where('url', '=', url)
      .executeTakeFirst();
    return row ? toSubscription(row) : undefined;
  }

  async list(opts: { chatId?: number; userId?: number } = {}): Promise<Subscription[]> {
    let q = this.db.selectFrom('subscriptions').selectAll();
    if (opts.chatId !== undefined) q = q.where('chat_id', '=', opts.chatId);
    if (opts.userId !== undefined) q = q.where('user_id', '=', opts.userId);
    return (await q.orderBy('id').execute()).map(toSubscription);
  }

  /** Active subscriptions whose next check has come, most overdue first. */
  async due(now: number, limit: number): Promise<Subscription[]> {
    const rows = await this.db
      .selectFrom('subscriptions')
      .selectAll()
      .where('status', '=', 'active')
      .where('next_check_at', '<=', now)
      .orderBy('next_check_at')
      .limit(limit)
      .execute();
    return rows.map(toSubscription);
  }

  async update(id: number, patch: SubscriptionPatch, now = Date.now()): Promise<Subscription> {
    const values: Record<string, unknown> = { updated_at: now };
    for (const [k, col] of Object.entries(COLUMNS)) {
      const v = (patch as Record<string, unknown>)[k];
      if (v !== undefined) values[col] = v;
    }
    if (patch.filters !== undefined) values.filters = JSON.stringify(patch.filters);
    if (patch.initialized !== undefined) values.initialized = patch.initialized ? 1 : 0;
    let q = this.db.updateTable('subscriptions').set(values);
    if (patch.addFound) q = q.set((eb: any) => ({ videos_found: eb('videos_found', '+', patch.addFound) }));
    const row = await q.where('id', '=', id).returningAll().executeTakeFirst();
    if (!row) throw new Error(`Subscription ${id} does not exist; it may have been removed.`);
    return toSubscription(row);
  }

  /** Deletes the subscription and its cursor. Indexed videos stay. */
  async remove(id: number): Promise<boolean> {
    await this.db.deleteFrom('subscription_entries').where('subscription_id', '=', id).execute();
    const res = await this.db.deleteFrom('subscriptions').where('id', '=', id).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  /** Which of these entry keys the subscription has already seen. */
  async knownKeys(subscriptionId: number, keys: readonly string[]): Promise<Set<string>> {
    const known = new Set<string>();
    for (let i = 0; i < keys.length; i += 500) {
      const rows = await this.db
        .selectFrom('subscription_entries')
        .select('entry_key')
        .where('subscription_id', '=', subscriptionId)
        .where('entry_key', 'in', keys.slice(i, i + 500))
        .execute();
      for (const r of rows) known.add(r.entry_key);
    }
    return known;
  }

  /** Records entries (an entry already there is left alone, so a repeated check changes nothing). */
  async addEntries(entries: readonly Omit<SubscriptionEntry, 'indexedAt' | 'notifiedAt'>[]): Promise<void> {
    for (let i = 0; i < entries.length; i += 100) {
      const batch = entries.slice(i, i + 100).map((e) => ({
        subscription_id: e.subscriptionId,
        entry_key: e.entryKey,
        url: e.url,
        title: e.title,
        published_at: e.publishedAt,
        duration_seconds: e.durationSeconds,
        status: e.status,
        reason: e.reason,
        priority: e.priority,
        request_id: e.requestId,
        video_id: e.videoId,
        created_at: e.createdAt,
      }));
      await this.db
        .insertInto('subscription_entries')
        .values(batch)
        .onConflict((oc) => oc.columns(['subscription_id', 'entry_key']).doNothing())
        .execute();
    }
  }

  async updateEntry(
    subscriptionId: number,
    entryKey: string,
    patch: Partial<
      Pick<SubscriptionEntry, 'status' | 'reason' | 'requestId' | 'videoId' | 'indexedAt' | 'notifiedAt'>
    >,
  ): Promise<void> {
    const values: Record<string, unknown> = {};
    if (patch.status !== undefined) values.status = patch.status;
    if (patch.reason !== undefined) values.reason = patch.reason;
    if (patch.requestId !== undefined) values.request_id = patch.requestId;
    if (patch.videoId !== undefined) values.video_id = patch.videoId;
    if (patch.indexedAt !== undefined) values.indexed_at = patch.indexedAt;
    if (patch.notifiedAt !== undefined) values.notified_at = patch.notifiedAt;
    if (Object.keys(values).length === 0) return;
    await this.db
      .updateTable('subscription_entries')
      .set(values)
      .where('subscription_id', '=', subscriptionId)
      .where('entry_key', '=', entryKey)
      .execute();
  }

  async entries(
    filter: { subscriptionId?: number; statuses?: readonly EntryStatus[]; limit?: number } = {},
  ): Promise<SubscriptionEntry[]> {
    let q = this.db.selectFrom('subscription_entries').selectAll();
    if (filter.subscriptionId !== undefined) q = q.where('subscription_id', '=', filter.subscriptionId);
    if (filter.statuses?.length) q = q.where('status', 'in', [...filter.statuses]);
    const rows = await q
      .orderBy('priority', 'desc')
      .orderBy('created_at')
      .orderBy('published_at', 'desc')
      .limit(filter.limit ?? 200)
      .execute();
    return rows.map(toEntry);
  }

  /** Backlog entries of active subscriptions, fresh before backfill, then in order of discovery. */
  async backlog(limit: number): Promise<SubscriptionEntry[]> {
    const rows = await this.db
      .selectFrom('subscription_entries as e')
      .innerJoin('subscriptions as s', 's.id', 'e.subscription_id')
      .selectAll('e')
      .where('e.status', '=', 'backlog')
      .where('s.status', '=', 'active')
      .orderBy('e.priority', 'desc')
      .orderBy('e.created_at')
      .orderBy('e.published_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toEntry);
  }

  async countEntries(subscriptionId: number): Promise<Record<EntryStatus, number>> {
    const rows = await this.db
      .selectFrom('subscription_entries')
      .select(['status', (eb) => eb.fn.countAll().as('n')])
      .where('subscription_id', '=', subscriptionId)
      .groupBy('status')
      .execute();
    const out: Record<EntryStatus, number> = {
      backlog: 0,
      queued: 0,
      skipped: 0,
      seen: 0,
      indexed: 0,
      failed: 0,
    };
    for (const r of rows) out[r.status as EntryStatus] = Number(r.n);
    return out;
  }
}

function num(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}

function toSubscription(r: any): Subscription {
  return {
    id: Number(r.id),
    url: r.url,
    kind: r.kind,
    feedUrl: r.feed_url,
    title: r.title ?? null,
    status: r.status,
    filters: parseJson(r.filters, {}),
    backfill: Number(r.backfill),
    userId: num(r.user_id),
    chatId: num(r.chat_id),
    notify: r.notify,
    initialized: Boolean(Number(r.initialized)),
    etag: r.etag ?? null,
    lastModified: r.last_modified ?? null,
    lastCheckedAt: num(r.last_checked_at),
    nextCheckAt: Number(r.next_check_at),
    lastError: r.last_error ?? null,
    errorCount: Number(r.error_count),
    notice: r.notice ?? null,
    videosFound: Number(r.videos_found),
    lastFound: Number(r.last_found),
    checkCount: Number(r.check_count),
    digestSentAt: num(r.digest_sent_at),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

function toEntry(r: any): SubscriptionEntry {
  return {
    subscriptionId: Number(r.subscription_id),
    entryKey: r.entry_key,
    url: r.url,
    title: r.title ?? null,
    publishedAt: num(r.published_at),
    durationSeconds: num(r.duration_seconds),
    status: r.status,
    reason: r.reason ?? null,
    priority: Number(r.priority),
    requestId: num(r.request_id),
    videoId: r.video_id ?? null,
    indexedAt: num(r.indexed_at),
    notifiedAt: num(r.notified_at),
    createdAt: Number(r.created_at),
  };
}
