import { randomUUID } from 'node:crypto';
import type { ExpressionBuilder, Kysely, SelectQueryBuilder } from 'kysely';
import { errorMessage, OrchestratorError } from '../../errors.ts';
import type { NewRun, NewRunEvent, Run, RunStatus } from '../../runs/types.ts';
import { IN_PROGRESS_STATUSES, RUN_STATUSES, TERMINAL_STATUSES } from '../../runs/types.ts';
import type { CreateRunResult, RunFilter, RunStatusPatch, RunStorage } from '../types.ts';
import { insertEvents } from './event-writer.ts';
import type { PostgresHotPath } from './postgres-hot-path.ts';
import { chunks, json, toRun } from './rows.ts';
import type { SqliteHotPath } from './sqlite-hot-path.ts';
import type { OrchestratorTables, RunTagsTable } from './tables.ts';

type Db = Kysely<OrchestratorTables>;
// Conditions reference runs.* only, so they apply with or without the tag join.
type RunsEb = ExpressionBuilder<OrchestratorTables, 'runs'>;

// Ids per `in (…)` list: far below both dialects' bound-parameter limits.
const ID_CHUNK = 500;

/** Run rows, their tags and lifecycle CAS. Every ordered listing is (created_at desc, run_id desc). */
export class SqlRunStorage implements RunStorage {
  readonly #db: Db;
  readonly #hot: SqliteHotPath | null;
  readonly #pgHot: PostgresHotPath | null;
  constructor(db: Db, hot: SqliteHotPath | null = null, pgHot: PostgresHotPath | null = null) {
    this.#db = db;
    this.#hot = hot;
    this.#pgHot = pgHot;
  }

