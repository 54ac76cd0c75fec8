import type { Kysely } from 'kysely';
import { parseJson } from './requests.ts';

export interface User {
  userId: number;
  username: string | null;
  firstName: string | null;
  isAllowed: boolean;
  verbose: boolean;
  createdAt: number;
  lastSeenAt: number;
}

export interface UserQuery {
  id: number;
  userId: number | null;
  query: string;
  answer: string | null;
  mode: string | null;
  retrieval: string | null;
  latencyMs: number | null;
  source: string | null;
  citations: unknown[];
  createdAt: number;
}

/** Bot users, their queries and feedback, activity and the HTTP API log. */
export class UserRepository {
  constructor(private readonly db: Kysely<any>) {}

  /** Creates or refreshes a user (username/first name, last seen). */
  async touch(
    input: { userId: number; username?: string | null; firstName?: string | null },
    now = Date.now(),
  ): Promise<User> {
    const set = { username: input.username ?? null, first_name: input.firstName ?? null, last_seen_at: now };
    await this.db
      .insertInto('users')
      .values({ user_id: input.userId, ...set, is_allowed: 1, verbose: 0, created_at: now })
      .onConflict((oc) => oc.column('user_id').doUpdateSet(set))
      .execute();
    return (await this.get(input.userId))!;
  }

  async get(userId: number): Promise<User | undefined> {
    const r = await this.db.selectFrom('users').selectAll().where('user_id', '=', userId).executeTakeFirst();
    return r ? toUser(r) : undefined;
  }

  async list(limit = 100): Promise<User[]> {
    const rows = await this.db
      .selectFrom('users')
      .selectAll()
      .orderBy('last_seen_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toUser);
  }

  async setFlags(userId: number, flags: { isAllowed?: boolean; verbose?: boolean }): Promise<void> {
    const set: Record<string, number> = {};
    if (flags.isAllowed !== undefined) set.is_allowed = flags.isAllowed ? 1 : 0;
    if (flags.verbose !== undefined) set.verbose = flags.verbose ? 1 : 0;
    if (Object.keys(set).length)
      await this.db.updateTable('users').set(set).where('user_id', '=', userId).execute();
  }

  async count(): Promise<number> {
    const r = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }
}

export class QueryLogRepository {
  constructor(private readonly db: Kysely<any>) {}

  async add(
    input: Omit<UserQuery, 'id' | 'createdAt' | 'citations'> & { citations?: unknown[] },
    now = Date.now(),
  ): Promise<number> {
    const row = await this.db
      .insertInto('user_queries')
      .values({
        user_id: input.userId,
        query: input.query,
        answer: input.answer,
        mode: input.mode,
        retrieval: input.retrieval,
        latency_ms: input.latencyMs === null ? null : Math.round(input.latencyMs),
        source: input.source,
        citations: JSON.stringify(input.citations ?? []),
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(row.id);
  }

  async get(id: number): Promise<UserQuery | undefined> {
    const r = await this.db.selectFrom('user_queries').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toQuery(r) : undefined;
  }

  async list(opts: { userId?: number; limit?: number } = {}): Promise<UserQuery[]> {
    let q = this.db.selectFrom('user_queries').selectAll();
    if (opts.userId !== undefined) q = q.where('user_id', '=', opts.userId);
    const rows = await q
      .orderBy('id', 'desc')
      .limit(opts.limit ?? 100)
      .execute();
    return rows.map(toQuery);
  }

  /** The seed's user_stats: total queries, unique users, mean latency. */
  async stats(
    since?: number,
  ): Promise<{ totalQueries: number; uniqueUsers: number; avgResponseTimeMs: number }> {
    let q = this.db
      .selectFrom('user_queries')
      .select((eb) => [
        eb.fn.countAll().as('n'),
        eb.fn.count('user_id').distinct().as('users'),
        eb.fn.avg('latency_ms').as('avg'),
      ]);
    if (since !== undefined) q = q.where('created_at', '>=', since);
    const r = await q.executeTakeFirst();
    return {
      totalQueries: Number(r?.n ?? 0),
      uniqueUsers: Number(r?.users ?? 0),
      avgResponseTimeMs: Math.round(Number(r?.avg ?? 0)),
    };
  }

  async addFeedback(
    input: { queryId: number; userId?: number | null; rating: number; comment?: string | null },
    now = Date.now(),
  ): Promise<number> {
    const row = await this.db
      .insertInto('feedback')
      .values({
        query_id: input.queryId,
        user_id: input.userId ?? null,
        rating: input.rating,
        comment: input.comment ?? null,
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(row.id);
  }

  async listFeedback(
    queryId: number,
  ): Promise<{ id: number; userId: number | null; rating: number; comment: string | null }[]> {
    const rows = await this.db
      .selectFrom('feedback')
      .selectAll()
      .where('query_id', '=', queryId)
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      id: Number(r.id),
      userId: r.user_id === null ? null : Number(r.user_id),
      rating: Number(r.rating),
      comment: r.comment ?? null,
    }));
  }
}

export class ActivityRepository {
  constructor(private readonly db: Kysely<any>) {}

