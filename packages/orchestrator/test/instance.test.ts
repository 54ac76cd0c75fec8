import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineAsset, defineJob, defineSchedule, defineSensor } from '../src/definitions/define.ts';
import { Definitions } from '../src/definitions/definitions.ts';
import { InvalidTransitionError } from '../src/errors.ts';
import { executeRun } from '../src/execution/executor.ts';
import { createInstance } from '../src/instance/create-instance.ts';
import { describeDaemonHealth } from '../src/instance/daemon-health.ts';
import type { Instance } from '../src/instance/types.ts';
import { type TempStorage, tempSqliteStorage } from './helpers/db.ts';

let db: TempStorage;
let instance: Instance;
let failB = true;
const defs = new Definitions({
  assets: [
    defineAsset({ key: 'a', compute: () => 1 }),
    defineAsset({
      key: 'b',
      deps: ['a'],
      compute: () => {
        if (failB) throw new Error('b fails (test)');
      },
    }),
    defineAsset({ key: 'c', deps: ['b'], compute: () => 3 }),
    defineAsset({ key: 'd', config: z.object({ n: z.number() }), compute: () => 4 }),
  ],
  jobs: [
    defineJob({ name: 'abc', selection: ['a', 'b', 'c'] }),
    defineJob({ name: 'd_job', selection: 'd' }),
  ],
  sensors: [defineSensor({ name: 's', job: 'abc', evaluate: () => ({ runRequests: [{ runKey: 'k' }] }) })],
  schedules: [defineSchedule({ name: 'hourly', job: 'abc', cron: '0 * * * *' })],
});

beforeAll(async () => {
  db = await tempSqliteStorage();
  instance = createInstance({ storage: db.storage, definitions: defs });
});
afterAll(() => db.cleanup());

describe('Instance', () => {
  it('validates run config before storing a run, naming the bad path', async () => {
    await expect(
      instance.submitRun({ jobName: 'd_job', runConfig: { ops: { d: { config: { n: 'x' } } } } }),
    ).rejects.toThrow(/ops\.d\.config\.n/);
    await expect(instance.submitRun({ jobName: 'abd' })).rejects.toThrow(/Did you mean 'abc'/);
    expect(await db.storage.runs.countRuns()).toBe(0);
  });

  it('re-executes from failure: only the failed and skipped steps', async () => {
    const run = await instance.submitRun({ jobName: 'abc' });
    expect(
      (await executeRun(run.runId, { storage: db.storage, definitions: defs, workerId: 'w' })).status,
    ).toBe('FAILURE');
    failB = false;
    const child = await instance.reexecuteRun(run.runId, { fromFailure: true });
    expect(child.stepSelection).toEqual(['b', 'c']);
    expect(child.parentRunId).toBe(run.runId);
    expect(child.rootRunId).toBe(run.runId);
    expect(
      (await executeRun(child.runId, { storage: db.storage, definitions: defs, workerId: 'w' })).status,
    ).toBe('SUCCESS');
    await expect(instance.reexecuteRun(child.runId, { fromFailure: true })).rejects.toThrow(/succeeded/);
    const full = await instance.reexecuteRun(child.runId);
    expect(full.rootRunId).toBe(run.runId);
  });

  it('cancels a queued run at once and refuses to cancel a finished one', async () => {
    const run = await instance.materialize(['a']);
    expect(run.stepSelection).toEqual(['a']);
    expect((await instance.cancelRun(run.runId)).status).toBe('CANCELED');
    await expect(instance.cancelRun(run.runId)).resolves.toMatchObject({ status: 'CANCELED' });
    await expect(instance.cancelRun('nope')).rejects.toThrow(/Unknown run 'nope'/);
  });

  it('cancelling a finished run is refused with InvalidTransitionError (a conflict, not a crash)', async () => {
    const run = await instance.materialize(['a']);
    const done = await executeRun(run.runId, { storage: db.storage, definitions: defs, workerId: 'w' });
    expect(done.status).toBe('SUCCESS');
    const refused = await instance.cancelRun(run.runId).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(InvalidTransitionError);
    expect((refused as Error).message).toMatch(/already finished with SUCCESS; there is nothing to cancel/);
    expect((await db.storage.runs.getRun(run.runId))?.status).toBe('SUCCESS');
  });

  it('shows sensors and schedules with status and next tick; a schedule turned on starts from now', async () => {
    const before = Date.now();
    const [s] = await instance.listSensors();
    expect(s).toMatchObject({ status: 'STOPPED', nextTickAt: null });
    const on = await instance.setScheduleStatus('hourly', 'RUNNING');
    expect(on.state!.lastTickAt).toBeGreaterThanOrEqual(before);
    expect(on.nextTickAt! % 3_600_000).toBe(0);
    expect(on.nextTickAt!).toBeGreaterThan(before);
    const tick = await instance.tickSensor('s');
    expect(tick.status).toBe('SUCCESS');
    expect((await instance.tickSensor('s')).status).toBe('SKIPPED');
    await expect(instance.wake('nope')).rejects.toThrow(/Unknown sensor/);
  });

  it('describes daemon health from heartbeats', async () => {
    const now = Date.now();
    expect((await describeDaemonHealth(db.storage, now)).healthy).toBe(false);
    await db.storage.daemon.heartbeat({
      daemonId: 'd1',
      daemonType: 'daemon',
      timestamp: now - 1000,
      info: { leader: true },
    });
    const h = await describeDaemonHealth(db.storage, now);
    expect(h.healthy).toBe(true);
    expect(h.summary).toMatch(/d1 \(leader\)/);
    expect((await describeDaemonHealth(db.storage, now + 60_000)).healthy).toBe(false);
  });
});
