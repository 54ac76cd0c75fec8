import { afterEach, describe, expect, it } from 'vitest';
import { Daemon } from '../src/daemon/daemon.ts';
import { createWakeRequests } from '../src/daemon/wake-requests.ts';
import type { Definitions } from '../src/definitions/definitions.ts';
import { createInstance } from '../src/instance/create-instance.ts';
import type { Instance } from '../src/instance/types.ts';
import { InProcessLauncher } from '../src/launchers/in-process.ts';
import type { Run } from '../src/runs/types.ts';
import {
  ConcurrencyProbe,
  daemonTestDefinitions,
  sleep,
  type TestWorld,
} from './fixtures/daemon-definitions.ts';
import { type TempStorage, tempPostgresStorage, tempSqliteStorage } from './helpers/db.ts';

interface Harness {
  db: TempStorage;
  world: TestWorld;
  definitions: Definitions;
  daemon: Daemon;
  launcher: InProcessLauncher;
  instance: Instance;
}

const open: Harness[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) {
    await h.daemon.stop();
    await h.launcher.close();
    await h.db.cleanup();
  }
});

async function harness(
  makeDb: () => Promise<TempStorage>,
  settings: { maxConcurrentRuns?: number; tagLimits?: { key: string; limit: number }[] } = {},
  timing: Record<string, number> = {},
): Promise<Harness> {
  const db = await makeDb();
  const world: TestWorld = { items: [], probe: new ConcurrencyProbe(), flakyFailures: 0 };
  const definitions = daemonTestDefinitions(world);
  const id = `test-daemon-${Math.random().toString(36).slice(2, 8)}`;
  const launcher = new InProcessLauncher({ storage: db.storage, definitions, workerId: id });
  const wakeRequests = createWakeRequests(db.handle);
  await wakeRequests.migrate();
  const daemon = new Daemon({
    storage: db.storage,
    definitions,
    launcher,
    id,
    settings,
    wakeRequests,
    timing: { sensorTimeoutMs: 300, sensorWaitMs: 50, ...timing },
  });
  const instance = createInstance({ storage: db.storage, definitions, launcher, settings, wakeRequests });
  const h = { db, world, definitions, daemon, launcher, instance };
  open.push(h);
  return h;
}

