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
