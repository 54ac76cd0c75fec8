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
