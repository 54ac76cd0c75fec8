/**
 * Distributed-path benchmark
 * (`npm run bench -- distributed [--quick] [--runs N] [--rounds R] [--workers 1,2,4] [--only throughput,latency,list [--write]]`):
 * PostgreSQL storage (own schema per case) + BullMQ on the local Redis (own key prefix), measured side by
 * side with raw BullMQ on the same Redis in the same run:
 *  1. raw BullMQ: no-op jobs/s with 1, 2 and 4 worker processes (the queue's own ceiling);
 *  2. ours: no-op single-asset runs/s through daemon (admission) → BullMQ → `startWorker` processes;
 *     1 and 2 alternate for R rounds (default 3) and every figure is the median over them;
 *  3. latency on the distributed path: submit (another connection, as the CLI/web/bot) → STARTED,
 *     and `wake()` of a sensor → its run STARTED;
 *  4. CPU per run of each process (daemon, workers, the case's PostgreSQL backends, redis-server) and
 *     socket writes per run (≈ round trips) — steadier than wall-clock rates on a busy machine.
 * Writes bench/results/distributed.json.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  BullMQLauncher,
  createInstance,
  createSqlStorage,
  createWakeRequests,
  Daemon,
  Definitions,
  defineAsset,
  defineJob,
  defineSensor,
  openDatabase,
  type RunFilter,
  type Storage,
  seedRunsInDatabase,
} from '@llm-rag-yt/orchestrator';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { countSocketWrites, ignoreSocket, portOf } from './lib/socket-writes.ts';

const here = dirname(fileURLToPath(import.meta.url));
const PG = process.env.BENCH_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
const REDIS = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Runs a worker takes at once, for raw BullMQ and ours alike (BENCH_WORKER_CONCURRENCY overrides). */
const WORKER_CONCURRENCY = Number(process.env.BENCH_WORKER_CONCURRENCY ?? 16);
const socketWrites = countSocketWrites();
const PG_PORT = portOf(PG, '5432');
const REDIS_PORT = portOf(REDIS, '6379');

const pendingKeys: string[] = [];
const definitions = new Definitions({
  assets: [defineAsset({ key: 'noop', compute: () => null })],
  jobs: [defineJob({ name: 'noop_job', selection: 'noop' })],
  sensors: [
    defineSensor({
      name: 'work_sensor',
      job: 'noop_job',
      minimumIntervalSeconds: 3600,
      defaultStatus: 'RUNNING',
      evaluate: () => ({ runRequests: pendingKeys.splice(0).map((k) => ({ runKey: k })) }),
    }),
  ],
});

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const round = (n: number, d = 1) => +n.toFixed(d);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU ms (user + system) of a process from /proc/<pid>/stat; 0 when it is gone. Linux only. */
function procCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime, in clock ticks (USER_HZ 100)
  } catch {
    return 0;
  }
}

/** The local redis-server's pid (shared with other users of this Redis: its CPU is an upper bound). */
function redisPid(): number | null {
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/comm`, 'utf8').trim() === 'redis-server') return Number(d);
    } catch {}
  }
  return null;
}

/**
 * CPU of the PostgreSQL backends serving one case: every connection of the case carries its own
 * `application_name`, so backends of other database users on this machine are not counted. Backends
 * that appear during the case count from zero (their start-up is part of the cost).
 */
async function postgresCpu(appName: string) {
  const admin = new pg.Client({ connectionString: PG });
  await admin.connect();
  const read = async () => {
    const r = await admin.query<{ pid: number }>(
      'select pid from pg_stat_activity where application_name = $1',
      [appName],
    );
    return new Map(r.rows.map((row) => [row.pid, procCpuMs(row.pid)]));
  };
  const before = await read();
  const redis = redisPid();
  const redisBefore = redis ? procCpuMs(redis) : 0;
  return {
    /** CPU ms since the start, of the backends alive now and of the redis-server. */
    async take() {
      const after = await read();
      let ms = 0;
      for (const [pid, cpu] of after) ms += cpu - (before.get(pid) ?? 0);
      const redisMs = redis ? procCpuMs(redis) - redisBefore : 0;
      await admin.end();
      return { postgresMs: ms, postgresBackends: after.size, redisMs };
    },
  };
}

interface WorkerStats {
  cpuMs: number;
  postgresWrites: number;
  redisWrites: number;
}

interface WorkerProcess {
  child: ChildProcess;
  stop(): Promise<WorkerStats>;
}

/** Starts one bench/distributed-worker.ts process and waits until it takes work. */
async function startWorkerProcess(args: string[]): Promise<WorkerProcess> {
  // BENCH_PROFILE_DIR=/tmp/prof writes a CPU profile per worker process (node --cpu-prof).
  const profile = process.env.BENCH_PROFILE_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`]
    : [];
  const child = spawn(
    process.execPath,
    [...profile, '--import', 'tsx', join(here, 'distributed-worker.ts'), ...args],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, LOG_LEVEL: 'error' },
    },
  );
  const lines = createInterface({ input: child.stdout! });
  const queue: string[] = [];
  let notify: (() => void) | null = null;
  lines.on('line', (l) => {
    queue.push(l);
    notify?.();
  });
  const next = async () => {
    while (queue.length === 0) {
      if (child.exitCode !== null) throw new Error(`bench worker exited with ${child.exitCode}`);
      await new Promise<void>((r) => {
        notify = r;
        setTimeout(r, 200);
      });
      notify = null;
    }
    return queue.shift()!;
  };
  if ((await next()) !== 'ready') throw new Error('bench worker did not start');
  return {
    child,
    async stop() {
      child.kill('SIGTERM');
      const line = await next();
      return JSON.parse(line) as WorkerStats;
    },
  };
}