  async createRun(input: NewRun, now: number): Promise<CreateRunResult> {
    const runId = input.runId ?? randomUUID();
    const tags = { ...(input.tags ?? {}) };
    const row = {
      run_id: runId,
      job_name: input.jobName,
      status: 'QUEUED',
      run_config: json(input.runConfig ?? {}),
      tags: json(tags),
      priority: input.priority ?? 0,
      run_key: input.runKey ?? null,
      partition_key: input.partitionKey ?? null,
      step_selection: input.stepSelection ? json(input.stepSelection) : null,
      parent_run_id: input.parentRunId ?? null,
      root_run_id: input.rootRunId ?? null,
      origin: input.origin ?? null,
      worker_id: null,
      attempt: 1,
      created_at: now,
      updated_at: now,
      started_at: null,
      ended_at: null,
      error: null,
    };
    const enqueued: NewRunEvent = {
      runId,
      timestamp: now,
      type: 'RUN_ENQUEUED',
      level: 'info',
      stepKey: null,
      message: `Run enqueued for job ${input.jobName}${input.origin ? ` by ${input.origin}` : ''}.`,
      data: { priority: row.priority, runKey: row.run_key, origin: row.origin },
    };
    try {
      const created = this.#pgHot
        ? await this.#pgHot.createRun(row, tags, enqueued)
        : await this.#db.transaction().execute(async (trx) => {
            // The insert comes first so a SQLite transaction takes the write lock at once (no upgrade deadlock).
            const inserted = await trx
              .insertInto('runs')
              .values(row)
              .onConflict((oc) => oc.column('run_key').doNothing())
              .returningAll()
              .executeTakeFirst();
            if (!inserted) return undefined;
            const tagRows = Object.entries(tags).map(([key, value]) => ({
              run_id: runId,
              key,
              value: String(value),
              created_at: now,
            }));
            if (tagRows.length) await trx.insertInto('run_tags').values(tagRows).execute();
            await insertEvents(trx, [enqueued], this.#hot);
            return inserted;
          });
      if (created) return { run: toRun(created), created: true };
    } catch (cause) {
      if (await this.getRun(runId)) {
        throw new OrchestratorError(
          'STORAGE_ERROR',
          `Run id '${runId}' already exists; omit runId to get a fresh one.`,
          {
            cause,
          },
        );
      }
      throw new OrchestratorError(
        'STORAGE_ERROR',
        `Could not create run for job '${input.jobName}': ${errorMessage(cause)}`,
        {
          cause,
        },
      );
    }
    const existing = await this.#db
      .selectFrom('runs')
      .selectAll()
      .where('run_key', '=', row.run_key)
      .executeTakeFirst();
    if (!existing) {
      // Only possible if the conflicting run was deleted between our insert and this read.
      throw new OrchestratorError(
        'STORAGE_ERROR',
        `Run key '${row.run_key}' conflicted but no run holds it; retry.`,
      );
    }
    return { run: toRun(existing), created: false };
  }

  async getRun(runId: string): Promise<Run | undefined> {
    const r = await this.#db.selectFrom('runs').selectAll().where('run_id', '=', runId).executeTakeFirst();
    return r ? toRun(r) : undefined;
  }

  async getRunStatuses(runIds: readonly string[]): Promise<Map<string, RunStatus>> {
    const out = new Map<string, RunStatus>();
    for (const ids of chunks([...runIds], ID_CHUNK)) {
      const rows = await this.#db
        .selectFrom('runs')
        .select(['run_id', 'status'])
        .where('run_id', 'in', ids)
        .execute();
      for (const r of rows) out.set(r.run_id, r.status as RunStatus);
    }
    return out;
  }

  async listRuns(filter: RunFilter = {}): Promise<Run[]> {
    let cursor: { created_at: number; run_id: string } | undefined;
    if (filter.beforeRunId !== undefined) {
      cursor = await this.#db
        .selectFrom('runs')
        .select(['created_at', 'run_id'])
        .where('run_id', '=', filter.beforeRunId)
        .executeTakeFirst();
      // The cursor run was deleted (retention): nothing sensible lies "before" it.
      if (!cursor) return [];
    }
    const [firstTag, ...otherTags] = Object.entries(filter.tags ?? {});
    const rest = { ...filter, tags: Object.fromEntries(otherTags) };
    // With a tag filter the first tag's ordered index drives the scan (see migration 0002);
    // otherwise the runs indexes on (status|job_name, created_at, run_id) do.
    const order = firstTag
      ? (['t0.created_at', 't0.run_id'] as const)
      : (['runs.created_at', 'runs.run_id'] as const);
    const plain = this.#db.selectFrom('runs');
    const from = (
      firstTag
        ? plain.innerJoin('run_tags as t0', (join) =>
            join
              .onRef('t0.run_id', '=', 'runs.run_id')
              .on('t0.key', '=', firstTag[0])
              .on('t0.value', '=', firstTag[1]),
          )
        : plain
    ) as SelectQueryBuilder<OrchestratorTables & { t0: RunTagsTable }, 'runs' | 't0', object>;
    let q = from
      .selectAll('runs')
      .where((eb) => eb.and(runConditions(eb, rest)))
      .orderBy(order[0], 'desc')
      .orderBy(order[1], 'desc');
    if (cursor) {
      const c = cursor;
      q = q.where((eb) => eb(eb.refTuple(order[0], order[1]), '<', eb.tuple(c.created_at, c.run_id)));
    }
    if (filter.limit !== undefined) q = q.limit(filter.limit);
    return (await q.execute()).map(toRun);
  }

  async countRuns(filter: Omit<RunFilter, 'limit' | 'beforeRunId'> = {}): Promise<number> {
    // The run queue's in-progress count, on every pass.
    if (this.#pgHot && filter.statuses && Object.keys(filter).length === 1)
      return this.#pgHot.countRunsIn(filter.statuses);
    const r = await this.#db
      .selectFrom('runs')
      .select((eb) => eb.fn.countAll().as('n'))
      .where((eb) => eb.and(runConditions(eb, filter)))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async countRunsByStatus(since?: number): Promise<Record<RunStatus, number>> {
    let q = this.#db
      .selectFrom('runs')
      .select((eb) => ['status', eb.fn.countAll().as('n')])
      .groupBy('status');
    if (since !== undefined) q = q.where('created_at', '>=', since);
    const out = Object.fromEntries(RUN_STATUSES.map((s) => [s, 0])) as Record<RunStatus, number>;
    for (const r of await q.execute()) out[r.status as RunStatus] = Number(r.n);
    return out;
  }

  async transitionRun(
    runId: string,
    from: readonly RunStatus[],
    to: RunStatus,
    now: number,
    patch: RunStatusPatch = {},
  ): Promise<Run | undefined> {
    if (from.length === 0) return undefined;
    const set = statusSet(to, now, patch);
    const events = patch.events ?? [];
    const attempt = patch.ifAttempt;
    if (this.#pgHot) {
      const r = await this.#pgHot.transitionRun(runId, from, set, events, attempt);
      return r ? toRun(r) : undefined;
    }
    const hot = this.#hot;
    if (hot) {
      // Holding the connection (its mutex) keeps these synchronous statements out of other transactions.
      return this.#db.connection().execute(async () => {
        const r = events.length
          ? hot.transaction(() => {
              const moved = hot.transitionRun(runId, from, set, attempt);
              if (moved) hot.insertEvents(events);
              return moved;
            })
          : hot.transitionRun(runId, from, set, attempt);
        return r ? toRun(r) : undefined;
      });
    }
    // The WHERE on status is the compare-and-set: of two racing writers only one matches.
    const update = (db: Db) => {
      let q = db.updateTable('runs').set(set).where('run_id', '=', runId).where('status', 'in', from);
      if (attempt !== undefined) q = q.where('attempt', '=', attempt);
      return q.returningAll().executeTakeFirst();
    };
    if (events.length === 0) {
      const r = await update(this.#db);
      return r ? toRun(r) : undefined;
    }
    // The update comes first, so a SQLite transaction takes the write lock at once.
    return this.#db.transaction().execute(async (trx) => {
      const r = await update(trx);
      if (!r) return undefined;
      await insertEvents(trx, events, hot);
      return toRun(r);
    });
  }

  async transitionRuns(
    runIds: readonly string[],
    from: readonly RunStatus[],
    to: RunStatus,
    now: number,
    patch: Omit<RunStatusPatch, 'events'> = {},
    eventFor?: (run: Run) => NewRunEvent,
  ): Promise<Run[]> {
    const ids = [...new Set(runIds)];
    if (ids.length === 0 || from.length === 0) return [];
    const set = statusSet(to, now, patch);
    return this.#db.transaction().execute(async (trx) => {
      const moved = new Map<string, Run>();
      for (const batch of chunks(ids, ID_CHUNK)) {
        const rows = await trx
          .updateTable('runs')
          .set(set)
          .where('run_id', 'in', batch)
          .where('status', 'in', from)
          .returningAll()
          .execute();
        for (const r of rows) moved.set(r.run_id, toRun(r));
      }
      // RETURNING order is not promised; callers launch in the order they asked for.
      const out = ids.flatMap((id) => moved.get(id) ?? []);
      if (eventFor && out.length) await insertEvents(trx, out.map(eventFor), this.#hot);
      return out;
    });
  }

  async claimRuns(
    runs: readonly Run[],
    from: readonly RunStatus[],
    to: RunStatus,
    now: number,
    patch: Omit<RunStatusPatch, 'events' | 'ifAttempt'> = {},
    eventFor?: (run: Run) => NewRunEvent,
  ): Promise<Run[]> {
    const unique = [...new Map(runs.map((r) => [r.runId, r])).values()];
    if (unique.length === 0 || from.length === 0) return [];
    const set = statusSet(to, now, patch);
    if (this.#pgHot) {
      // The events are made from the runs as they will be stored; the attempt in the CAS makes them true.
      const events = eventFor ? unique.map((r) => eventFor(afterPatch(r, to, now, patch))) : [];
      const rows = await this.#pgHot.claimRuns(unique, from, set, events);
      const moved = new Map(rows.map((r) => [r.run_id, toRun(r)]));
      return unique.flatMap((r) => moved.get(r.runId) ?? []);
    }
    return this.#db.transaction().execute(async (trx) => {
      const moved = new Map<string, Run>();
      for (const batch of chunks(unique, ID_CHUNK)) {
        const rows = await trx
          .updateTable('runs')
          .set(set)
          .where('status', 'in', from)
          .where((eb) =>
            eb.or(batch.map((r) => eb.and([eb('run_id', '=', r.runId), eb('attempt', '=', r.attempt)]))),
          )
          .returningAll()
          .execute();
        for (const r of rows) moved.set(r.run_id, toRun(r));
      }
      const out = unique.flatMap((r) => moved.get(r.runId) ?? []);
      if (eventFor && out.length) await insertEvents(trx, out.map(eventFor), this.#hot);
      return out;
    });
  }

  async listQueuedRuns(limit: number): Promise<Run[]> {
    if (this.#pgHot) return (await this.#pgHot.listQueuedRuns(limit)).map(toRun);
    const rows = await this.#db
      .selectFrom('runs')
      .selectAll()
      .where('status', '=', 'QUEUED')
      .orderBy('priority', 'desc')
      .orderBy('created_at', 'asc')
      .orderBy('run_id', 'asc')
      .limit(limit)
      .execute();
    return rows.map(toRun);
  }

  async listInProgressRuns(): Promise<Run[]> {
    const rows = await this.#db
      .selectFrom('runs')
      .selectAll()
      .where('status', 'in', IN_PROGRESS_STATUSES)
      .orderBy('created_at', 'asc')
      .orderBy('run_id', 'asc')
      .execute();
    return rows.map(toRun);
  }

  async deleteRunsEndedBefore(before: number): Promise<number> {
    const ids = (
      await this.#db
        .selectFrom('runs')
        .select('run_id')
        .where('status', 'in', TERMINAL_STATUSES)
        .where('ended_at', '<', before)
        .execute()
    ).map((r) => r.run_id);
    // One transaction per chunk: each run goes with its events and tags, and no lock is held for long.
    for (const batch of chunks(ids, ID_CHUNK)) {
      await this.#db.transaction().execute(async (trx) => {
        await trx.deleteFrom('events').where('run_id', 'in', batch).execute();
        await trx.deleteFrom('run_tags').where('run_id', 'in', batch).execute();
        await trx.deleteFrom('runs').where('run_id', 'in', batch).execute();
      });
    }
    return ids.length;
  }

  async listJobNames(): Promise<string[]> {
    const rows = await this.#db
      .selectFrom('runs')
      .select('job_name')
      .distinct()
      .orderBy('job_name')
      .execute();
    return rows.map((r) => r.job_name);
  }
}

