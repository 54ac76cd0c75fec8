import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startVideoPageServer, type VideoPageServer } from '@llm-rag-yt/adapters';
import { dropTestSchema, postgresUrl, TEST_REDIS_URL, testSchemaName } from '@llm-rag-yt/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliProcess, runCli, spawnCli, waitUntil } from './spawn-cli.ts';

/*
 * The scale-out setup as real processes: `daemon run`, two `worker`s and a `webserver` on the real
 * PostgreSQL (own schema) and Redis (own queue prefix). `ingest --wait` and `ask` are separate CLI
 * processes. Then a worker is SIGKILLed in the middle of a run that waits on a transcription server
 * that never answers: the daemon's run monitor must re-queue that run (a lost worker is not the
 * user's failure) as a new attempt, and the surviving worker must keep executing new work.
 */

const REDIS_URL = TEST_REDIS_URL;
const id = randomBytes(5).toString('hex');
const SCHEMA = testSchemaName('cli_dist');
const QUEUE_PREFIX = `test-cli-dist-${id}`;

interface Run {
  runId: string;
  jobName: string;
  status: string;
  workerId: string | null;
  attempt: number;
  tags: Record<string, string>;
  error: { message: string } | null;
}
interface Heartbeat {
  daemonId: string;
  daemonType: string;
  fresh: boolean;
}