async function rawBullmq(workers: number, jobs: number) {
  const prefix = `bench-raw-${randomUUID().slice(0, 8)}`;
  const connection = new Redis(REDIS, { maxRetriesPerRequest: null });
  const queue = new Queue('raw', { connection, prefix });
  await queue.pause();
  for (let i = 0; i < jobs; i += 1000) {
    const n = Math.min(1000, jobs - i);
    await queue.addBulk(
      Array.from({ length: n }, (_, j) => ({
        name: 'job',
        data: { i: i + j },
        opts: { removeOnComplete: true, removeOnFail: true },
      })),
    );
  }
  const procs = await Promise.all(
    Array.from({ length: workers }, () =>
      startWorkerProcess(['raw', REDIS, prefix, String(WORKER_CONCURRENCY)]),
    ),
  );
  const redis = redisPid();
  const redis0 = redis ? procCpuMs(redis) : 0;
  const start = performance.now();
  await queue.resume();
  for (;;) {
    const c = await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'waiting-children');
    if (Object.values(c).every((v) => v === 0)) break;
    await sleep(5);
  }
  const seconds = (performance.now() - start) / 1000;
  const redisMs = redis ? procCpuMs(redis) - redis0 : 0;
  const stats = await Promise.all(procs.map((p) => p.stop()));
  const cpu = stats.map((s) => s.cpuMs);
  await queue.obliterate({ force: true }).catch(() => {});
  await queue.close();
  await connection.quit();
  return {
    workers,
    jobs,
    seconds: round(seconds, 2),
    jobsPerSecond: round(jobs / seconds),
    workerCpuMsPerJob: round(cpu.reduce((a, b) => a + b, 0) / jobs, 3),
    workerRedisWritesPerJob: round(stats.reduce((a, s) => a + s.redisWrites, 0) / jobs, 3),
    redisCpuMsPerJob: round(redisMs / jobs, 3),
    totalCpuMsPerJob: round((cpu.reduce((a, b) => a + b, 0) + redisMs) / jobs, 3),
  };
}

async function freshSchema() {
  const schema = `bench_dist_${randomUUID().slice(0, 8)}`;
  // The application name marks this case's backends for postgresCpu.
  const url = `${PG}?application_name=${schema}&schema=${schema}`;
  const handle = await openDatabase(url, { poolSize: 8 });
  const storage = createSqlStorage(handle);
  await storage.migrate();
  const wakeRequests = createWakeRequests(handle);
  await wakeRequests.migrate();
  const drop = async () => {
    const client = new pg.Client({ connectionString: PG });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  };
  return { url, schema, handle, storage, wakeRequests, drop };
}

async function startDaemon(
  storage: Storage,
  wakeRequests: ReturnType<typeof createWakeRequests>,
  prefix: string,
) {
  const launcher = new BullMQLauncher({ redisUrl: REDIS, prefix });
  await launcher.ready();
  const daemon = new Daemon({
    storage,
    definitions,
    launcher,
    localWorkerId: null,
    wakeRequests,
    // Admission must not be the limit being measured: more slots than the workers take at once.
    settings: { maxConcurrentRuns: 4 * WORKER_CONCURRENCY + 8 },
  });
  daemon.start();
  return {
    daemon,
    async stop() {
      await daemon.stop();
      await launcher.close();
    },
  };
}

