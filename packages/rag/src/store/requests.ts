import { type Kysely, sql } from 'kysely';
import type { RequestStage, RequestStatus, YoutubeRequest } from '../service/types.ts';
import type { RequestTransition } from './request-lifecycle.ts';

export interface NewRequest {
  url: string;
  videoId?: string | null;
  userId?: number | null;
  chatId?: number | null;
  language?: string;
  force?: boolean;
  source: YoutubeRequest['source'];
  status?: RequestStatus;
  stage?: RequestStage;
  runId?: string | null;
  error?: string | null;
  errorPermanent?: boolean;
  /** Queue order among pending requests (higher first). Hand-sent 0; subscriptions negative. */
  priority?: number;
}

/** Fields a transition may change besides the status (timings go through `recordTiming`). */
export interface RequestPatch {
  videoId?: string | null;
  stage?: RequestStage;
  error?: string | null;
  errorPermanent?: boolean;
  runId?: string | null;
}

export interface RequestFilter {
  status?: RequestStatus;
  statuses?: readonly RequestStatus[];
  userId?: number;
  videoId?: string;
  runId?: string;
  limit?: number;
}

/** `youtube_requests`: one row per (video) request, moved through stages as the pipeline runs. */
export class RequestRepository {
  constructor(
    private readonly db: Kysely<any>,
    private readonly dialect: 'sqlite' | 'postgres' = 'sqlite',
  ) {}

