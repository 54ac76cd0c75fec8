import { expect, it } from 'vitest';
import { OrchestratorError } from '../src/errors.ts';
import { openDatabase } from '../src/storage/database.ts';
import { parseDatabaseUrl } from '../src/storage/database-url.ts';
import { type TempStorage, tempSqliteStorage } from './helpers/db.ts';
import { storageContract } from './storage-contract.ts';

// A fresh SQLite file per test.
let current: TempStorage | undefined;
storageContract('sqlite', {
  async setup() {
    current = await tempSqliteStorage();
    return current;
  },
  async teardown() {
    await current?.cleanup();
    current = undefined;
  },
});

it('opens SQLite in WAL mode with a busy timeout and foreign keys', async () => {
  const t = await tempSqliteStorage();
  try {
    const raw = t.handle.sqlite!;
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(raw.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(raw.pragma('synchronous', { simple: true })).toBe(1);
    expect(t.handle.schema).toBeNull();
  } finally {
    await t.cleanup();
  }
});

it('parses every DATABASE_URL form and rejects others with a helpful message', async () => {
  expect(parseDatabaseUrl(':memory:')).toEqual({ dialect: 'sqlite', filename: ':memory:' });
  expect(parseDatabaseUrl('sqlite:/a/b.db')).toEqual({ dialect: 'sqlite', filename: '/a/b.db' });
  expect(parseDatabaseUrl('sqlite:///a/b.db')).toEqual({ dialect: 'sqlite', filename: '/a/b.db' });
  expect(parseDatabaseUrl('data/x.db', '/srv')).toEqual({ dialect: 'sqlite', filename: '/srv/data/x.db' });
  expect(parseDatabaseUrl('postgresql://u:pw@h:6000/db?schema=orch&sslmode=disable')).toEqual({
    dialect: 'postgres',
    connectionString: 'postgresql://u:pw@h:6000/db?sslmode=disable',
    schema: 'orch',
    display: 'h:6000/db',
  });
  for (const bad of ['mysql://u@h/db', 'http://x', '', 'sqlite:']) {
    expect(() => parseDatabaseUrl(bad)).toThrow(
      'DATABASE_URL must be a file path, sqlite:…, or postgres://…',
    );
  }
  expect(() => parseDatabaseUrl('postgres://h/db?schema=a;drop')).toThrow(/invalid schema 'a;drop'/);
  const err = await openDatabase('postgres://root:s3cret@127.0.0.1:1/db').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(OrchestratorError);
  expect((err as Error).message).toContain('Cannot connect to PostgreSQL at 127.0.0.1:1/db');
  expect((err as Error).message).not.toContain('s3cret');
});

it('works on :memory:', async () => {
  const h = await openDatabase(':memory:');
  try {
    const { createSqlStorage } = await import('../src/storage/sql/sql-storage.ts');
    const s = createSqlStorage(h);
    await s.migrate();
    expect((await s.runs.createRun({ jobName: 'j' }, 1)).created).toBe(true);
  } finally {
    await h.close();
  }
});

it('seeds benchmark data that the storage reads back consistently', async () => {
  const { seedRunsForBenchmark } = await import('../src/storage/sql/bulk-seed.ts');
  const t = await tempSqliteStorage();
  try {
    const r = await seedRunsForBenchmark(t.handle, {
      runs: 450,
      eventsPerRun: 4,
      now: 1_000_000_000,
      batchSize: 200,
    });
    expect(r).toMatchObject({ runs: 450, events: 1800 });
    expect(await t.storage.runs.countRuns()).toBe(450);
    const newest = await t.storage.runs.listRuns({ limit: 1 });
    expect(newest[0]!.createdAt).toBe(1_000_000_000);
    expect(await t.storage.events.countEvents(newest[0]!.runId)).toBe(4);
    const byTag = await t.storage.runs.listRuns({ tags: { asr: 'true' }, limit: 5 });
    expect(byTag.every((run) => run.jobName === 'transcribe')).toBe(true);
    expect(await t.storage.runs.countRuns({ tags: { asr: 'true' } })).toBe(90);
  } finally {
    await t.cleanup();
  }
});
