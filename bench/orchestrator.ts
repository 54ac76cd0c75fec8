/**
 * Orchestrator benchmark (`npm run bench -- orchestrator`), all on SQLite temp files:
 *  1. end-to-end no-op single-asset runs per second through the queue (daemon + InProcessLauncher);
 *  2. latency from wake() (from another connection, as the bot/CLI would) after inserting work to run STARTED;
 *  3. runs-list query (newest 50 filtered by status) p95 over 100,000 runs and 1,000,000 events.
 * Writes bench/results/orchestrator.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunStatus, Storage } from '@llm-rag-yt/orchestrator';
import {
  createInstance,
  createSqlStorage,
  createWakeRequests,
  Daemon,
  Definitions,
  defineAsset,
  defineJob,
  defineSensor,
  InProcessLauncher,
  openDatabase,
  seedRunsForBenchmark,
} from '@llm-rag-yt/orchestrator';

const here = dirname(fileURLToPath(import.meta.url));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function sqlite(dir: string, name: string) {
  const handle = await openDatabase(`sqlite:${join(dir, name)}`);
  const storage = createSqlStorage(handle);
  await storage.migrate();
  const wakeRequests = createWakeRequests(handle);
  await wakeRequests.migrate();
  return { handle, storage, wakeRequests };
}

const pending: string[] = [];
const definitions = new Definitions({
  assets: [defineAsset({ key: 'noop', compute: () => null })],
  jobs: [defineJob({ name: 'noop_job', selection: 'noop' })],
  sensors: [
    defineSensor({
      name: 'work_sensor',
      job: 'noop_job',
      minimumIntervalSeconds: 3600,
      defaultStatus: 'RUNNING',
      evaluate: () => ({ runRequests: pending.splice(0).map((k) => ({ runKey: k })) }),
    }),
  ],
});

async function withDaemon<T>(
  storage: Storage,
  wakes: ReturnType<typeof createWakeRequests>,
  max: number,
  fn: (d: Daemon) => Promise<T>,
) {
  const id = `bench-${process.pid}`;
  const launcher = new InProcessLauncher({ storage, definitions, workerId: id });
  const daemon = new Daemon({
    storage,
    definitions,
    launcher,
    id,
    wakeRequests: wakes,
    settings: { maxConcurrentRuns: max },
  });
  daemon.start();
  try {
    return await fn(daemon);
  } finally {
    await daemon.stop();
    await launcher.close();
  }
}

async function throughput(dir: string, runs: number, max: number) {
  const { storage, wakeRequests } = await sqlite(dir, `throughput-${max}.db`);
  const t0 = Date.now();
  for (let i = 0; i < runs; i++) await storage.runs.createRun({ jobName: 'noop_job' }, t0);
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  await withDaemon(storage, wakeRequests, max, async () => {
    for (;;) {
      const c = await storage.runs.countRunsByStatus();
      if (c.SUCCESS + c.FAILURE + c.CANCELED >= runs) break;
      await new Promise((r) => setTimeout(r, 20));
    }
  });
  const seconds = (performance.now() - start) / 1000;
  // CPU per run is far steadier than wall-clock rate on a machine shared with other work.
  const cpu = process.cpuUsage(cpu0);
  const failed = (await storage.runs.countRunsByStatus()).FAILURE;
  await storage.close();
  return {
    runs,
    maxConcurrentRuns: max,
    seconds: +seconds.toFixed(2),
    runsPerSecond: +(runs / seconds).toFixed(1),
    cpuMsPerRun: +((cpu.user + cpu.system) / 1000 / runs).toFixed(2),
    failed,
  };
}

async function wakeLatency(dir: string, samples: number) {
  const daemonSide = await sqlite(dir, 'latency.db');
  // The app side (bot/CLI) has its own connection and reaches the daemon through wake requests.
  const app = await sqlite(dir, 'latency.db');
  const instance = createInstance({ storage: app.storage, definitions, wakeRequests: app.wakeRequests });
  const latencies: number[] = [];
  await withDaemon(daemonSide.storage, daemonSide.wakeRequests, 5, async () => {
    await new Promise((r) => setTimeout(r, 500)); // first iteration: lease, initial tick
    for (let i = 0; i < samples; i++) {
      const key = `item-${i}`;
      pending.push(key);
      const t = performance.now();
      await instance.wake('work_sensor');
      for (;;) {
        const [run] = await app.storage.runs.listRuns({ runKey: `sensor:work_sensor:${key}` });
        if (run?.startedAt) break;
        await new Promise((r) => setTimeout(r, 2));
      }
      latencies.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 150));
    }
  });
  await app.storage.close();
  await daemonSide.storage.close();
  latencies.sort((a, b) => a - b);
  return {
    samples,
    p50Ms: +percentile(latencies, 50).toFixed(1),
    p95Ms: +percentile(latencies, 95).toFixed(1),
    maxMs: +latencies.at(-1)!.toFixed(1),
  };
}

async function runsList(dir: string, runs: number, eventsPerRun: number, queries: number) {
  const { handle, storage } = await sqlite(dir, 'history.db');
  const seeded = await seedRunsForBenchmark(handle, { runs, eventsPerRun });
  const statuses: RunStatus[][] = [
    ['SUCCESS'],
    ['FAILURE'],
    ['QUEUED'],
    ['STARTED', 'STARTING'],
    ['CANCELED'],
  ];
  const times: number[] = [];
  for (let i = 0; i < queries; i++) {
    const t = performance.now();
    const page = await storage.runs.listRuns({ statuses: statuses[i % statuses.length], limit: 50 });
    times.push(performance.now() - t);
    if (page.length === 0) throw new Error('runs-list benchmark returned no rows; the seed is wrong');
  }
  times.sort((a, b) => a - b);
  await storage.close();
  return {
    runs: seeded.runs,
    events: seeded.events,
    seedMs: seeded.ms,
    queries,
    p50Ms: +percentile(times, 50).toFixed(2),
    p95Ms: +percentile(times, 95).toFixed(2),
  };
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/**
 * Options: `--quick` (small sizes), `--only throughput|latency|list` (comma-separated; results are then
 * printed but not written, so the stored file always holds all three), `--runs N` (throughput runs).
 */
export default async function main(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const only = option(args, '--only')?.split(',');
  const want = (name: string) => !only || only.includes(name);
  const throughputRuns = Number(option(args, '--runs') ?? (quick ? 300 : 2000));
  const dir = mkdtempSync(join(tmpdir(), 'orch-bench-'));
  try {
    const results = {
      at: new Date().toISOString(),
      node: process.version,
      cpus: availableParallelism(),
      loadAverageAtStart: loadavg().map((l) => +l.toFixed(2)),
      throughput: want('throughput')
        ? [await throughput(dir, throughputRuns, 5), await throughput(dir, throughputRuns, 10)]
        : null,
      wakeToStarted: want('latency') ? await wakeLatency(dir, quick ? 10 : 40) : null,
      runsList: want('list') ? await runsList(dir, quick ? 10_000 : 100_000, 10, quick ? 50 : 200) : null,
      loadAverageAtEnd: loadavg().map((l) => +l.toFixed(2)),
      targets: { runsPerSecond: 200, wakeP50Ms: 1000, runsListP95Ms: 50 },
    };
    console.log(JSON.stringify(results, null, 2));
    if (only || quick) return;
    mkdirSync(join(here, 'results'), { recursive: true });
    writeFileSync(join(here, 'results', 'orchestrator.json'), `${JSON.stringify(results, null, 2)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