async function ours(workers: number, runs: number) {
  const db = await freshSchema();
  const prefix = `bench-ours-${randomUUID().slice(0, 8)}`;
  try {
    const t0 = Date.now();
    for (let i = 0; i < runs; i++) await db.storage.runs.createRun({ jobName: 'noop_job' }, t0);
    const procs = await Promise.all(
      Array.from({ length: workers }, () =>
        startWorkerProcess(['ours', REDIS, prefix, String(WORKER_CONCURRENCY), db.url]),
      ),
    );
    // Watching for the end goes over a connection of its own, outside the measured backends.
    const watch = new pg.Client({ connectionString: PG, options: `-c search_path=${db.schema}` });
    await watch.connect();
    ignoreSocket((watch as unknown as { connection: { stream: object } }).connection.stream);
    const serverCpu = await postgresCpu(db.schema);
    const cpu0 = process.cpuUsage();
    const writes0 = socketWrites();
    const start = performance.now();
    const d = await startDaemon(db.storage, db.wakeRequests, prefix);
    for (;;) {
      // Runs not ended yet: a queued one (the queue index, first entry) or one in progress (the partial
      // index). Counting the ended runs instead scanned the whole history every 10 ms, a tenth of a core
      // taken from the processes being measured.
      const c = await watch.query<{ n: number }>(
        `select (select count(*) from runs where status in ('STARTING', 'STARTED', 'CANCELING'))
           + (select count(*) from (select 1 from runs where status = 'QUEUED' limit 1) q) as n`,
      );
      if (Number(c.rows[0]!.n) === 0) break;
      await sleep(10);
    }
    const seconds = (performance.now() - start) / 1000;
    const daemonCpu = process.cpuUsage(cpu0);
    const writes = socketWrites();
    const server = await serverCpu.take();
    await watch.end();
    await d.stop();
    const stats = await Promise.all(procs.map((p) => p.stop()));
    const workerCpu = stats.map((s) => s.cpuMs);
    const sent = (port: string) => (writes[port] ?? 0) - (writes0[port] ?? 0);
    const counts = await db.storage.runs.countRunsByStatus();
    return {
      workers,
      runs,
      seconds: round(seconds, 2),
      runsPerSecond: round(runs / seconds),
      failed: counts.FAILURE,
      daemonCpuMsPerRun: round((daemonCpu.user + daemonCpu.system) / 1000 / runs, 3),
      workerCpuMsPerRun: round(workerCpu.reduce((a, b) => a + b, 0) / runs, 3),
      daemonPostgresWritesPerRun: round(sent(PG_PORT) / runs, 3),
      daemonRedisWritesPerRun: round(sent(REDIS_PORT) / runs, 3),
      workerPostgresWritesPerRun: round(stats.reduce((a, s) => a + s.postgresWrites, 0) / runs, 3),
      workerRedisWritesPerRun: round(stats.reduce((a, s) => a + s.redisWrites, 0) / runs, 3),
      postgresCpuMsPerRun: round(server.postgresMs / runs, 3),
      postgresBackends: server.postgresBackends,
      // Everything else using this Redis meanwhile is included: an upper bound.
      redisCpuMsPerRun: round(server.redisMs / runs, 3),
      totalCpuMsPerRun: round(
        ((daemonCpu.user + daemonCpu.system) / 1000 +
          workerCpu.reduce((a, b) => a + b, 0) +
          server.postgresMs +
          server.redisMs) /
          runs,
        3,
      ),
    };
  } finally {
    await db.storage.close();
    if (!process.env.BENCH_KEEP_SCHEMA) await db.drop();
    else console.error(`kept schema ${db.url}`);
  }
}

