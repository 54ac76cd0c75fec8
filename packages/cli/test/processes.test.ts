import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliProcess, runCli, spawnCli, waitUntil } from './spawn-cli.ts';

/*
 * `llm-rag-yt dev` as a real child process (embedded mode: SQLite in a temp LLM_RAG_YT_HOME):
 * health, readiness with a fresh daemon heartbeat, the JSON API, Prometheus metrics that
 * promtool accepts, `daemon status` from another process, and a clean exit on SIGTERM.
 */

const exec = promisify(execFile);

describe('llm-rag-yt dev as a process', () => {
  let dir: string;
  let env: Record<string, string>;
  let dev: CliProcess | null = null;
  let baseUrl: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cli-processes-'));
    env = { LLM_RAG_YT_HOME: dir, EMBEDDER: 'none', ASR_BACKEND: 'fake', LOG_LEVEL: 'info' };
    dev = spawnCli('dev', ['dev', '--port', '0', '--no-bot'], env);
    const m = await dev.waitForOutput(/llm-rag-yt is running: (http:\/\/127\.0\.0\.1:\d+)/, 30_000);
    baseUrl = m[1]!;
  }, 40_000);

  afterAll(async () => {
    await dev?.stop('SIGKILL').catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves /healthz, and /readyz once the daemon heartbeat is fresh', async () => {
    const health = await fetch(`${baseUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true });

    const ready = await waitUntil(
      'ready with a fresh daemon heartbeat',
      async () => {
        const r = await fetch(`${baseUrl}/readyz`);
        const body = (await r.json()) as { ready: boolean; daemon?: { fresh?: boolean; daemonId?: string } };
        return r.status === 200 && body.ready && body.daemon?.fresh ? body : null;
      },
      15_000,
    );
    expect(ready.daemon?.daemonId).toMatch(new RegExp(`^dev:${dev!.pid}:`));
  });

  it('serves the JSON API and metrics that promtool accepts', async () => {
    const jobs = (await (await fetch(`${baseUrl}/api/jobs`)).json()) as { jobs: { name: string }[] };
    expect(jobs.jobs.map((j) => j.name)).toContain('youtube_processing_job');

    const metrics = await fetch(`${baseUrl}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await metrics.text();
    expect(text).toMatch(/^# HELP /m);
    const file = join(dir, 'metrics.txt');
    writeFileSync(file, text);
    // promtool reads the exposition from stdin; a lint or parse problem exits non-zero with the reason.
    const check = await exec('sh', ['-c', `promtool check metrics < '${file}'`]).then(
      (r) => ({ code: 0, out: r.stdout + r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
    );
    expect(check.out).toBe('');
    expect(check.code).toBe(0);
  });

  it('`daemon status` in another process reports the running daemon', async () => {
    const status = await runCli(['daemon', 'status', '--json'], env);
    expect(status.code).toBe(0);
    // Logs go to stderr, so stdout is exactly the JSON document.
    const health = JSON.parse(status.stdout) as {
      healthy: boolean;
      heartbeats: { daemonId: string; daemonType: string; fresh: boolean }[];
    };
    expect(health.healthy).toBe(true);
    expect(health.heartbeats).toContainEqual(
      expect.objectContaining({
        daemonType: 'daemon',
        fresh: true,
        daemonId: expect.stringMatching(/^dev:/),
      }),
    );
    const table = await runCli(['daemon', 'status'], env);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/daemon running: dev:\d+:\w+ \(leader\)/);
  });

  it('exits 0 within a few seconds of SIGTERM, says so, and leaves no heartbeat behind', async () => {
    const stopped = await dev!.stop('SIGTERM', 8000);
    expect(stopped).toMatchObject({ code: 0, signal: null });
    expect(stopped.ms).toBeLessThan(5000);
    expect(dev!.stdout()).toContain('SIGTERM received, shutting down…');
    dev = null;

    const status = await runCli(['daemon', 'status'], env);
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/no daemon has ever heartbeated|no live daemon/);
  });

  it('refuses to bind 0.0.0.0 without API_TOKENS, with a message saying how to fix it', async () => {
    const res = await runCli(['dev', '--host', '0.0.0.0', '--port', '0', '--no-bot'], env, 30_000);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain("Refusing to listen on '0.0.0.0' without API tokens");
    expect(res.stderr).toContain('Set API_TOKENS');
    // The refusal comes before the daemon starts: it never took the leader lease.
    expect(res.stderr).not.toContain('is now the leader');
  });
});