  async create(input: NewRequest, now = Date.now()): Promise<YoutubeRequest> {
    const row = await this.db
      .insertInto('youtube_requests')
      .values({
        url: input.url,
        video_id: input.videoId ?? null,
        user_id: input.userId ?? null,
        chat_id: input.chatId ?? null,
        status: input.status ?? 'pending',
        stage: input.stage ?? 'validating',
        error: input.error ?? null,
        error_permanent: input.errorPermanent ? 1 : 0,
        language: input.language ?? 'auto',
        force: input.force ? 1 : 0,
        attempts: 0,
        run_id: input.runId ?? null,
        source: input.source,
        priority: input.priority ?? 0,
        created_at: now,
        updated_at: now,
        timings: '{}',
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toRequest(row);
  }

  /**
   * Creates a request unless one for the same video is already pending or processing;
   * then returns that one with `created: false`, so a video is never queued twice.
   */
  async createDeduped(
    input: NewRequest,
    now = Date.now(),
  ): Promise<{ request: YoutubeRequest; created: boolean }> {
    // Pages of other sites have no id until they are downloaded: the same URL in flight twice
    // would download into the same files at once, so it joins the active request instead.
    // Check and insert in one transaction (on Postgres under a lock on the key), so 200 concurrent
    // submissions of one URL still make one request.
    const key = input.videoId ? `video:${input.videoId}` : `url:${input.url}`;
    return this.db.transaction().execute(async (trx) => {
      if (this.dialect === 'postgres')
        await sql`select pg_advisory_xact_lock(hashtext(${`youtube_requests:${key}`}))`.execute(trx);
      const repo = new RequestRepository(trx, this.dialect);
      const active = input.videoId
        ? await repo.findActive(input.videoId)
        : await repo.findActiveByUrl(input.url);
      if (active) return { request: active, created: false };
      return { request: await repo.create(input, now), created: true };
    });
  }

  /** The oldest pending/processing request for exactly this URL, if any. */
  async findActiveByUrl(url: string): Promise<YoutubeRequest | undefined> {
    const row = await this.db
      .selectFrom('youtube_requests')
      .selectAll()
      .where('url', '=', url)
      .where('status', 'in', ['pending', 'processing'])
      .orderBy('id')
      .executeTakeFirst();
    return row ? toRequest(row) : undefined;
  }

  /** The oldest pending/processing request for a video, if any. */
  async findActive(videoId: string): Promise<YoutubeRequest | undefined> {
    const row = await this.db
      .selectFrom('youtube_requests')
      .selectAll()
      .where('video_id', '=', videoId)
      .where('status', 'in', ['pending', 'processing'])
      .orderBy('id')
      .executeTakeFirst();
    return row ? toRequest(row) : undefined;
  }

  async get(id: number): Promise<YoutubeRequest | undefined> {
    const row = await this.db
      .selectFrom('youtube_requests')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toRequest(row) : undefined;
  }

  /** Newest first. */
  async list(filter: RequestFilter = {}): Promise<YoutubeRequest[]> {
    let q = this.db.selectFrom('youtube_requests').selectAll();
    if (filter.status) q = q.where('status', '=', filter.status);
    if (filter.statuses?.length) q = q.where('status', 'in', [...filter.statuses]);
    if (filter.userId !== undefined) q = q.where('user_id', '=', filter.userId);
    if (filter.videoId) q = q.where('video_id', '=', filter.videoId);
    if (filter.runId) q = q.where('run_id', '=', filter.runId);
    const rows = await q
      .orderBy('id', 'desc')
      .limit(filter.limit ?? 100)
      .execute();
    return rows.map(toRequest);
  }

  /** Pending requests, highest priority first, then oldest (what the URL sensor turns into runs). */
  async listPending(limit = 50): Promise<YoutubeRequest[]> {
    const rows = await this.db
      .selectFrom('youtube_requests')
      .selectAll()
      .where('status', '=', 'pending')
      .orderBy('priority', 'desc')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toRequest);
  }

  async countByStatus(): Promise<Record<RequestStatus, number>> {
    const rows = await this.db
      .selectFrom('youtube_requests')
      .select(['status', (eb) => eb.fn.countAll().as('n')])
      .groupBy('status')
      .execute();
    const out: Record<RequestStatus, number> = { pending: 0, processing: 0, completed: 0, failed: 0 };
    for (const r of rows) out[r.status as RequestStatus] = Number(r.n);
    return out;
  }

  /**
   * Compare-and-set: applies `t` (and `patch`) only while the request's status is one of `t.from`.
   * Returns the updated request, or undefined when it was in another status (canceled, finished)
   * or does not exist — the caller then leaves it alone.
   */
  async transition(
    id: number,
    t: RequestTransition,
    patch: RequestPatch = {},
    now = Date.now(),
  ): Promise<YoutubeRequest | undefined> {
    const values: Record<string, unknown> = { status: t.to, updated_at: now };
    if (patch.videoId !== undefined) values.video_id = patch.videoId;
    if (patch.stage !== undefined) values.stage = patch.stage;
    if (patch.error !== undefined) values.error = patch.error;
    if (patch.errorPermanent !== undefined) values.error_permanent = patch.errorPermanent ? 1 : 0;
    if (patch.runId !== undefined) values.run_id = patch.runId;
    if (t.name === 'retry') values.attempts = sql`attempts + 1`;
    const row = await this.db
      .updateTable('youtube_requests')
      .set(values)
      .where('id', '=', id)
      .where('status', 'in', [...t.from])
      .returningAll()
      .executeTakeFirst();
    return row ? toRequest(row) : undefined;
  }

  /** Records how long a stage took, merged into `timings` in the database (no read-modify-write). */
  async recordTiming(id: number, stage: string, ms: number): Promise<void> {
    const value = Math.round(ms);
    const merged =
      this.dialect === 'postgres'
        ? sql`(coalesce(nullif(timings, ''), '{}')::jsonb || jsonb_build_object(${stage}::text, ${value}::int))::text`
        : sql`json_set(coalesce(nullif(timings, ''), '{}'), ${`$."${stage.replace(/"/g, '')}"`}, ${value})`;
    await this.db.updateTable('youtube_requests').set({ timings: merged }).where('id', '=', id).execute();
  }

  /**
   * Claims pending requests for a run (status → processing, run_id set) and returns them.
   * Only rows still pending are claimed, so two runs never take the same request.
   */
  async claim(ids: readonly number[], runId: string, now = Date.now()): Promise<YoutubeRequest[]> {
    if (ids.length === 0) return [];
    await this.db
      .updateTable('youtube_requests')
      .set({ status: 'processing', run_id: runId, updated_at: now, error: null, error_permanent: 0 })
      .where('id', 'in', [...ids])
      .where('status', '=', 'pending')
      .execute();
    return (await this.list({ runId, limit: 10_000 })).filter((r) => ids.includes(r.id));
  }

  /** Claims up to `limit` pending requests (oldest first). */
  async claimPending(limit: number, runId: string, now = Date.now()): Promise<YoutubeRequest[]> {
    const pending = await this.listPending(limit);
    return this.claim(
      pending.map((r) => r.id),
      runId,
      now,
    );
  }
}

function toRequest(r: any): YoutubeRequest {
  return {
    id: Number(r.id),
    url: r.url,
    videoId: r.video_id ?? null,
    userId: r.user_id === null || r.user_id === undefined ? null : Number(r.user_id),
    chatId: r.chat_id === null || r.chat_id === undefined ? null : Number(r.chat_id),
    status: r.status,
    stage: r.stage,
    error: r.error ?? null,
    errorPermanent: Boolean(Number(r.error_permanent)),
    language: r.language,
    force: Boolean(Number(r.force)),
    attempts: Number(r.attempts),
    runId: r.run_id ?? null,
    source: r.source,
    priority: Number(r.priority ?? 0),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    timings: parseJson(r.timings, {}),
  };
}

export function parseJson<T>(text: unknown, fallback: T): T {
  if (typeof text !== 'string' || text === '') return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
