import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VideoPageServer } from '@llm-rag-yt/adapters';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CRASH_VIDEOS, processesIn, readRequests, readRuns, startSlowVideoSite } from './crash-helpers.ts';
import { type CliProcess, runCli, spawnCli, waitUntil } from './spawn-cli.ts';

/*
 * Embedded mode (SQLite, runs inside the daemon): the daemon is SIGKILLed while yt-dlp downloads.
 * No yt-dlp/ffmpeg may outlive it, and after a restart every request completes by itself — the
 * interrupted runs are re-queued as new attempts, nobody retries anything by hand.
 */

let dir: string;
let site: VideoPageServer;
let env: Record<string, string>;
const procs: CliProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cli-crash-embedded-'));
  site = await startSlowVideoSite();
  env = {
    LLM_RAG_YT_HOME: dir,
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
  rmSync(dir, { recursive: true, force: true });
});

async function startDaemon(): Promise<CliProcess> {
  const p = spawnCli('daemon', ['daemon', 'run'], env);
  procs.push(p);
  await p.waitForOutput(/Daemon running on .*runs execute in this process/, 30_000);
  return p;
}

it('a daemon SIGKILLed mid-download: no child survives, and every request completes after the restart', async () => {
  const db = `sqlite:${join(dir, 'llm-rag-yt.db')}`;
  const first = await startDaemon();
  const submitted = await runCli(['ingest', ...CRASH_VIDEOS.map((v) => site.pageUrl(v)), '--json'], env);
  expect(submitted.code, submitted.stderr).toBe(0);
  expect((JSON.parse(submitted.stdout) as { requests: unknown[] }).requests).toHaveLength(3);

  // Kill while yt-dlp is fetching media (the site streams each file over ~4 s).
  await waitUntil(
    'a media download to be in progress',
    async () => site.requests.some((p) => p.startsWith('/media/')) && processesIn(dir).length > 0,
    60_000,
    50,
  );
  expect(processesIn(dir).some((p) => /yt-dlp|ffmpeg/.test(p.cmd))).toBe(true);
  await first.stop('SIGKILL');
  await waitUntil(
    'the children of the killed daemon to be gone',
    async () => processesIn(dir).length === 0,
    3000,
    50,
  ).catch(() => {
    throw new Error(`children outlived the SIGKILLed daemon: ${JSON.stringify(processesIn(dir))}`);
  });
  const interrupted = (await readRuns(db)).filter((r) => ['STARTING', 'STARTED'].includes(r.status));
  expect(interrupted.length).toBeGreaterThan(0);

  const second = await startDaemon();
  const done = await waitUntil(
    'every request to complete after the restart',
    async () => {
      const rows = await readRequests(db);
      if (rows.some((r) => r.status === 'failed'))
        throw new Error(`a request failed: ${JSON.stringify(rows)}`);
      return rows.length === 3 && rows.every((r) => r.status === 'completed') ? rows : null;
    },
    120_000,
    250,
  );
  // Nobody retried by hand: the requests are on their first attempt; the runs carry the retries.
  expect(done.map((r) => r.attempts)).toEqual([0, 0, 0]);
  const runs = await readRuns(db);
  expect(runs).toHaveLength(3);
  expect(runs.every((r) => r.status === 'SUCCESS')).toBe(true);
  for (const r of interrupted)
    expect(runs.find((x) => x.run_id === r.run_id)!.attempt).toBeGreaterThanOrEqual(2);
  await second.stop('SIGTERM', 15_000);
  expect(processesIn(dir)).toEqual([]);
}, 240_000);