/** The run as `statusSet` will store it (domain shape), for events made before the write. */
function afterPatch(run: Run, to: RunStatus, now: number, patch: RunStatusPatch): Run {
  return Object.freeze({
    ...run,
    status: to,
    updatedAt: now,
    ...(patch.workerId !== undefined ? { workerId: patch.workerId } : {}),
    ...(patch.startedAt !== undefined ? { startedAt: patch.startedAt } : {}),
    ...(patch.endedAt !== undefined ? { endedAt: patch.endedAt } : {}),
    ...(patch.error !== undefined ? { error: patch.error } : {}),
    ...(patch.attempt !== undefined ? { attempt: patch.attempt } : {}),
  });
}

function statusSet(to: RunStatus, now: number, patch: RunStatusPatch): Partial<OrchestratorTables['runs']> {
  const set: Partial<OrchestratorTables['runs']> = { status: to, updated_at: now };
  if (patch.workerId !== undefined) set.worker_id = patch.workerId;
  if (patch.startedAt !== undefined) set.started_at = patch.startedAt;
  if (patch.endedAt !== undefined) set.ended_at = patch.endedAt;
  if (patch.error !== undefined) set.error = patch.error === null ? null : json(patch.error);
  if (patch.attempt !== undefined) set.attempt = patch.attempt;
  return set;
}

function runConditions(eb: RunsEb, f: Omit<RunFilter, 'limit' | 'beforeRunId'>) {
  const c = [];
  if (f.statuses) c.push(f.statuses.length ? eb('runs.status', 'in', f.statuses) : eb.lit(false));
  if (f.jobName !== undefined) c.push(eb('runs.job_name', '=', f.jobName));
  if (f.runKey !== undefined) c.push(eb('runs.run_key', '=', f.runKey));
  if (f.createdAfter !== undefined) c.push(eb('runs.created_at', '>', f.createdAfter));
  for (const [key, value] of Object.entries(f.tags ?? {})) {
    c.push(
      eb(
        'runs.run_id',
        'in',
        eb
          .selectFrom('run_tags as rt')
          .select('rt.run_id')
          .where('rt.key', '=', key)
          .where('rt.value', '=', value),
      ),
    );
  }
  return c;
}