/** An OpenAI-compatible transcription endpoint that accepts uploads and never answers: a step that hangs. */
async function startHangingTranscriber(): Promise<{
  baseUrl: string;
  uploads: () => number;
  close(): Promise<void>;
}> {
  let uploads = 0;
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith('/v1/audio/transcriptions')) {
      uploads++;
      req.resume();
      return; // held open until the client goes away
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ data: [{ id: 'whisper-1' }] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    uploads: () => uploads,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('distributed mode: daemon + 2 workers + webserver on PostgreSQL and Redis', () => {
  let dir: string;
  let env: Record<string, string>;
  let site: VideoPageServer;
  let asr: Awaited<ReturnType<typeof startHangingTranscriber>>;
  let daemon: CliProcess;
  let workers: CliProcess[] = [];
  let web: CliProcess;
  let api: string;
  const all = () => [daemon, ...workers, web].filter(Boolean);

  const getJson = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${api}${path}`);
    if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  /** Runs of one youtube request (a generic page's video id is only known after the download). */
  const runsOf = async (requestId: number) =>
    (await getJson<{ runs: Run[] }>(`/api/runs?job=youtube_processing_job&tag=request_id:${requestId}`)).runs;
  const ingest = async (page: string, wait: boolean) => {
    const res = await runCli(['ingest', site.pageUrl(page), '--json', ...(wait ? ['--wait'] : [])], env);
    expect(res.code, res.stdout + res.stderr).toBe(0);
    const out = JSON.parse(res.stdout) as { requests: { id: number; status: string }[] };
    expect(out.requests).toHaveLength(1);
    return out.requests[0]!;
  };
  const workerOf = (run: Run) => workers.find((w) => run.workerId?.startsWith(`worker:${w.pid}:`));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cli-distributed-'));
    [site, asr] = await Promise.all([
      startVideoPageServer({
        videos: [
          {
            id: 'orbits',
            title: 'Orbits explained',
            vttText:
              'WEBVTT\n\n00:00.000 --> 00:04.000\nPlanets move on elliptic orbits around the sun.\n\n00:04.000 --> 00:08.000\nKepler described the equal areas law in sixteen nine.\n',
          },
          {
            id: 'tides',
            title: 'Tides',
            vttText: 'WEBVTT\n\n00:00.000 --> 00:03.000\nThe moon pulls the oceans into two tidal bulges.\n',
          },
          // No captions: the run downloads audio and waits on the (hanging) transcription server.
          { id: 'slowtalk', title: 'A slow talk', speech: 'This talk is never transcribed.' },
        ],
      }),
      startHangingTranscriber(),
    ]);
    env = {
      LLM_RAG_YT_HOME: dir,
      DATABASE_URL: postgresUrl(SCHEMA),
      REDIS_URL,
      QUEUE_PREFIX,
      EMBEDDER: 'none',
      ASR_BACKEND: 'openai',
      TRANSCRIBE_BASE_URL: asr.baseUrl,
      LOG_LEVEL: 'info',
      RUN_RETRY_DELAY_SECONDS: '1',
    };
    // The first process creates the schema and runs the migrations; the others then start together.
    daemon = spawnCli('daemon', ['daemon', 'run'], env);
    await daemon.waitForOutput(/Daemon running on PostgreSQL \(runs go to the Redis queue\)/, 30_000);
    workers = [1, 2].map((n) => spawnCli(`worker ${n}`, ['worker', '--concurrency', '2'], env));
    web = spawnCli('webserver', ['webserver', '--port', '0'], env);
    const [m] = await Promise.all([
      web.waitForOutput(/Web server listening on (http:\/\/127\.0\.0\.1:\d+)/, 30_000),
      ...workers.map((w) => w.waitForOutput(/Worker worker:\d+:\w+ consuming the run queue/, 30_000)),
    ]);
    api = m[1]!;
  }, 60_000);

  afterAll(async () => {
    await Promise.all(all().map((p) => p.stop('SIGKILL', 5000).catch(() => {})));
    await Promise.all([site?.close(), asr?.close()]);
    await dropTestSchema(SCHEMA);
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${QUEUE_PREFIX}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ingest --wait is executed by a worker process; ask finds the passage through Postgres full-text', async () => {
    const hb = await getJson<{ healthy: boolean; heartbeats: Heartbeat[] }>('/api/daemon');
    expect(hb.healthy).toBe(true);
    const types = hb.heartbeats
      .filter((h) => h.fresh)
      .map((h) => `${h.daemonType}:${h.daemonId.split(':')[1]}`);
    expect(types).toEqual(
      expect.arrayContaining([
        `daemon:${daemon.pid}`,
        `worker:${workers[0]!.pid}`,
        `worker:${workers[1]!.pid}`,
      ]),
    );

    const request = await ingest('orbits', true);
    expect(request.status).toBe('completed');

    const [run] = await runsOf(request.id);
    expect(run).toMatchObject({ status: 'SUCCESS', jobName: 'youtube_processing_job' });
    // Executed by one of the worker processes — not by the daemon, the CLI or the web server.
    expect(workerOf(run!), `run.workerId ${run!.workerId}`).toBeDefined();
    const detail = await getJson<{ run: Run; steps: { stepKey: string; status: string }[] }>(
      `/api/runs/${run!.runId}`,
    );
    expect(detail.steps.map((s) => s.status)).not.toContain('FAILURE');

    const ask = await runCli(['ask', 'Who described the equal areas law?', '--json'], env);
    expect(ask.code, ask.stderr).toBe(0);
    const answer = JSON.parse(ask.stdout) as {
      retrieval: string;
      citations: { title: string; start: number; snippet: string }[];
    };
    expect(answer.citations[0]).toMatchObject({ title: 'Orbits explained' });
    expect(answer.citations[0]!.snippet).toContain('Kepler described the equal areas law');
    expect(answer.citations[0]!.start).toBeGreaterThanOrEqual(0);
    expect(answer.citations[0]!.start).toBeLessThanOrEqual(4);
    expect(answer.retrieval).toMatch(/lexical/);
    // SQLite is not involved: no process created a database file in the data folder.
    expect(readdirSync(dir).filter((f) => /\.db/.test(f))).toEqual([]);
  }, 60_000);

  it('a worker killed mid-run: the monitor re-queues the run as a new attempt; the other worker goes on', async () => {
    const slow = await ingest('slowtalk', false);
    // The run is STARTED on some worker and that worker is stuck in the transcription request.
    const started = await waitUntil(
      'the slow run to reach the transcription server',
      async () => {
        const [run] = await runsOf(slow.id);
        return run?.status === 'STARTED' && asr.uploads() > 0 ? run : null;
      },
      30_000,
    );
    const victim = workerOf(started);
    expect(victim, `run.workerId ${started.workerId}`).toBeDefined();
    const survivor = workers.find((w) => w !== victim)!;
    // A first SIGTERM drains: the worker says it waits for its run (and keeps heartbeating meanwhile).
    victim!.child.kill('SIGTERM');
    await victim!.waitForOutput(
      /Waiting for 1 running run\(s\) to finish; signal again to stop at once/,
      10_000,
    );
    expect(victim!.child.exitCode).toBeNull();
    expect((await runsOf(slow.id))[0]?.status).toBe('STARTED');
    // Then the process is killed outright, as an orchestrator does when the grace period is over.
    const killedAt = Date.now();
    await victim!.stop('SIGKILL');

    const requeued = await waitUntil(
      'the run monitor to re-queue the run of the dead worker',
      async () => {
        const [run] = await runsOf(slow.id);
        return run && run.attempt > 1 ? run : null;
      },
      40_000,
      250,
    );
    const settledAfterMs = Date.now() - killedAt;
    // youtube_processing_job has run retries for lost workers: a new attempt, not a failure.
    expect(requeued.runId).toBe(started.runId);
    expect(requeued.status).not.toBe('FAILURE');
    expect(requeued.attempt).toBe(2);
    const { events } = await getJson<{ events: { message: string }[] }>(
      `/api/runs/${started.runId}/events?type=RUN_ENQUEUED`,
    );
    const why = events.at(-1)!.message;
    expect(why).toContain(started.workerId!);
    // Same host: the daemon sees the worker's pid is gone at once (heartbeats carry hostname + pid);
    // on another host it would wait for the heartbeat to go stale (3 missed 5 s beats).
    expect(why).toMatch(/is no longer running|stopped heartbeating \d+ s ago|no heartbeat/);
    expect(why).toMatch(/re-queued as attempt 2 of 4/);
    expect(settledAfterMs).toBeLessThan(30_000);
    // The request follows its run: still in progress, not failed.
    const { request: slowNow } = await getJson<{ request: { status: string } }>(
      `/api/library/requests/${slow.id}`,
    );
    expect(slowNow.status).toBe('processing');

    // New work still flows, executed by the surviving worker.
    const request = await ingest('tides', true);
    expect(request.status).toBe('completed');
    const [tides] = await runsOf(request.id);
    expect(tides).toMatchObject({ status: 'SUCCESS' });
    expect(workerOf(tides!)).toBe(survivor);
    // The re-queued attempt hangs on the transcription server like the first: cancel it.
    const cancel = await runCli(['pipeline', 'runs', 'cancel', started.runId], env);
    expect(cancel.code, cancel.stderr).toBe(0);
    await waitUntil(
      'the re-queued run to be canceled',
      async () => ((await runsOf(slow.id))[0]?.status === 'CANCELED' ? true : null),
      20_000,
    );
  }, 90_000);

  it('SIGTERM stops the daemon, the surviving worker and the web server cleanly', async () => {
    const alive = all().filter((p) => p.child.exitCode === null && p.child.signalCode === null);
    expect(alive).toHaveLength(3);
    const results = await Promise.all(alive.map((p) => p.stop('SIGTERM', 10_000)));
    for (const [i, r] of results.entries()) {
      expect(r, alive[i]!.name).toMatchObject({ code: 0, signal: null });
      expect(alive[i]!.stdout()).toContain('SIGTERM received, shutting down…');
    }
    const status = await runCli(['daemon', 'status', '--json'], env);
    const health = JSON.parse(status.stdout) as { healthy: boolean; heartbeats: Heartbeat[] };
    expect(health.healthy).toBe(false);
    // Clean shutdowns remove their heartbeats; only the SIGKILLed worker's stale one is left.
    expect(health.heartbeats.map((h) => h.daemonType)).toEqual(['worker']);
  }, 30_000);
});
