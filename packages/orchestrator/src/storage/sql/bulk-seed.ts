import { type Kysely, sql } from 'kysely';
import type { RunStatus } from '../../runs/types.ts';
import type { DatabaseHandle, SqliteLike, SqliteStatementLike } from '../database.ts';
import { chunks, json } from './rows.ts';
import type { OrchestratorTables } from './tables.ts';

/*
 * Fills a migrated database with realistic-looking history for benchmarks (not for tests or
 * production): multi-row INSERTs, one transaction per batch of runs, then ANALYZE so the planner
 * sees the real distribution. Deterministic for a given input.
 */

export interface SeedOptions {
  runs: number;
  eventsPerRun: number;
  /** Newest run's createdAt. Default Date.now(). Runs are spread over the 30 days before it. */
  now?: number;
  /** Runs per transaction. Default 2000. */
  batchSize?: number;
}

export interface SeedResult {
  runs: number;
  events: number;
  tags: number;
  ms: number;
}

const JOBS = ['ingest_video', 'transcribe', 'embed_chunks', 'summarize', 'daily_digest'];
const STATUS_CUTS: [number, RunStatus][] = [
  [0.85, 'SUCCESS'],
  [0.93, 'FAILURE'],
  [0.96, 'CANCELED'],
  [0.98, 'QUEUED'],
  [1, 'STARTED'],
];
const SPAN_MS = 30 * 24 * 3600 * 1000;

/** Seeds `runs` runs with tags and `eventsPerRun` events each. 100k runs + 1M events: seconds on SQLite. */
export async function seedRunsForBenchmark(handle: DatabaseHandle, opts: SeedOptions): Promise<SeedResult> {
  const started = performance.now();
  const db = handle.db as Kysely<OrchestratorTables>;
  const now = opts.now ?? Date.now();
  const batchSize = opts.batchSize ?? 2000;
  const rand = mulberry32(42);
  let events = 0;
  let tags = 0;
  for (let first = 0; first < opts.runs; first += batchSize) {
    const count = Math.min(batchSize, opts.runs - first);
    const runRows: OrchestratorTables['runs'][] = [];
    const tagRows: OrchestratorTables['run_tags'][] = [];
    const eventRows: Omit<OrchestratorTables['events'], 'id'>[] = [];
    for (let i = first; i < first + count; i++) {
      const runId = `seed-${i.toString().padStart(8, '0')}`;
      const createdAt = Math.round(now - SPAN_MS + (SPAN_MS * (i + 1)) / opts.runs);
      const r = rand();
      const status = STATUS_CUTS.find(([cut]) => r < cut)![1];
      const jobName = JOBS[i % JOBS.length]!;
      const runTags: Record<string, string> = { source: i % 3 === 0 ? 'sensor' : 'cli' };
      if (jobName === 'transcribe') runTags.asr = 'true';
      const ended = status === 'SUCCESS' || status === 'FAILURE' || status === 'CANCELED';
      runRows.push({
        run_id: runId,
        job_name: jobName,
        status,
        run_config: '{}',
        tags: json(runTags),
        priority: 0,
        run_key: i % 2 === 0 ? `seed-key-${i}` : null,
        partition_key: null,
        step_selection: null,
        parent_run_id: null,
        root_run_id: null,
        origin: runTags.source === 'sensor' ? 'sensor:seed' : 'cli',
        worker_id: status === 'QUEUED' ? null : 'seed-worker',
        attempt: 1,
        created_at: createdAt,
        updated_at: createdAt + 1000,
        started_at: status === 'QUEUED' ? null : createdAt + 10,
        ended_at: ended ? createdAt + 1000 : null,
        error: status === 'FAILURE' ? json({ message: 'seeded failure', className: 'Error' }) : null,
      });
      for (const [key, value] of Object.entries(runTags))
        tagRows.push({ run_id: runId, key, value, created_at: createdAt });
      for (let e = 0; e < opts.eventsPerRun; e++) {
        const type =
          e === 0 ? 'RUN_ENQUEUED' : e === opts.eventsPerRun - 1 && ended ? `RUN_${status}` : 'LOG';
        eventRows.push({
          run_id: runId,
          timestamp: createdAt + e,
          type,
          level: e % 10 === 7 ? 'warn' : 'info',
          step_key: e === 0 ? null : `step_${e % 4}`,
          message: `seeded event ${e} of ${runId}`,
          data: null,
        });
      }
    }
    if (handle.sqlite) {
      // Kysely's per-statement compile dominates at this volume; reuse prepared multi-row statements.
      const raw = handle.sqlite;
      raw.transaction(() => {
        insertRaw(raw, 'runs', runRows);
        insertRaw(raw, 'run_tags', tagRows);
        insertRaw(raw, 'events', eventRows);
      })();
    } else {
      await db.transaction().execute(async (trx) => {
        for (const b of chunks(runRows, 500)) await trx.insertInto('runs').values(b).execute();
        for (const b of chunks(tagRows, 2000)) await trx.insertInto('run_tags').values(b).execute();
        for (const b of chunks(eventRows, 2000)) await trx.insertInto('events').values(b).execute();
      });
    }
    events += eventRows.length;
    tags += tagRows.length;
  }
  // VACUUM also sets Postgres' visibility map, enabling index-only scans as autovacuum would later.
  await (handle.dialect === 'postgres' ? sql`vacuum analyze` : sql`analyze`).execute(db);
  return { runs: opts.runs, events, tags, ms: Math.round(performance.now() - started) };
}

