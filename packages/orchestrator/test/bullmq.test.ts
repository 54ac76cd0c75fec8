import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { TEST_REDIS_URL } from '@llm-rag-yt/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineAsset, defineJob } from '../src/definitions/define.ts';
import { Definitions } from '../src/definitions/definitions.ts';
import { runProcess } from '../src/execution/process.ts';
import { BullMQLauncher } from '../src/launchers/bullmq-launcher.ts';
import { type RunWorker, startWorker } from '../src/launchers/bullmq-worker.ts';
import type { Run, RunStatus } from '../src/runs/types.ts';
import type { Storage } from '../src/storage/types.ts';
import { type TempStorage, tempSqliteStorage } from './helpers/db.ts';

const REDIS_URL = TEST_REDIS_URL;
const prefix = `test-${randomBytes(5).toString('hex')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const computed: string[] = [];
const pidsByRun = new Map<string, number>();
const defs = new Definitions({
  assets: [
    defineAsset({
      key: 'hello',
      compute: (ctx) => {
        computed.push(ctx.runId);
        ctx.addMetadata({ greeting: 'hi' });
      },
    }),
    defineAsset({
      key: 'blocked',
      compute: (ctx) =>
        runProcess('sh', ['-c', 'sleep 30 & echo $!; wait'], {
          signal: ctx.signal,
          onStdoutLine: (l) => pidsByRun.set(ctx.runId, Number(l)),
        }),
    }),
  ],
  jobs: [
    defineJob({ name: 'hello_job', selection: 'hello' }),
    defineJob({ name: 'blocked_job', selection: 'blocked' }),
  ],
});

let db: TempStorage;
let workerStorage: Storage; // the worker has its own connection, as a separate process would
let worker: RunWorker;
let launcher: BullMQLauncher;

beforeAll(async () => {
  db = await tempSqliteStorage();
  workerStorage = await db.openPeer();
  // Cancel polling is slowed down in one test through a second worker; this one polls at the default.
  worker = await startWorker({
    storage: workerStorage,
    definitions: defs,
    redisUrl: REDIS_URL,
    prefix,
    concurrency: 2,
    workerId: 'worker-a',
  });
  launcher = new BullMQLauncher({ redisUrl: REDIS_URL, prefix });
  await launcher.ready();
});

afterAll(async () => {
  await launcher?.close();
  await worker?.close({ cancelRuns: true });
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
  await db?.cleanup();
});

async function startingRun(jobName: string): Promise<Run> {
  const { run } = await db.storage.runs.createRun({ jobName }, Date.now());
  return (await db.storage.runs.transitionRun(run.runId, ['QUEUED'], 'STARTING', Date.now()))!;
}

async function waitForStatus(runId: string, statuses: RunStatus[], ms = 5000): Promise<Run> {
  const until = Date.now() + ms;
  for (;;) {
    const r = (await db.storage.runs.getRun(runId))!;
    if (statuses.includes(r.status) || Date.now() > until) return r;
    await sleep(25);
  }
}

function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('BullMQ launcher + worker', () => {
  it('executes a run end to end, once even when launched twice, and writes heartbeats', async () => {
    const run = await startingRun('hello_job');
    await launcher.launch(run);
    await launcher.launch(run);
    const ended = await waitForStatus(run.runId, ['SUCCESS', 'FAILURE']);
    expect(ended.status).toBe('SUCCESS');
    expect(ended.workerId).toBe('worker-a');
    expect(computed.filter((id) => id === run.runId)).toHaveLength(1);
    const m = await db.storage.events.listMaterializations('hello');
    expect(m[0]!.runId).toBe(run.runId);
    const hb = (await db.storage.daemon.listHeartbeats()).find((h) => h.daemonId === 'worker-a');
    expect(hb?.daemonType).toBe('worker');
    // Runs execute in the workers: the launcher's process holds none.
    expect(launcher.activeRunIds()).toEqual([]);
  });

  it('a cancel from another process (CANCELING in storage) stops a run blocked on a child process', async () => {
    const run = await startingRun('blocked_job');
    await launcher.launch(run);
    const until = Date.now() + 5000;
    while (!pidsByRun.has(run.runId) && Date.now() < until) await sleep(20);
    const pid = pidsByRun.get(run.runId)!;
    expect(alive(pid)).toBe(true);
    const t0 = Date.now();
    await db.storage.runs.transitionRun(run.runId, ['STARTED'], 'CANCELING', Date.now());
    const ended = await waitForStatus(run.runId, ['CANCELED', 'FAILURE', 'SUCCESS']);
    expect(ended.status).toBe('CANCELED');
    expect(Date.now() - t0).toBeLessThan(2000);
    const gone = Date.now() + 2000;
    while (alive(pid) && Date.now() < gone) await sleep(20);
    expect(alive(pid)).toBe(false);
  });

  it('launcher.cancel reaches the worker through Redis at once', async () => {
    // A second worker that effectively never polls storage: only the broadcast can stop its run.
    await worker.close();
    const slow = await startWorker({
      storage: workerStorage,
      definitions: defs,
      redisUrl: REDIS_URL,
      prefix,
      concurrency: 1,
      workerId: 'worker-b',
      cancelPollMs: 60_000,
    });
    try {
      const run = await startingRun('blocked_job');
      await launcher.launch(run);
      const until = Date.now() + 5000;
      while (!pidsByRun.has(run.runId) && Date.now() < until) await sleep(20);
      expect(slow.activeRunIds()).toEqual([run.runId]);
      const t0 = Date.now();
      await launcher.cancel(run.runId);
      const ended = await waitForStatus(run.runId, ['CANCELED', 'FAILURE', 'SUCCESS']);
      expect(ended.status).toBe('CANCELED');
      expect(Date.now() - t0).toBeLessThan(1000);
    } finally {
      await slow.close();
    }
    expect((await db.storage.daemon.listHeartbeats()).map((h) => h.daemonId)).not.toContain('worker-b');
  });
});
