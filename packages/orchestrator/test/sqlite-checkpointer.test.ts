import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { openDatabase } from '../src/storage/database.ts';
import { startWalCheckpointer, WAL_SAFETY_NET_PAGES } from '../src/storage/sqlite-checkpointer.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ckpt-'));
  dirs.push(dir);
  return join(dir, 'state.db');
}

async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

it('copies WAL pages into the database file from a worker thread while this connection never checkpoints', async () => {
  const file = tempFile();
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0'); // only the worker may move pages into the main file
  db.exec('create table t (id integer primary key, v text)');
  const failures: string[] = [];
  const checkpointer = startWalCheckpointer(file, (m) => failures.push(m), 50);
  try {
    const before = statSync(file).size;
    const insert = db.prepare('insert into t (v) values (?)');
    for (let i = 0; i < 500; i++) insert.run('x'.repeat(500));
    // In WAL mode the main file only grows when a checkpoint copies pages back.
    await until('the worker to checkpoint', () => statSync(file).size > before + 100_000);
    expect(failures).toEqual([]);
  } finally {
    await checkpointer.stop();
    await checkpointer.stop(); // idempotent
    db.close();
  }
});

it('reports a worker that cannot open the database, so the caller can checkpoint itself again', async () => {
  const failures: string[] = [];
  const checkpointer = startWalCheckpointer(join(tempFile(), 'missing.db'), (m) => failures.push(m), 50);
  await until('the failure report', () => failures.length > 0);
  expect(failures[0]).toMatch(/unable to open|exited|directory does not exist|no such file/i);
  await checkpointer.stop();
});

it('opens file databases with the automatic checkpoint raised to a safety net (the worker does the work)', async () => {
  const handle = await openDatabase(`sqlite:${tempFile()}`);
  try {
    expect(handle.sqlite!.pragma('wal_autocheckpoint', { simple: true })).toBe(WAL_SAFETY_NET_PAGES);
  } finally {
    await handle.close();
  }
});