const RAW_ROWS = 200;
const rawStatements = new WeakMap<SqliteLike, Map<string, SqliteStatementLike>>();

/** Multi-row INSERTs of RAW_ROWS rows through cached prepared statements (SQLite only). */
function insertRaw(raw: SqliteLike, table: string, rows: readonly object[]): void {
  if (rows.length === 0) return;
  const cols = Object.keys(rows[0]!);
  let cache = rawStatements.get(raw);
  if (!cache) {
    cache = new Map();
    rawStatements.set(raw, cache);
  }
  const statement = (n: number) => {
    const key = `${table}:${n}`;
    let st = cache.get(key);
    if (!st) {
      const tuple = `(${cols.map(() => '?').join(',')})`;
      st = raw.prepare(`insert into ${table} (${cols.join(',')}) values ${Array(n).fill(tuple).join(',')}`);
      cache.set(key, st);
    }
    return st;
  };
  for (const batch of chunks(rows, RAW_ROWS)) {
    const params: unknown[] = [];
    for (const r of batch) for (const c of cols) params.push((r as Record<string, unknown>)[c]);
    statement(batch.length).run(...params);
  }
}

/** Small seeded PRNG so seeded data is the same on every run and dialect. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Seeds the same shape of history as `seedRunsForBenchmark`, generated inside the database
 * (`generate_series` on Postgres, a recursive CTE on SQLite): for millions of runs and tens of
 * millions of events, where building rows in JavaScript would take many minutes. Deterministic: the
 * status of run i comes from a multiplicative hash of i. Run ids `seed-00000000`…, as there.
 */
export async function seedRunsInDatabase(handle: DatabaseHandle, opts: SeedOptions): Promise<SeedResult> {
  const started = performance.now();
  const db = handle.db as Kysely<OrchestratorTables>;
  const now = opts.now ?? Date.now();
  const { runs: n, eventsPerRun: epr } = opts;
  const pg = handle.dialect === 'postgres';
  const series = (count: number) =>
    pg
      ? `(select i from generate_series(0, ${count - 1}) as gs(i))`
      : `(with recursive s(i) as (select 0 union all select i + 1 from s where i < ${count - 1}) select i from s)`;
  // A fixed pseudo-random fraction in [0, 1) per run, the same on both dialects.
  const r = '(((y.i * 2654435761) % 1000003) / 1000003.0)';
  const status = `case when ${r} < 0.85 then 'SUCCESS' when ${r} < 0.93 then 'FAILURE' when ${r} < 0.96 then 'CANCELED' when ${r} < 0.98 then 'QUEUED' else 'STARTED' end`;
  const pad = pg ? `lpad(y.i::text, 8, '0')` : `substr('00000000' || y.i, -8, 8)`;
  const created = `(${now - SPAN_MS} + (${SPAN_MS} * (y.i + 1)) / ${n})`;
  const jobs = `case y.i % 5 ${JOBS.map((j, k) => `when ${k} then '${j}'`).join(' ')} end`;
  const exec = (text: string) => sql.raw(text).execute(db);
  const step = 200_000; // runs per statement: bounded memory and WAL per transaction
  for (let first = 0; first < n; first += step) {
    const count = Math.min(step, n - first);
    // g: run number i, its id, status and creation time.
    const g = `(select y.i as i, 'seed-' || ${pad} as run_id, ${status} as status, ${created} as created_at,
        ${jobs} as job_name from (select i + ${first} as i from ${series(count)} as x) as y) as g`;
    await exec(`insert into runs (run_id, job_name, status, run_config, tags, priority, run_key, partition_key,
        step_selection, parent_run_id, root_run_id, origin, worker_id, attempt, created_at, updated_at, started_at, ended_at, error)
      select g.run_id, g.job_name, g.status, '{}',
        case when g.i % 3 = 0 then '{"source":"sensor"}' else '{"source":"cli"}' end, 0,
        case when g.i % 2 = 0 then 'seed-key-' || g.i else null end, null, null, null, null,
        case when g.i % 3 = 0 then 'sensor:seed' else 'cli' end,
        case when g.status = 'QUEUED' then null else 'seed-worker' end, 1,
        g.created_at, g.created_at + 1000,
        case when g.status = 'QUEUED' then null else g.created_at + 10 end,
        case when g.status in ('SUCCESS', 'FAILURE', 'CANCELED') then g.created_at + 1000 else null end,
        case when g.status = 'FAILURE' then '{"message":"seeded failure","className":"Error"}' else null end
      from ${g}`);
    await exec(`insert into run_tags (run_id, key, value, created_at)
      select g.run_id, 'source', case when g.i % 3 = 0 then 'sensor' else 'cli' end, g.created_at from ${g}`);
    if (epr > 0) {
      await exec(`insert into events (run_id, timestamp, type, level, step_key, message, data)
        select g.run_id, g.created_at + e.i,
          case when e.i = 0 then 'RUN_ENQUEUED' else 'LOG' end,
          case when e.i % 10 = 7 then 'warn' else 'info' end,
          case when e.i = 0 then null else 'step_' || (e.i % 4) end,
          'seeded event ' || e.i || ' of ' || g.run_id, null
        from ${g} cross join ${series(epr)} as e`);
    }
  }
  await (pg ? sql`vacuum analyze` : sql`analyze`).execute(db);
  return { runs: n, events: n * epr, tags: n, ms: Math.round(performance.now() - started) };
}
