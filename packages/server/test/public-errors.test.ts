/*
 * API clients see what went wrong without internals: a failed run's error and events keep their
 * stack traces in storage (for operators), but the API serves them without stacks, and the data
 * folder's absolute path shows as `<data>`.
 */
import { executeRun } from '@llm-rag-yt/orchestrator';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { createFixture, type Fixture, silentLogger } from './helpers/fixture.ts';

let fx: Fixture;
let app: Hono;
beforeAll(async () => {
  fx = await createFixture();
  app = createApp({ instance: fx.instance, auth: { tokens: [] }, logger: silentLogger, dataDir: fx.dir });
});
afterAll(async () => fx?.close());

describe('errors served by the API', () => {
  it('a failed run: stack kept in storage, absent from /api/runs, its events and the run list', async () => {
    const res = await app.request('/api/jobs/ingest_job/launch', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ runConfig: { ops: { flaky_index: { config: { fail: true } } } } }),
    });
    const runId = ((await res.json()) as any).run.runId as string;
    await executeRun(runId, { storage: fx.storage, definitions: fx.instance.definitions, workerId: 't' });
    const stored = await fx.storage.runs.getRun(runId);
    expect(stored?.status).toBe('FAILURE');
    expect(JSON.stringify(stored)).toMatch(/"stack"/);

    for (const path of [`/api/runs/${runId}`, `/api/runs/${runId}/events`, '/api/runs']) {
      const text = await (await app.request(path)).text();
      expect(text, path).toContain('index build failed on purpose');
      expect(text, path).not.toMatch(/"stack"|\s{2,}at \S|\.ts:\d+/);
    }
  });

  it('the data folder path becomes <data>', async () => {
    const res = await app.request('/api/jobs/ingest_job/launch', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ runConfig: {}, tags: { note: `file ${fx.dir}/audio/x.wav` } }),
    });
    const text = await res.text();
    expect(res.status).toBe(201);
    expect(text).not.toContain(fx.dir);
    expect(text).toContain('<data>/audio/x.wav');
  });
});
