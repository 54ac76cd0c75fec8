import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { type TempStorage, tempPostgresStorage } from './helpers/db.ts';
import { storageContract } from './storage-contract.ts';

// One fresh schema for this file (migrations run once), emptied between tests, dropped at the end.
let shared: TempStorage | undefined;
storageContract('postgres', {
  async setup() {
    if (!shared) shared = await tempPostgresStorage();
    else await shared.truncate();
    return shared;
  },
  async teardown() {},
  async finish() {
    await shared?.cleanup();
  },
});

it('uses its own schema on every pooled connection and parses int8 as numbers', async () => {
  const t = await tempPostgresStorage();
  try {
    const schemas = await Promise.all(
      Array.from({ length: 6 }, () =>
        sql<{
          s: string;
          n: number;
        }>`select current_schema() as s, 9007199254740::int8 as n, pg_sleep(0.02)`.execute(t.handle.db),
      ),
    );
    for (const r of schemas) expect(r.rows[0]).toMatchObject({ s: t.handle.schema, n: 9007199254740 });
    await t.storage.runs.createRun({ jobName: 'j' }, 1_700_000_000_123);
    expect((await t.storage.runs.listRuns())[0]!.createdAt).toBe(1_700_000_000_123);
  } finally {
    await t.cleanup();
  }
});

it('seeds benchmark data with multi-row inserts', async () => {
  const { seedRunsForBenchmark } = await import('../src/storage/sql/bulk-seed.ts');
  const t = await tempPostgresStorage();
  try {
    const r = await seedRunsForBenchmark(t.handle, {
      runs: 300,
      eventsPerRun: 3,
      now: 1_000_000_000,
      batchSize: 128,
    });
    expect(r).toMatchObject({ runs: 300, events: 900 });
    expect(await t.storage.runs.countRuns({ tags: { asr: 'true' } })).toBe(60);
    expect((await t.storage.runs.listRuns({ limit: 1 }))[0]!.createdAt).toBe(1_000_000_000);
  } finally {
    await t.cleanup();
  }
});

it('a statement that ends runs notifies the daemon wake-up channel once; other status changes do not', async () => {
  const { createWakeRequests } = await import('../src/daemon/wake-requests.ts');
  const t = await tempPostgresStorage();
  const wakes = createWakeRequests(t.handle);
  await wakes.migrate();
  const heard: string[] = [];
  const unsubscribe = await wakes.subscribe!((reason) => heard.push(reason));
  try {
    const now = Date.now();
    const runs = await Promise.all(
      [0, 1, 2].map(async () => (await t.storage.runs.createRun({ jobName: 'j' }, now)).run),
    );
    for (const r of runs) await t.storage.runs.transitionRun(r.runId, ['QUEUED'], 'STARTING', now);
    for (const r of runs) await t.storage.runs.transitionRun(r.runId, ['STARTING'], 'STARTED', now);
    await new Promise((r) => setTimeout(r, 100));
    expect(heard).toEqual([]);
    // A CAS that misses ends nothing and says nothing.
    expect(await t.storage.runs.transitionRun(runs[0]!.runId, ['QUEUED'], 'CANCELED', now)).toBeUndefined();
    await t.storage.runs.transitionRun(runs[0]!.runId, ['STARTED'], 'SUCCESS', now, { endedAt: now });
    const until = Date.now() + 2000;
    while (heard.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    expect(heard).toEqual(['run-ended']);
    await wakes.request(null, now);
    while (heard.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    expect(heard).toEqual(['run-ended', 'request']);
  } finally {
    await unsubscribe();
    await t.cleanup();
  }
});

it('counts the runs in progress through the partial index, whatever the history of ended runs', async () => {
  const { COUNT_IN_PROGRESS } = await import('../src/storage/sql/postgres-hot-path.ts');
  const t = await tempPostgresStorage();
  try {
    const now = Date.now();
    const runs = [];
    for (let i = 0; i < 60; i++) runs.push((await t.storage.runs.createRun({ jobName: 'j' }, now + i)).run);
    for (const r of runs) await t.storage.runs.transitionRun(r.runId, ['QUEUED'], 'STARTING', now);
    for (const r of runs) await t.storage.runs.transitionRun(r.runId, ['STARTING'], 'STARTED', now);
    // 50 end (their STARTING and STARTED row versions stay behind as dead tuples), 10 stay in progress.
    for (const r of runs.slice(10))
      await t.storage.runs.transitionRun(r.runId, ['STARTED'], 'SUCCESS', now, { endedAt: now });
    await t.storage.runs.transitionRun(runs[0]!.runId, ['STARTED'], 'CANCELING', now);

    expect(await t.storage.runs.countRuns({ statuses: ['STARTED', 'CANCELING', 'STARTING'] })).toBe(10);
    expect(await t.storage.runs.countRuns({ statuses: ['STARTED'] })).toBe(9);
    expect((await t.storage.runs.listInProgressRuns()).map((r) => r.runId)).toEqual(
      runs.slice(0, 10).map((r) => r.runId),
    );
    // The partial index applies to the statement as the hot-path sessions plan it (generic, no bitmap
    // scans); a table this small is cheaper to read whole, so sequential scans are ruled out here.
    const plan = await t.handle.db.transaction().execute(async (tx) => {
      await sql`set local plan_cache_mode = force_generic_plan`.execute(tx);
      await sql`set local enable_bitmapscan = off`.execute(tx);
      await sql`set local enable_seqscan = off`.execute(tx);
      const r = await sql<{
        'QUERY PLAN': unknown;
      }>`explain (format json) ${sql.raw(COUNT_IN_PROGRESS)}`.execute(tx);
      return JSON.stringify(r.rows[0]!['QUERY PLAN']);
    });
    expect(plan).toContain('runs_in_progress_idx');
  } finally {
    await t.cleanup();
  }
});
