/*
 * Every table of an installation comes from the one registry (src/schema.ts): two installations
 * share one PostgreSQL database in different `?schema=`s, and processes that start together
 * migrate one schema (or SQLite file) once — one wins, the others wait and find nothing to do.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createWakeRequests } from '@llm-rag-yt/orchestrator';
import { DIALECTS, openTestDatabase, type TestDatabase } from '@llm-rag-yt/testing';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../src/main.ts';
import { migrateAll, migrationSets } from '../src/schema.ts';

const CHILD = resolve(dirname(fileURLToPath(import.meta.url)), 'helpers/migrate-child.ts');
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const run = promisify(execFile);

const open: TestDatabase[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.cleanup();
});

/** Names of the migrations recorded in each set's bookkeeping table (duplicates kept). */
async function recorded(db: TestDatabase): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const set of await migrationSets(db.dialect, { bot: true })) {
    const rows = await sql<{
      name: string;
    }>`select name from ${sql.table(set.migrationTable)} order by name`.execute(db.handle.db);
    out[set.migrationTable] = rows.rows.map((r) => r.name);
  }
  return out;
}

async function expected(dialect: TestDatabase['dialect']): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const set of await migrationSets(dialect, { bot: true }))
    out[set.migrationTable] = Object.keys(set.migrations(dialect)).sort();
  return out;
}

/** `llm-rag-yt db tables --json` on `db`, in-process. */
async function dbTables(db: TestDatabase) {
  let stdout = '';
  const code = await main(['db', 'tables', '--json'], {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: () => {} },
    env: { DATABASE_URL: db.url, LOG_LEVEL: 'error' },
    cwd: REPO,
  });
  expect(code).toBe(0);
  return JSON.parse(stdout) as {
    dialect: string;
    sets: { owner: string; migrationTable: string; applied: number; total: number; tables: string[] }[];
  };
}

describe('the table registry', () => {
  for (const dialect of DIALECTS) {
    it(`\`db tables\` lists every owner's tables and how many of its migrations ${dialect} has applied`, async () => {
      const db = await openTestDatabase(dialect, { prefix: 'dbtables' });
      open.push(db);
      const sets = await migrationSets(dialect, { bot: true });
      const before = await dbTables(db);
      expect(before.dialect).toBe(dialect);
      expect(before.sets.map((s) => [s.migrationTable, s.tables, s.applied])).toEqual(
        sets.map((s) => [s.migrationTable, [...s.tables], 0]),
      );
      await migrateAll(db.handle, { bot: false });
      const after = await dbTables(db);
      for (const s of after.sets)
        expect([s.migrationTable, s.applied]).toEqual([
          s.migrationTable,
          s.migrationTable === 'bot_migrations' ? 0 : s.total,
        ]);
      expect(after.sets.every((s) => s.total > 0)).toBe(true);
    });
  }

  it("the README's ownership table is the registry's", async () => {
    const readme = readFileSync(resolve(REPO, 'README.md'), 'utf8');
    /** Set → tables named in its row; `extras` are the parenthesised ones (dialect-specific). */
    const rows = new Map<string, { main: string[]; extras: string[] }>();
    for (const m of readme.matchAll(/^\| [^|]*\(`(\w+_migrations)`[^|]*\| (.*) \|$/gm)) {
      const names = (text: string) => [...text.matchAll(/`(\w+)`/g)].map((t) => t[1]!);
      const extras = m[2]!.match(/\(\+[^)]*\)/)?.[0] ?? '';
      rows.set(m[1]!, { main: names(m[2]!.replace(extras, '')), extras: names(extras) });
    }
    const registry = await Promise.all(DIALECTS.map((d) => migrationSets(d, { bot: true })));
    expect(new Set(rows.keys())).toEqual(new Set(registry.flat().map((s) => s.migrationTable)));
    for (const set of registry.flat()) {
      const row = rows.get(set.migrationTable)!;
      for (const t of set.tables) expect([...row.main, ...row.extras], set.migrationTable).toContain(t);
    }
    for (const [name, row] of rows)
      for (const t of row.main)
        for (const sets of registry)
          expect(sets.find((s) => s.migrationTable === name)?.tables, name).toContain(t);
  });
});

describe('migrations', () => {
  it('two installations start in one PostgreSQL database, each in its own schema', async () => {
    const a = await openTestDatabase('postgres', { prefix: 'inst_a' });
    const b = await openTestDatabase('postgres', { prefix: 'inst_b' });
    open.push(a, b);
    await migrateAll(a.handle, { bot: true });
    // Before the fix: "relation rag_migrations_lock does not exist" (a's bookkeeping table counted).
    await migrateAll(b.handle, { bot: true });
    expect(await recorded(b)).toEqual(await expected('postgres'));
    expect(await recorded(a)).toEqual(await expected('postgres'));
    // Each installation has its own rows.
    await createWakeRequests(b.handle).request('some_sensor', 1);
    expect(await createWakeRequests(a.handle).hasPending()).toBe(false);
    expect(await createWakeRequests(b.handle).hasPending()).toBe(true);
  });

  for (const dialect of DIALECTS) {
    it(`three processes migrating one ${dialect} database at once: one wins, the others wait`, async () => {
      const db = await openTestDatabase(dialect, { prefix: 'migrate3' });
      open.push(db);
      const startAt = Date.now() + 4000; // after tsx has loaded all three
      const children = [1, 2, 3].map(() =>
        run(process.execPath, ['--import', 'tsx', CHILD, db.url, String(startAt)], {
          cwd: REPO,
          timeout: 60_000,
        }),
      );
      const results = await Promise.allSettled(children);
      for (const r of results) {
        expect(r.status, r.status === 'rejected' ? String((r.reason as Error).message) : '').toBe(
          'fulfilled',
        );
        if (r.status === 'fulfilled') expect(r.value.stdout).toContain('migrated');
      }
      // Each migration applied exactly once.
      expect(await recorded(db)).toEqual(await expected(dialect));
    }, 90_000);
  }
});
