import { randomBytes } from 'node:crypto';
import { TEST_REDIS_URL } from '@llm-rag-yt/testing';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { Daemon } from '../src/daemon/daemon.ts';
import { defineAsset, defineJob } from '../src/definitions/define.ts';
import { Definitions } from '../src/definitions/definitions.ts';
import { BullMQLauncher } from '../src/launchers/bullmq-launcher.ts';
import { connectRedis, DEFAULT_QUEUE_NAME } from '../src/launchers/bullmq-queue.ts';
import { type RunWorker, startWorker } from '../src/launchers/bullmq-worker.ts';
import type { Run } from '../src/runs/types.ts';
import { type TempStorage, tempSqliteStorage } from './helpers/db.ts';

/*
 * A worker that dies mid-run leaves its BullMQ job active and locked until BullMQ's stall check
 * (lock 15 s + stall check every 5 s; BullMQ's defaults 30 s + 30 s). The monitor's re-queue of that run must still reach
 * another worker at once, not after that.
 */

const REDIS_URL = TEST_REDIS_URL;
const prefix = `test-requeue-${randomBytes(5).toString('hex')}`;

let release: () => void = () => {};
const defs = new Definitions({
  assets: [
    defineAsset({ key: 'quick', compute: () => {} }),
    defineAsset({
      key: 'held',
      compute: () =>
        new Promise<void>((r) => {
          release = r;
        }),
    }),
  ],
  jobs: [
    defineJob({ name: 'retried_job', selection: 'quick', runRetries: 1 }),
    defineJob({ name: 'held_job', selection: 'held' }),
  ],
});

let db: TempStorage | undefined;
let daemon: Daemon | undefined;
let launcher: BullMQLauncher | undefined;
let survivor: RunWorker | undefined;

afterAll(async () => {
  await daemon?.stop();
  await survivor?.close();
  await launcher?.close();
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
  await db?.cleanup();
});

describe('BullMQ workers that die or drain', () => {
  it('is executed by another worker at once, as attempt 2, not after the dead job stalls out', async () => {
    db = await tempSqliteStorage();
    const storage = db.storage;
    launcher = new BullMQLauncher({ redisUrl: REDIS_URL, prefix });
    await launcher.ready();
    // Heartbeats every 200 ms: a worker without one for 600 ms counts as dead.
    daemon = new Daemon({
      storage,
      definitions: defs,
      launcher,
      localWorkerId: null,
      timing: { heartbeatIntervalMs: 200, monitorIntervalMs: 100 },
    });

    // The doomed worker takes the job, starts the run, and then "dies": its connection goes away
    // without finishing the job, exactly what a SIGKILL leaves in Redis.
    let taken: (runId: string) => void;
    const tookJob = new Promise<string>((r) => {
      taken = r;
    });
    const doomedConnection = connectRedis(REDIS_URL);
    const doomed = new Worker(
      DEFAULT_QUEUE_NAME,
      async (job) => {
        const runId = (job.data as { runId: string }).runId;
        await storage.runs.transitionRun(runId, ['STARTING'], 'STARTED', Date.now(), {
          workerId: 'doomed-worker',
          startedAt: Date.now(),
        });
        await storage.daemon.heartbeat({
          daemonId: 'doomed-worker',
          daemonType: 'worker',
          timestamp: Date.now(),
          info: {},
        });
        taken(runId);
        return new Promise(() => {});
      },
      { connection: doomedConnection, prefix, concurrency: 1 },
    );
    await doomed.waitUntilReady();
    daemon.start();
    const { run } = await storage.runs.createRun({ jobName: 'retried_job' }, Date.now());
    daemon.wake();
    expect(await tookJob).toBe(run.runId);
    await doomed.close(true);
    doomedConnection.disconnect();

    survivor = await startWorker({
      storage,
      definitions: defs,
      redisUrl: REDIS_URL,
      prefix,
      concurrency: 1,
      workerId: 'survivor',
      heartbeatIntervalMs: 200,
    });
    const t0 = Date.now();
    let final: Run | undefined;
    while (Date.now() - t0 < 10_000) {
      final = await storage.runs.getRun(run.runId);
      if (final?.status === 'SUCCESS' || final?.status === 'FAILURE') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(final).toMatchObject({ status: 'SUCCESS', attempt: 2, workerId: 'survivor' });
    // The heartbeat goes stale after 600 ms; before attempt-scoped job ids this took about a minute.
    expect(Date.now() - t0).toBeLessThan(5000);
    const events = await storage.events.listEvents(run.runId, { limit: 100 });
    expect(events.map((e) => e.message).join('\n')).toMatch(/re-queued as attempt 2 of 2/);
  }, 20_000);

  it('a draining worker keeps heartbeating until its running runs finish, then removes its heartbeat', async () => {
    const storage = db!.storage;
    const drainer = await startWorker({
      storage,
      definitions: defs,
      redisUrl: REDIS_URL,
      prefix: `${prefix}-drain`,
      concurrency: 1,
      workerId: 'drainer',
      heartbeatIntervalMs: 100,
    });
    const drainLauncher = new BullMQLauncher({ redisUrl: REDIS_URL, prefix: `${prefix}-drain` });
    try {
      const { run } = await storage.runs.createRun({ jobName: 'held_job' }, Date.now());
      const starting = (await storage.runs.transitionRun(run.runId, ['QUEUED'], 'STARTING', Date.now()))!;
      await drainLauncher.launch(starting);
      while ((await storage.runs.getRun(run.runId))?.status !== 'STARTED')
        await new Promise((r) => setTimeout(r, 20));
      const closing = drainer.close();
      await new Promise((r) => setTimeout(r, 800));
      // Eight beat intervals into the drain the run is still executing here, and the heartbeat says so.
      const beat = (await storage.daemon.listHeartbeats()).find((h) => h.daemonId === 'drainer');
      expect(beat, 'heartbeat while draining').toBeDefined();
      expect(Date.now() - beat!.timestamp).toBeLessThan(500);
      release();
      await closing;
      expect(await storage.runs.getRun(run.runId)).toMatchObject({ status: 'SUCCESS', workerId: 'drainer' });
      expect((await storage.daemon.listHeartbeats()).map((h) => h.daemonId)).not.toContain('drainer');
    } finally {
      release();
      await drainLauncher.close();
      const redis = new Redis(REDIS_URL);
      const keys = await redis.keys(`${prefix}-drain:*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    }
  }, 20_000);
});
