/**
 * A worker process of the distributed benchmark (bench/distributed.ts starts 1–4 of these).
 * `raw`: a plain BullMQ Worker with a no-op processor — the queue's own speed.
 * `ours`: `startWorker` over PostgreSQL storage — our run path (status CAS, events, heartbeats).
 * Prints `ready` when it takes work, and its CPU time as JSON when it receives SIGTERM.
 */

import {
  createSqlStorage,
  Definitions,
  defineAsset,
  defineJob,
  openDatabase,
  startWorker,
} from '@llm-rag-yt/orchestrator';
import { Worker } from 'bullmq';
import { countSocketWrites, portOf } from './lib/socket-writes.ts';

const socketWrites = countSocketWrites();

const [mode, redisUrl, prefix, concurrencyText, databaseUrl] = process.argv.slice(2);
const concurrency = Number(concurrencyText);

export const benchDefinitions = new Definitions({
  assets: [defineAsset({ key: 'noop', compute: () => null })],
  jobs: [defineJob({ name: 'noop_job', selection: 'noop' })],
});

let close: () => Promise<void>;
if (mode === 'raw') {
  const { Redis } = await import('ioredis');
  const connection = new Redis(redisUrl!, { maxRetriesPerRequest: null });
  const worker = new Worker('raw', async () => null, { connection, prefix, concurrency });
  await worker.waitUntilReady();
  close = async () => {
    await worker.close();
    await connection.quit();
  };
} else {
  const handle = await openDatabase(databaseUrl!, { poolSize: concurrency + 2 });
  const storage = createSqlStorage(handle);
  const worker = await startWorker({
    storage,
    definitions: benchDefinitions,
    redisUrl: redisUrl!,
    prefix,
    concurrency,
    workerId: `bench-worker-${process.pid}`,
  });
  close = async () => {
    await worker.close();
    await storage.close();
  };
}
// Counted from here: start-up (module loading, connecting) is not per-run cost.
const cpu0 = process.cpuUsage();
const writes0 = socketWrites();
process.stdout.write('ready\n');
process.on('SIGTERM', async () => {
  const cpu = process.cpuUsage(cpu0);
  const writes = socketWrites();
  await close().catch(() => {});
  const sent = (port: string) => (writes[port] ?? 0) - (writes0[port] ?? 0);
  const line = {
    cpuMs: (cpu.user + cpu.system) / 1000,
    postgresWrites: databaseUrl ? sent(portOf(databaseUrl, '5432')) : 0,
    redisWrites: sent(portOf(redisUrl!, '6379')),
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
  process.exit(0);
});
