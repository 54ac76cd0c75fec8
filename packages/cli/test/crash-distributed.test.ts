import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VideoPageServer } from '@llm-rag-yt/adapters';
import { dropTestSchema, postgresUrl, TEST_REDIS_URL, testSchemaName } from '@llm-rag-yt/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  CRASH_VIDEOS,
  cmdline,
  descendantsOf,
  isAlive,
  readRequests,
  readRuns,
  startSlowVideoSite,
} from './crash-helpers.ts';
import { type CliProcess, runCli, spawnCli, waitUntil } from './spawn-cli.ts';

/*
 * Distributed mode (PostgreSQL + Redis/BullMQ workers): a worker is SIGKILLed while its yt-dlp
 * downloads. Its yt-dlp/ffmpeg must die with it, the run monitor re-queues its runs as new attempts
 * and the other worker (and a replacement) finish them: every request completes without a manual retry.
 */

const REDIS_URL = TEST_REDIS_URL;
const id = randomBytes(5).toString('hex');
const SCHEMA = testSchemaName('cli_crash');
const QUEUE_PREFIX = `test-cli-crash-${id}`;
const DB = postgresUrl(SCHEMA);

let dir: string;
let site: VideoPageServer;
let env: Record<string, string>;
const procs: CliProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cli-crash-distributed-'));
  site = await startSlowVideoSite();
  env = {
    LLM_RAG_YT_HOME: dir,
    DATABASE_URL: DB,
    REDIS_URL,
    QUEUE_PREFIX,
    EMBEDDER: 'none',
    ASR_BACKEND: 'fake',
    LOG_LEVEL: 'info',
    RUN_RETRY_DELAY_SECONDS: '1',
    FETCH_ALLOW_HOSTS: '127.0.0.1',
  };
}, 60_000);

afterAll(async () => {
  await Promise.all(procs.map((p) => p.stop('SIGKILL', 5000).catch(() => {})));
  await site?.close();
  await dropTestSchema(SCHEMA);
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${QUEUE_PREFIX}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
  rmSync(dir, { recursive: true, force: true });
});

function startWorker(n: number): CliProcess {
  const w = spawnCli(`worker ${n}`, ['worker', '--concurrency', '2'], env);
  procs.push(w);
  return w;
}

it('a worker SIGKILLed mid-download: its children die with it, and every request completes', async () => {
  const daemon = spawnCli('daemon', ['daemon', 'run'], env);
  procs.push(daemon);
  await daemon.waitForOutput(/Daemon running on PostgreSQL \(runs go to the Redis queue\)/, 30_000);
  const workers = [startWorker(1), startWorker(2)];
  await Promise.all(
    workers.map((w) => w.waitForOutput(/Worker worker:\d+:\w+ consuming the run queue/, 30_000)),
  );

  const submitted = await runCli(['ingest', ...CRASH_VIDEOS.map((v) => site.pageUrl(v)), '--json'], env);
  expect(submitted.code, submitted.stderr).toBe(0);

  // The victim: a worker with a yt-dlp child that is fetching media right now.
  const { victim, children } = await waitUntil(
    'a worker to be downloading media',
    async () => {
      if (!site.requests.some((p) => p.startsWith('/media/'))) return null;
      for (const w of workers) {
        const children = descendantsOf(w.pid);
        // yt-dlp writes the media to <id>.source.<ext>: that child is mid-download.
        if (children.some((pid) => cmdline(pid).includes('.source.'))) return { victim: w, children };
      }
      return null;
    },
    60_000,
    50,
  );
  const survivor = workers.find((w) => w !== victim)!;
  await victim.stop('SIGKILL');
  await waitUntil(
    'the killed worker’s children to be gone',
    async () => !children.some(isAlive),
    3000,
    50,
  ).catch(() => {
    throw new Error(`children outlived the SIGKILLed worker: ${children.filter(isAlive).join(', ')}`);
  });
  // A replacement comes up, as a supervisor would start one.
  const replacement = startWorker(3);
  await replacement.waitForOutput(/consuming the run queue/, 30_000);

  const done = await waitUntil(
    'every request to complete',
    async () => {
      const rows = await readRequests(DB);
      if (rows.some((r) => r.status === 'failed'))
        throw new Error(`a request failed: ${JSON.stringify(rows)}`);
      return rows.length === 3 && rows.every((r) => r.status === 'completed') ? rows : null;
    },
    120_000,
    250,
  );
  expect(done.map((r) => r.attempts)).toEqual([0, 0, 0]); // no manual retry
  // A request completes in its run's last step; the run's own end is written just after.
  const runs = await waitUntil(
    'every run to end',
    async () => {
      const rows = await readRuns(DB);
      return rows.length === 3 && rows.every((r) => ['SUCCESS', 'FAILURE', 'CANCELED'].includes(r.status))
        ? rows
        : null;
    },
    30_000,
    100,
  );
  expect(runs.map((r) => r.status)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
  expect(runs.some((r) => r.attempt >= 2)).toBe(true); // the killed worker's run(s) were re-queued
  for (const p of [daemon, survivor, replacement]) await p.stop('SIGTERM', 15_000);
  expect(children.filter(isAlive)).toEqual([]);
}, 240_000);