async function latency(samples: number) {
  const db = await freshSchema();
  const prefix = `bench-lat-${randomUUID().slice(0, 8)}`;
  // The submitting side (CLI, web, bot) has its own pool and reaches the daemon through wake requests.
  const appHandle = await openDatabase(db.url, { poolSize: 4 });
  const app = { storage: createSqlStorage(appHandle), wakeRequests: createWakeRequests(appHandle) };
  const instance = createInstance({ storage: app.storage, definitions, wakeRequests: app.wakeRequests });
  const procs = await Promise.all(
    [0, 1].map(() => startWorkerProcess(['ours', REDIS, prefix, String(WORKER_CONCURRENCY), db.url])),
  );
  const d = await startDaemon(db.storage, db.wakeRequests, prefix);
  const waitStarted = async (find: () => Promise<{ startedAt: number | null } | undefined>) => {
    for (;;) {
      const run = await find();
      if (run?.startedAt) return;
      await sleep(1);
    }
  };
  try {
    await sleep(1500); // lease, first iteration
    const submit: number[] = [];
    const wake: number[] = [];
    for (let i = 0; i < samples; i++) {
      let t = performance.now();
      const { runId } = await instance.submitRun({ jobName: 'noop_job' });
      await waitStarted(() => app.storage.runs.getRun(runId));
      submit.push(performance.now() - t);
      await sleep(30 + Math.random() * 70);

      const key = `item-${i}`;
      pendingKeys.push(key);
      t = performance.now();
      await instance.wake('work_sensor');
      await waitStarted(
        async () => (await app.storage.runs.listRuns({ runKey: `sensor:work_sensor:${key}` }))[0],
      );
      wake.push(performance.now() - t);
      await sleep(30 + Math.random() * 70);
    }
    const summary = (xs: number[]) => {
      xs.sort((a, b) => a - b);
      return {
        samples: xs.length,
        p50Ms: round(percentile(xs, 50)),
        p95Ms: round(percentile(xs, 95)),
        maxMs: round(xs.at(-1)!),
      };
    };
    return { submitToStarted: summary(submit), wakeToStarted: summary(wake) };
  } finally {
    await d.stop();
    await Promise.all(procs.map((p) => p.stop()));
    await app.storage.close();
    await db.storage.close();
    if (!process.env.BENCH_KEEP_SCHEMA) await db.drop();
    else console.error(`kept schema ${db.url}`);
  }
}

/**
 * The UI's runs-list queries (newest 50: all, by status, by job, by tag, the next page) p50/p95 over a
 * history of `runs` runs and `runs × eventsPerRun` events, generated inside the database.
 */
async function runsList(dialect: 'postgres' | 'sqlite', runs: number, eventsPerRun: number, queries: number) {
  const dir = mkdtempSync(join(tmpdir(), 'dist-bench-'));
  const db =
    dialect === 'postgres'
      ? await freshSchema()
      : await (async () => {
          const handle = await openDatabase(`sqlite:${join(dir, 'history.db')}`);
          const storage = createSqlStorage(handle);
          await storage.migrate();
          return { storage, handle, drop: async () => rmSync(dir, { recursive: true, force: true }) };
        })();
  try {
    const seeded = await seedRunsInDatabase(db.handle, { runs, eventsPerRun });
    const second = (await db.storage.runs.listRuns({ limit: 50 }))[49]!.runId;
    const filters: RunFilter[] = [
      { limit: 51 },
      { statuses: ['SUCCESS'], limit: 51 },
      { statuses: ['FAILURE'], limit: 51 },
      { statuses: ['QUEUED'], limit: 51 },
      { statuses: ['STARTED', 'STARTING'], limit: 51 },
      { jobName: 'transcribe', limit: 51 },
      { tags: { source: 'sensor' }, limit: 51 },
      { statuses: ['FAILURE'], jobName: 'embed_chunks', limit: 51 },
      { beforeRunId: second, limit: 51 },
    ];
    const times: number[] = [];
    const byFilter = filters.map(() => [] as number[]);
    for (let i = 0; i < queries; i++) {
      const t = performance.now();
      const page = await db.storage.runs.listRuns(filters[i % filters.length]!);
      times.push(performance.now() - t);
      byFilter[i % filters.length]!.push(times.at(-1)!);
      if (page.length === 0) throw new Error(`runs-list query ${i % filters.length} returned no rows`);
    }
    times.sort((a, b) => a - b);
    return {
      dialect,
      runs: seeded.runs,
      events: seeded.events,
      seedSeconds: round(seeded.ms / 1000),
      queries,
      p50Ms: round(percentile(times, 50), 2),
      p95Ms: round(percentile(times, 95), 2),
      p50MsByFilter: byFilter.map((xs, k) => ({
        filter: JSON.stringify(filters[k]),
        p50Ms: round(
          percentile(
            xs.sort((a, b) => a - b),
            50,
          ),
          2,
        ),
      })),
    };
  } finally {
    await db.storage.close();
    await db.drop();
  }
}

