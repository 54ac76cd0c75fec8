/*
 * Bad input to the CLI: each case exits within seconds with one clear message and the right exit
 * code (2 = bad usage or configuration, 1 = a service is unavailable), never a hang, a raw SQL
 * error or a page of stacks.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OFFLINE_CLI_ENV } from '@llm-rag-yt/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../src/main.ts';
import { runCli } from './spawn-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'cli-bad-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(argv: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const started = Date.now();
  const code = await main(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: {
      ...OFFLINE_CLI_ENV,
      LLM_RAG_YT_HOME: dir,
      EMBEDDER: 'none',
      ASR_BACKEND: 'fake',
      LOG_LEVEL: 'error',
      ...env,
    },
    cwd: dir,
  });
  return { code, stdout, stderr, ms: Date.now() - started };
}

describe('bad input to the CLI', () => {
  it('--config /dev/zero is refused by size at once, before the database is opened', async () => {
    const r = await cli(['pipeline', 'run-job', 'youtube_processing_job', '--config', '/dev/zero']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Run config file '\/dev\/zero' is larger than 1024 KB/);
    expect(r.ms).toBeLessThan(5000);
  });

  it('jobs add --priority abc says what a priority is, not a raw SQL error', async () => {
    const r = await cli(['jobs', 'add', 'youtube_processing', '--priority', 'abc']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--priority must be a whole number, got 'abc'.");
    expect(r.stderr).not.toMatch(/SQL|constraint|SqliteError/i);
  });

  it('malformed configuration exits 2 naming the variable, without echoing URLs that may hold passwords', async () => {
    const db = await cli(['pipeline', 'list-jobs'], { DATABASE_URL: 'mysql://root:pw@db/app' });
    expect(db.code).toBe(2);
    expect(db.stderr).toMatch(/DATABASE_URL: use a file path, sqlite:<path> or postgres:\/\//);
    expect(db.stderr).not.toContain('pw@');
    const redis = await cli(['pipeline', 'list-jobs'], { REDIS_URL: 'localhost:6379' });
    expect(redis.code).toBe(2);
    expect(redis.stderr).toMatch(/REDIS_URL: use redis:\/\/host:6379/);
  });

  it('an unreachable REDIS_URL fails within seconds with one message (real process: it exits)', async () => {
    const started = Date.now();
    const r = await runCli(
      ['pipeline', 'run-job', 'youtube_processing_job'],
      { LLM_RAG_YT_HOME: dir, REDIS_URL: 'redis://127.0.0.1:1', EMBEDDER: 'none', ASR_BACKEND: 'fake' },
      45_000,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Cannot reach Redis at redis:\/\/127\.0\.0\.1:1 \(REDIS_URL\): ECONNREFUSED/);
    expect(r.stderr).not.toMatch(/ioredis|Unhandled error event|\s{2,}at /);
    expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
    // Startup (tsx, migrations) included; the Redis check itself gives up after 5 s at most.
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 60_000);
});
