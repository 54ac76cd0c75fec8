import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { Daemon } from '../src/daemon/daemon.ts';
import { retryBackoffMs } from '../src/daemon/run-queue.ts';
import { defineAsset, defineJob, defineSensor } from '../src/definitions/define.ts';
import { Definitions } from '../src/definitions/definitions.ts';
import { InProcessLauncher } from '../src/launchers/in-process.ts';
import { type TempStorage, tempSqliteStorage } from './helpers/db.ts';

const open: { daemon: Daemon; launcher: InProcessLauncher; db: TempStorage }[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) {
    await h.daemon.stop();
    await h.launcher.close();
    await h.db.cleanup();
  }
});

describe('daemon wake-ups and run retries', () => {
  it('a wake-up for a sensor that is still evaluating is kept and evaluated once that evaluation ends', async () => {
    const db = await tempSqliteStorage();
    let evaluations = 0;
    let release: () => void = () => {};
    const sensor = defineSensor({
      name: 'slow_sensor',
      job: 'noop_job',
      minimumIntervalSeconds: 3600,
      defaultStatus: 'RUNNING',
      evaluate: async () => {
        evaluations++;
        if (evaluations === 1) await new Promise<void>((r) => (release = r));
        return { skipReason: 'nothing' };
      },
    });
    const asset = defineAsset({ key: 'noop', compute: async () => null });
    const definitions = new Definitions({
      assets: [asset],
      jobs: [defineJob({ name: 'noop_job', selection: 'noop' })],
      sensors: [sensor],
    });
    const launcher = new InProcessLauncher({ storage: db.storage, definitions, workerId: 'w' });
    const daemon = new Daemon({
      storage: db.storage,
      definitions,
      launcher,
      id: 'd',
      timing: { sensorWaitMs: 20, sensorTimeoutMs: 10_000 },
    });
    open.push({ daemon, launcher, db });
    const t = Date.now();
    await daemon.runIteration(t); // first evaluation starts (due: never ticked) and hangs
    expect(evaluations).toBe(1);
    daemon.wake('slow_sensor'); // e.g. a new request arrived after the evaluation read its inputs
    await daemon.runIteration(t + 10);
    expect(evaluations).toBe(1); // still in flight: not started twice
    release();
    await new Promise((r) => setTimeout(r, 20));
    await daemon.runIteration(t + 20);
    await daemon.runIteration(t + 30);
    expect(evaluations).toBe(2);
  });

  it('a run re-queued after its worker died waits out a doubling backoff before its next attempt', async () => {
    expect(retryBackoffMs(5000, 2)).toBe(5000);
    expect(retryBackoffMs(5000, 3)).toBe(10_000);
    expect(retryBackoffMs(5000, 20)).toBe(300_000);
    const db = await tempSqliteStorage();
    const asset = defineAsset({ key: 'noop', compute: async () => null });
    const definitions = new Definitions({
      assets: [asset],
      jobs: [defineJob({ name: 'retried_job', selection: 'noop', runRetries: 2 })],
    });
    const launcher = new InProcessLauncher({ storage: db.storage, definitions, workerId: 'local' });
    const daemon = new Daemon({
      storage: db.storage,
      definitions,
      launcher,
      id: 'local',
      settings: { runRetryDelaySeconds: 2 },
    });
    open.push({ daemon, launcher, db });
    const { storage } = db;
    const now = Date.now();
    await storage.daemon.heartbeat({
      daemonId: 'dead-worker',
      daemonType: 'worker',
      timestamp: now,
      info: { hostname: hostname(), pid: 4_194_305 },
    });
    const { run } = await storage.runs.createRun({ jobName: 'retried_job' }, now);
    await storage.runs.transitionRun(run.runId, ['QUEUED'], 'STARTING', now);
    await storage.runs.transitionRun(run.runId, ['STARTING'], 'STARTED', now, {
      workerId: 'dead-worker',
      startedAt: now,
    });
    const first = await daemon.runIteration(now + 10);
    expect(first.monitor!.requeued).toEqual([run.runId]);
    expect(first.launched).toEqual([]); // backing off
    expect((await storage.runs.getRun(run.runId))!.status).toBe('QUEUED');
    const events = await storage.events.listEvents(run.runId, { types: ['RUN_ENQUEUED'] });
    expect(events.at(-1)!.message).toMatch(/re-queued as attempt 2 of 3, starting in 2 s/);
    expect((await daemon.runIteration(now + 1500)).launched).toEqual([]);
    expect((await daemon.runIteration(now + 2100)).launched).toEqual([run.runId]);
    await launcher.whenIdle();
    expect(await storage.runs.getRun(run.runId)).toMatchObject({ status: 'SUCCESS', attempt: 2 });
  });
});
