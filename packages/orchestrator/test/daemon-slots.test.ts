import { randomBytes } from 'node:crypto';
import { TEST_REDIS_URL } from '@llm-rag-yt/testing';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { Daemon } from '../src/daemon/daemon.ts';
import { createWakeRequests } from '../src/daemon/wake-requests.ts';
import { defineAsset, defineJob } from '../src/definitions/define.ts';
import { Definitions } from '../src/definitions/definitions.ts';
import { BullMQLauncher } from '../src/launchers/bullmq-launcher.ts';
import { startWorker } from '../src/launchers/bullmq-worker.ts';
import { type TempStorage, tempPostgresStorage, tempSqliteStorage } from './helpers/db.ts';

/*
 * With runs executing in BullMQ workers, the daemon learns that a slot freed up from storage, not from
 * the queue: on PostgreSQL the statement that ends a run notifies the wake-up channel, on SQLite the
 * daemon watches the in-progress count. Its idle timeout is an hour here, so only those can refill a
 * slot: one slot, eight 20 ms runs, all done in seconds.
 */

const REDIS_URL = TEST_REDIS_URL;
const prefixes: string[] = [];

const defs = new Definitions({
  assets: [defineAsset({ key: 'short', compute: () => new Promise((r) => setTimeout(r, 20)) })],
  jobs: [defineJob({ name: 'short_job', selection: 'short' })],
});

afterAll(async () => {
  const redis = new Redis(REDIS_URL);
  for (const prefix of prefixes) {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
  }
  await redis.quit();
});

describe.each([
  ['PostgreSQL', tempPostgresStorage],
  ['SQLite', tempSqliteStorage],
])('daemon with BullMQ workers on %s', (_, temp: () => Promise<TempStorage>) => {
  it('fills a slot as soon as the run holding it ends', async () => {
    const db = await temp();
    const prefix = `test-slots-${randomBytes(5).toString('hex')}`;
    prefixes.push(prefix);
    const wakeRequests = createWakeRequests(db.handle);
    await wakeRequests.migrate();
    const workerStorage = await db.openPeer();
    const worker = await startWorker({
      storage: workerStorage,
      definitions: defs,
      redisUrl: REDIS_URL,
      prefix,
      concurrency: 4,
      workerId: 'slot-worker',
    });
    const launcher = new BullMQLauncher({ redisUrl: REDIS_URL, prefix });
    await launcher.ready();
    const daemon = new Daemon({
      storage: db.storage,
      definitions: defs,
      launcher,
      localWorkerId: null,
      wakeRequests,
      settings: { maxConcurrentRuns: 1 },
      timing: { idleWaitMs: 3_600_000, wakePollMs: 20 },
    });
    try {
      for (let i = 0; i < 8; i++) await db.storage.runs.createRun({ jobName: 'short_job' }, Date.now());
      const t0 = Date.now();
      daemon.start();
      let done = 0;
      while (Date.now() - t0 < 10_000) {
        const c = await db.storage.runs.countRunsByStatus();
        done = c.SUCCESS + c.FAILURE;
        // Never more than the one slot in progress.
        expect(c.STARTING + c.STARTED).toBeLessThanOrEqual(1);
        if (done === 8) break;
        await new Promise((r) => setTimeout(r, 5));
      }
      expect(done).toBe(8);
      expect((await db.storage.runs.countRunsByStatus()).SUCCESS).toBe(8);
      expect(Date.now() - t0).toBeLessThan(5000);
    } finally {
      await daemon.stop();
      await worker.close();
      await launcher.close();
      await db.cleanup();
    }
  });
});
