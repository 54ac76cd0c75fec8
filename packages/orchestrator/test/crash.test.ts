import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openDatabase } from '../src/storage/database.ts';
import { createSqlStorage } from '../src/storage/sql/sql-storage.ts';
import type { Storage } from '../src/storage/types.ts';
import { sleep } from './fixtures/daemon-definitions.ts';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'daemon-process.ts');
const dir = mkdtempSync(join(tmpdir(), 'orch-crash-'));
const file = join(dir, 'state.db');
const children: ChildProcess[] = [];
let storage: Storage | undefined;

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await storage?.close();
  rmSync(dir, { recursive: true, force: true });
});

function startDaemon(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, file], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let err = '';
  child.stderr!.on('data', (d) => {
    err += d;
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => String(d).includes('ready') && resolve(child));
    child.on('exit', (code) => reject(new Error(`daemon process exited with ${code}: ${err}`)));
  });
}

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

it('a daemon SIGKILLed mid-run recovers on restart: nothing stays STARTED, one run per run key, no tick fires twice', async () => {
  storage = createSqlStorage(await openDatabase(`sqlite:${file}`));
  await storage.migrate();
  const now = Date.now();
  // The schedule last ticked 3 minutes ago: the first daemon fires only the newest missed minute.
  await storage.instigators.setState('minutely', 'schedule', { lastTickAt: now - 3 * 60_000 }, now);
  await storage.partitions.addPartitions('items', ['one', 'two'], now);

  const first = await startDaemon();
  await until('both slow runs STARTED', async () => {
    const runs = await storage!.runs.listRuns({ jobName: 'slow_job', statuses: ['STARTED'] });
    return runs.length === 2;
  });
  first.kill('SIGKILL');
  await new Promise((r) => first.once('exit', r));
  const orphaned = await storage.runs.listRuns({ jobName: 'slow_job' });
  expect(orphaned.map((r) => r.status)).toEqual(['STARTED', 'STARTED']);

  const second = await startDaemon();
  // Recovered at once (same host, dead pid), re-queued (runRetries: 1) and run to the end.
  const done = await until(
    'slow runs to succeed after restart',
    async () => {
      const runs = await storage!.runs.listRuns({ jobName: 'slow_job' });
      return runs.every((r) => r.status === 'SUCCESS') && runs;
    },
    10_000,
  );
  expect(done.map((r) => r.attempt)).toEqual([2, 2]);
  second.kill('SIGTERM');
  await new Promise((r) => second.once('exit', r));

  const all = await storage.runs.listRuns({ limit: 1000 });
  expect(all.filter((r) => ['STARTING', 'STARTED', 'CANCELING'].includes(r.status))).toEqual([]);
  const keys = all.map((r) => r.runKey).filter((k) => k !== null);
  expect(new Set(keys).size).toBe(keys.length);
  expect(keys.filter((k) => k!.startsWith('sensor:')).sort()).toEqual([
    'sensor:item_sensor:one',
    'sensor:item_sensor:two',
  ]);
  const ticks = await storage.instigators.listTicks('minutely', { limit: 100 });
  const fired = ticks.filter((t) => t.status === 'SUCCESS').map((t) => t.timestamp);
  expect(new Set(fired).size).toBe(fired.length);
  expect(
    ticks.filter((t) => t.status === 'SKIPPED' && /Missed/.test(t.skipReason ?? '')).length,
  ).toBeGreaterThanOrEqual(1);
  const scheduled = all.filter((r) => r.runKey?.startsWith('schedule:minutely:'));
  expect(scheduled.length).toBe(fired.length);
});
