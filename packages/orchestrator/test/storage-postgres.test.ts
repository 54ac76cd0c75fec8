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