async function until<T>(
  what: string,
  fn: () => Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

async function allTerminal(h: Harness, n: number): Promise<Run[] | undefined> {
  const runs = await h.db.storage.runs.listRuns({ limit: 1000 });
  return runs.length >= n && runs.every((r) => ['SUCCESS', 'FAILURE', 'CANCELED'].includes(r.status))
    ? runs
    : undefined;
}

describe.each([
  ['SQLite', tempSqliteStorage],
  ['PostgreSQL', tempPostgresStorage],
])('daemon on %s', (_name, makeDb) => {
  it('evaluates a sensor, launches runs that materialize assets, within maxConcurrentRuns and tag limits', async () => {
    const h = await harness(makeDb, { maxConcurrentRuns: 3, tagLimits: [{ key: 'asr', limit: 1 }] });
    h.world.items.push('a', 'b', 'c', 'd', 'e', 'f');
    for (let i = 0; i < 3; i++) await h.instance.submitRun({ jobName: 'asr_job', origin: 'test' });
    h.daemon.start();
    const runs = await until('9 runs to finish', () => allTerminal(h, 9));
    expect(runs.map((r) => r.status)).toEqual(Array(9).fill('SUCCESS'));
    // Never above the limit; on a loaded machine runs may finish before the third one starts.
    expect(h.world.probe.max).toBeLessThanOrEqual(3);
    expect(h.world.probe.max).toBeGreaterThanOrEqual(2);
    expect(h.world.probe.byTag.get('asr')!.max).toBe(1);
    const ticks = await h.db.storage.instigators.listTicks('item_sensor');
    expect(ticks[0]!.status).toBe('SUCCESS');
    expect(ticks[0]!.runKeys).toEqual(['a', 'b', 'c', 'd', 'e', 'f'].map((k) => `sensor:item_sensor:${k}`));
    expect((await h.db.storage.instigators.getState('item_sensor'))!.cursor).toBe('6');
    expect(await h.db.storage.partitions.listPartitions('items')).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    const byPartition = await h.db.storage.events.latestByPartition('work_item');
    expect([...byPartition.keys()].sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);

    // wake(): the sensor's interval is an hour, yet new work starts at once.
    h.world.items.push('g');
    const t0 = Date.now();
    await h.instance.wake('item_sensor');
    const g = await until(
      'run for g',
      async () => (await h.db.storage.runs.listRuns({ runKey: 'sensor:item_sensor:g' }))[0],
    );
    await until('g started', async () => (await h.db.storage.runs.getRun(g.runId))!.startedAt !== null);
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});

describe('daemon (SQLite)', () => {
  it('never launches two runs for one run key across evaluations and restarts', async () => {
    const h = await harness(tempSqliteStorage);
    h.world.items.push('x', 'y');
    await h.instance.setSensorStatus('replay_sensor', 'RUNNING');
    await h.instance.setSensorStatus('item_sensor', 'STOPPED');
    const first = await h.daemon.runIteration(Date.now());
    expect(first.sensorTicks.map((t) => [t.name, t.status])).toEqual([['replay_sensor', 'SUCCESS']]);
    h.daemon.wake('replay_sensor');
    const second = await h.daemon.runIteration(Date.now());
    expect(second.sensorTicks[0]!.status).toBe('SKIPPED');
    expect(second.sensorTicks[0]!.skipReason).toMatch(/already have runs/);
    // A second daemon over another connection (a restart) sees the same keys.
    const peer = await h.db.openPeer();
    const other = new Daemon({
      storage: peer,
      definitions: h.definitions,
      launcher: h.launcher,
      id: h.daemon.id,
    });
    other.wake('replay_sensor');
    await other.runIteration(Date.now());
    const runs = await h.db.storage.runs.listRuns({ jobName: 'work_job' });
    expect(runs.map((r) => r.runKey).sort()).toEqual(['sensor:replay_sensor:x', 'sensor:replay_sensor:y']);
    await h.launcher.whenIdle();
  });

  it('records a FAILURE tick for a sensor that throws or hangs, and keeps launching other work', async () => {
    const h = await harness(tempSqliteStorage);
    await h.instance.setSensorStatus('throwing_sensor', 'RUNNING');
    await h.instance.setSensorStatus('hanging_sensor', 'RUNNING');
    h.world.items.push('p');
    h.daemon.start();
    const [thrown] = await until('throwing tick', async () => {
      const t = await h.db.storage.instigators.listTicks('throwing_sensor');
      return t.length ? t : undefined;
    });
    expect(thrown!.status).toBe('FAILURE');
    expect(thrown!.error!.message).toMatch(/throwing_sensor.*upstream API returned 500/);
    const [hung] = await until('hanging tick', async () => {
      const t = await h.db.storage.instigators.listTicks('hanging_sensor');
      return t.length ? t : undefined;
    });
    expect(hung!.status).toBe('FAILURE');
    expect(hung!.error!.message).toMatch(/did not finish within 300 ms/);
    const runs = await until('item run to finish', () => allTerminal(h, 1));
    expect(runs[0]!.status).toBe('SUCCESS');
    // Later submissions still start: the daemon is alive.
    const later = await h.instance.submitRun({ jobName: 'work_job' });
    expect((await h.instance.waitForRun(later.runId, { pollMs: 20 })).status).toBe('SUCCESS');
  });

  it('retries failed steps, cancels, and times out runs', async () => {
    const h = await harness(tempSqliteStorage);
    await h.instance.setSensorStatus('item_sensor', 'STOPPED');
    h.world.flakyFailures = 2;
    h.daemon.start();
    const flaky = await h.instance.submitRun({ jobName: 'flaky_job' });
    const slow = await h.instance.submitRun({ jobName: 'slow_job' });
    const timed = await h.instance.submitRun({ jobName: 'timeout_job' });
    const flakyDone = await h.instance.waitForRun(flaky.runId, { pollMs: 20 });
    expect(flakyDone.status).toBe('SUCCESS');
    const retries = await h.db.storage.events.listEvents(flaky.runId, { types: ['STEP_RETRY'] });
    expect(retries).toHaveLength(2);

    await until(
      'slow started',
      async () => (await h.db.storage.runs.getRun(slow.runId))!.status === 'STARTED',
    );
    const canceling = await h.instance.cancelRun(slow.runId);
    expect(canceling.status).toBe('CANCELING');
    expect((await h.instance.waitForRun(slow.runId, { pollMs: 20 })).status).toBe('CANCELED');

    const timedOut = await h.instance.waitForRun(timed.runId, { pollMs: 20 });
    expect(timedOut.status).toBe('FAILURE');
    expect(timedOut.error!.message).toMatch(/tim(e|ed) ?out|timeout/i);

    const queued = await h.instance.submitRun({ jobName: 'work_job', tags: { paused: 'yes' } });
    const canceled = await h.instance.cancelRun(queued.runId);
    expect(['CANCELED', 'CANCELING']).toContain(canceled.status);
  });

  it('re-queues a run whose worker died when the job allows run retries, and fails it otherwise', async () => {
    const h = await harness(tempSqliteStorage);
    const { storage } = h.db;
    const now = Date.now();
    // A worker on this host whose process is gone (pid 2^22+1 does not exist on Linux by default).
    await storage.daemon.heartbeat({
      daemonId: 'dead-worker',
      daemonType: 'worker',
      timestamp: now,
      info: { hostname: (await import('node:os')).hostname(), pid: 4_194_305 },
    });
    const mk = async (jobName: string) => {
      const { run } = await storage.runs.createRun({ jobName }, now);
      await storage.runs.transitionRun(run.runId, ['QUEUED'], 'STARTING', now);
      return (await storage.runs.transitionRun(run.runId, ['STARTING'], 'STARTED', now, {
        workerId: 'dead-worker',
        startedAt: now,
      }))!;
    };
    const retried = await mk('slow_job'); // runRetries: 1
    const failed = await mk('work_job'); // runRetries: 0
    await h.instance.setSensorStatus('item_sensor', 'STOPPED');
    const report = await h.daemon.runIteration(now + 10);
    expect(report.monitor!.requeued).toEqual([retried.runId]);
    expect(report.monitor!.failed).toEqual([failed.runId]);
    const f = (await storage.runs.getRun(failed.runId))!;
    expect(f.status).toBe('FAILURE');
    expect(f.error!.message).toMatch(/dead-worker.*no longer running/);
    const r = (await storage.runs.getRun(retried.runId))!;
    expect(r.attempt).toBe(2);
    expect(report.launched).toEqual([retried.runId]);
    await h.instance.cancelRun(retried.runId);
    await h.launcher.whenIdle();
  });
});