/** Field by field median of rounds of one case (numbers only; the others are the first round's). */
function medianRow<T extends Record<string, unknown>>(rows: readonly T[]): T {
  const out: Record<string, unknown> = { ...rows[0]! };
  for (const key of Object.keys(out)) {
    if (typeof out[key] !== 'number') continue;
    const v = rows.map((r) => r[key] as number).sort((a, b) => a - b);
    const mid = Math.floor(v.length / 2);
    out[key] = v.length % 2 ? v[mid]! : round((v[mid - 1]! + v[mid]!) / 2, 3);
  }
  return out as T;
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

export default async function main(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const runs = Number(option(args, '--runs') ?? (quick ? 500 : 3000));
  const workerCounts = (option(args, '--workers') ?? '1,2,4').split(',').map(Number);
  const rounds = Math.max(1, Number(option(args, '--rounds') ?? (quick ? 1 : 3)));
  const only = option(args, '--only')?.split(',');
  const want = (n: string) => !only || only.includes(n);
  const results: Record<string, unknown> = {
    at: new Date().toISOString(),
    node: process.version,
    cpus: availableParallelism(),
    loadAverageAtStart: loadavg().map((l) => round(l, 2)),
    workerConcurrency: WORKER_CONCURRENCY,
  };
  const cases = [];
  if (want('throughput')) {
    for (const w of workerCounts) {
      // Side by side: the queue alone, then our path, with the same worker count and concurrency,
      // alternating for `rounds` rounds; every figure is the median over the rounds (raw BullMQ alone
      // swings 2× from one measurement to the next here).
      const raws: Awaited<ReturnType<typeof rawBullmq>>[] = [];
      const ourRounds: Awaited<ReturnType<typeof ours>>[] = [];
      for (let r = 0; r < rounds; r++) {
        raws.push(await rawBullmq(w, runs));
        ourRounds.push(await ours(w, runs));
      }
      const raw = medianRow(raws);
      const our = medianRow(ourRounds);
      const row = {
        workers: w,
        rounds,
        raw,
        ours: our,
        ratioToRawBullmq: round(our.runsPerSecond / raw.jobsPerSecond, 3),
        perRound: raws.map((x, i) => ({
          rawJobsPerSecond: x.jobsPerSecond,
          oursRunsPerSecond: ourRounds[i]!.runsPerSecond,
          ratio: round(ourRounds[i]!.runsPerSecond / x.jobsPerSecond, 3),
        })),
      };
      console.log(JSON.stringify(row));
      cases.push(row);
    }
    results.throughput = cases;
  }
  if (want('latency')) {
    results.latency = await latency(quick ? 15 : 60);
    console.log(JSON.stringify(results.latency));
  }
  if (want('list')) {
    const listRuns = Number(option(args, '--list-runs') ?? (quick ? 20_000 : 1_000_000));
    results.runsList = [];
    for (const dialect of ['postgres', 'sqlite'] as const) {
      const row = await runsList(dialect, listRuns, 10, quick ? 90 : 450);
      console.log(JSON.stringify(row));
      (results.runsList as unknown[]).push(row);
    }
  }
  results.loadAverageAtEnd = loadavg().map((l) => round(l, 2));
  results.targets = {
    runsPerSecondWith2Workers: 500,
    ratioToRawBullmq: 0.3,
    submitToStartedP50Ms: 25,
    submitToStartedP95Ms: 100,
    wakeToStartedP50Ms: 50,
  };
  console.log(JSON.stringify(results, null, 2));
  // `--only a,b --write` replaces those sections of the stored results and keeps the others, each
  // section saying when and at what load it was measured.
  if (quick || (only && !args.includes('--write'))) return;
  const file = join(here, 'results', 'distributed.json');
  const measured = { at: results.at, loadAverageAtStart: results.loadAverageAtStart };
  const sections = (
    [
      ['throughput', 'throughput'],
      ['latency', 'latency'],
      ['list', 'runsList'],
    ] as const
  )
    .filter(([name]) => want(name))
    .map(([, section]) => section);
  const stored =
    only && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  const measuredAt = { ...((stored.measuredAt as object) ?? {}) } as Record<string, unknown>;
  for (const section of ['throughput', 'latency', 'runsList']) {
    // Sections stored by a whole run carry that run's time and load.
    if (stored[section] && !measuredAt[section])
      measuredAt[section] = { at: stored.at, loadAverageAtStart: stored.loadAverageAtStart };
  }
  for (const section of sections) measuredAt[section] = measured;
  // Fields of the stored results that this run did not measure stay as they were, with their measuredAt.
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ ...stored, ...results, measuredAt }, null, 2)}\n`);
}
