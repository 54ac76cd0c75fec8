import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { TEST_REDIS_URL } from '@llm-rag-yt/testing';
import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { Daemon } from '../src/daemon/daemon.ts';
import { BullMQLauncher } from '../src/launchers/bullmq-launcher.ts';
import { crashDefinitions } from './fixtures/crash-definitions.ts';
import { type TempStorage, tempPostgresStorage } from './helpers/db.ts';

/*
 * The Postgres hot path batches status changes (a change waits for the statement in flight and goes
 * with everything that arrived meanwhile) and the executor buffers events until a run ends. A worker
 * SIGKILLed while changes and events sit in those batches and buffers must lose nothing a user would
 * miss: every run that succeeded has its whole event log and its materialization, and the runs the
 * worker was holding are re-queued and succeed on another worker.
 */

const REDIS_URL = TEST_REDIS_URL;
const FIXTURE = join(import.meta.dirname, 'fixtures', 'worker-process.ts');
const prefix = `test-crash-batch-${randomBytes(5).toString('hex')}`;
const children: ChildProcess[] = [];
let db: TempStorage | undefined;
let daemon: Daemon | undefined;
let launcher: BullMQLauncher | undefined;

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await daemon?.stop();
  await launcher?.close();
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
  await db?.cleanup();
});

function startWorkerProcess(url: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, url, REDIS_URL, prefix], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let err = '';
  child.stderr!.on('data', (d) => {
    err += d;
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => String(d).includes('ready') && resolve(child));
    child.on('exit', (code, signal) => reject(new Error(`worker exited (${code ?? signal}): ${err}`)));
  });
}

async function until(what: string, fn: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

it('a worker SIGKILLed mid-batch loses no event of a run that succeeded; its runs are re-queued and succeed', async () => {
  db = await tempPostgresStorage();
  const { storage } = db;
  launcher = new BullMQLauncher({ redisUrl: REDIS_URL, prefix });
  await launcher.ready();
  daemon = new Daemon({
    storage,
    definitions: crashDefinitions,
    launcher,
    localWorkerId: null,
    settings: { maxConcurrentRuns: 40 },
    timing: { heartbeatIntervalMs: 200, monitorIntervalMs: 100 },
  });
  const total = 120;
  const ids: string[] = [];
  for (let i = 0; i < total; i++)
    ids.push((await storage.runs.createRun({ jobName: 'logged_job' }, Date.now())).run.runId);

  const doomed = await startWorkerProcess(db.url);
  daemon.start();
  // Kill while runs are in flight: some have ended, several are mid-step with buffered events.
  await until(
    'a third of the runs to succeed',
    async () => (await storage.runs.countRunsByStatus()).SUCCESS >= total / 3,
    30_000,
  );
  expect((await storage.runs.countRunsByStatus()).STARTED).toBeGreaterThan(0);
  doomed.kill('SIGKILL');
  await startWorkerProcess(db.url);
  await until(
    'every run to end',
    async () => {
      const c = await storage.runs.countRunsByStatus();
      return c.SUCCESS + c.FAILURE + c.CANCELED === total;
    },
    // Jobs the killed worker had fetched but not started come back through BullMQ's stall check
    // (lock 15 s + stall check every 5 s), not the run monitor: allow for it, and no more.
    45_000,
  );

  const counts = await storage.runs.countRunsByStatus();
  expect(counts.SUCCESS).toBe(total);
  let retried = 0;
  for (const runId of ids) {
    const run = (await storage.runs.getRun(runId))!;
    if (run.attempt > 1) retried++;
    const types = (await storage.events.listEvents(runId)).map((e) => e.type);
    // The attempt that succeeded wrote its whole log (earlier, killed attempts may have flushed part of theirs).
    const last = types.lastIndexOf('RUN_START');
    expect(types.slice(last)).toEqual([
      'RUN_START',
      'STEP_START',
      'LOG',
      'LOG',
      'LOG',
      'STEP_SUCCESS',
      'ASSET_MATERIALIZATION',
      'RUN_SUCCESS',
    ]);
    expect(types.filter((t) => t === 'RUN_SUCCESS')).toHaveLength(1);
    expect(types.slice(0, 2)).toEqual(['RUN_ENQUEUED', 'RUN_STARTING']);
  }
  // The kill hit runs in progress, and those came back as new attempts rather than failures.
  expect(retried).toBeGreaterThan(0);
  const mats = await storage.events.listMaterializations('logged', { limit: 10_000 });
  expect(new Set(mats.map((m) => m.runId))).toEqual(new Set(ids));
}, 240_000);