  async add(
    input: { userId?: number | null; action: string; details?: Record<string, unknown> },
    now = Date.now(),
  ) {
    await this.db
      .insertInto('user_activity')
      .values({
        user_id: input.userId ?? null,
        action: input.action,
        details: JSON.stringify(input.details ?? {}),
        created_at: now,
      })
      .execute();
  }

  async list(opts: { userId?: number; limit?: number } = {}) {
    let q = this.db.selectFrom('user_activity').selectAll();
    if (opts.userId !== undefined) q = q.where('user_id', '=', opts.userId);
    const rows = await q
      .orderBy('id', 'desc')
      .limit(opts.limit ?? 100)
      .execute();
    return rows.map((r) => ({
      id: Number(r.id),
      userId: r.user_id === null ? null : Number(r.user_id),
      action: r.action as string,
      details: parseJson<Record<string, unknown>>(r.details, {}),
      createdAt: Number(r.created_at),
    }));
  }
}

export interface ApiLogEntry {
  method: string;
  path: string;
  status: number;
  durationMs: number;
  ip?: string | null;
  userAgent?: string | null;
}

/**
 * `api_log`, the seed's record of HTTP API calls: written by the server for each call (`record`),
 * pruned by cleanup_job (`deleteBefore`, API_LOG_RETENTION_DAYS). The only code that touches it.
 */
export class ApiLogRepository {
  constructor(private readonly db: Kysely<any>) {}

  /** The server's ApiLog: one call, stamped with when it was made. */
  async record(e: ApiLogEntry & { createdAt: number }): Promise<void> {
    await this.add(e, e.createdAt);
  }

  async add(e: ApiLogEntry, now = Date.now()): Promise<void> {
    await this.db
      .insertInto('api_log')
      .values({
        method: e.method,
        path: e.path,
        status: e.status,
        duration_ms: e.durationMs,
        ip: e.ip ?? null,
        user_agent: e.userAgent ?? null,
        created_at: now,
      })
      .execute();
  }

  async list(limit = 100): Promise<(ApiLogEntry & { id: number; createdAt: number })[]> {
    const rows = await this.db.selectFrom('api_log').selectAll().orderBy('id', 'desc').limit(limit).execute();
    return rows.map((r) => ({
      id: Number(r.id),
      method: r.method,
      path: r.path,
      status: Number(r.status),
      durationMs: Number(r.duration_ms),
      ip: r.ip ?? null,
      userAgent: r.user_agent ?? null,
      createdAt: Number(r.created_at),
    }));
  }

  /** Whether some call was recorded before `before` (cheap: the created_at index). */
  async hasBefore(before: number): Promise<boolean> {
    const row = await this.db
      .selectFrom('api_log')
      .select('id')
      .where('created_at', '<', before)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  async deleteBefore(before: number): Promise<number> {
    const res = await this.db.deleteFrom('api_log').where('created_at', '<', before).executeTakeFirst();
    return Number(res.numDeletedRows);
  }
}

function toUser(r: any): User {
  return {
    userId: Number(r.user_id),
    username: r.username ?? null,
    firstName: r.first_name ?? null,
    isAllowed: Boolean(Number(r.is_allowed)),
    verbose: Boolean(Number(r.verbose)),
    createdAt: Number(r.created_at),
    lastSeenAt: Number(r.last_seen_at),
  };
}

function toQuery(r: any): UserQuery {
  return {
    id: Number(r.id),
    userId: r.user_id === null ? null : Number(r.user_id),
    query: r.query,
    answer: r.answer ?? null,
    mode: r.mode ?? null,
    retrieval: r.retrieval ?? null,
    latencyMs: r.latency_ms === null ? null : Number(r.latency_ms),
    source: r.source ?? null,
    citations: parseJson<unknown[]>(r.citations, []),
    createdAt: Number(r.created_at),
  };
}
