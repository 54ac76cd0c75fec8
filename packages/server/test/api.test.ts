import { Definitions, defineAsset, executeRun } from '@llm-rag-yt/orchestrator';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import type { ApiLogEntry } from '../src/types.ts';
import { createFixture, type Fixture, silentLogger } from './helpers/fixture.ts';

let fx: Fixture;
let app: Hono;
const logged: ApiLogEntry[] = [];

beforeAll(async () => {
  fx = await createFixture();
  app = createApp({
    instance: fx.instance,
    auth: { tokens: [] },
    logger: silentLogger,
    apiLog: { record: async (e) => void logged.push(e) },
    contractCheck: true,
  });
});
afterAll(async () => fx?.close());

const json = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

async function get(path: string) {
  const res = await app.request(path);
  return { status: res.status, body: (await res.json()) as any };
}
async function post(path: string, body: unknown = {}) {
  const res = await app.request(path, json(body));
  return { status: res.status, body: (await res.json()) as any };
}

async function launchAndRun(runConfig: unknown = {}) {
  const launched = await post('/api/jobs/ingest_job/launch', { runConfig });
  expect(launched.status).toBe(201);
  await executeRun(launched.body.run.runId, {
    storage: fx.storage,
    definitions: fx.instance.definitions,
    workerId: 'test',
  });
  return launched.body.run.runId as string;
}

describe('jobs and runs', () => {
  it('lists jobs with their steps', async () => {
    const { status, body } = await get('/api/jobs');
    expect(status).toBe(200);
    expect(body.jobs[0].name).toBe('ingest_job');
    expect(body.jobs[0].steps.map((s: any) => s.key)).toEqual(['source_urls', 'audio_files', 'flaky_index']);
    expect(body.jobs[0].sensors).toEqual(['test_sensor']);
  });

  it('launches with YAML config and runs to success; run detail has steps', async () => {
    const launched = await post('/api/jobs/ingest_job/launch', {
      runConfigYaml: 'ops:\n  source_urls:\n    config:\n      limit: 5\n',
      tags: { who: 'test' },
    });
    expect(launched.status).toBe(201);
    const runId = launched.body.run.runId;
    expect(launched.body.run.runConfig.ops.source_urls.config.limit).toBe(5);
    await executeRun(runId, { storage: fx.storage, definitions: fx.instance.definitions, workerId: 'test' });
    const detail = await get(`/api/runs/${runId}`);
    expect(detail.body.run.status).toBe('SUCCESS');
    expect(detail.body.steps.map((s: any) => [s.stepKey, s.status])).toEqual([
      ['source_urls', 'SUCCESS'],
      ['audio_files', 'SUCCESS'],
      ['flaky_index', 'SUCCESS'],
    ]);
    expect(detail.body.eventCount).toBeGreaterThan(5);
  });

  it('rejects invalid run config with the bad path (JSON and YAML)', async () => {
    const bad = await post('/api/jobs/ingest_job/launch', {
      runConfig: { ops: { source_urls: { config: { limit: 'ten' } } } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0].path).toBe('ops.source_urls.config.limit');
    const typo = await post('/api/jobs/ingest_job/validate', {
      runConfigYaml: 'ops:\n  source_url:\n    config: {}\n',
    });
    expect(typo.status).toBe(200);
    expect(typo.body.valid).toBe(false);
    expect(typo.body.issues[0].message).toContain("Did you mean 'source_urls'");
    const syntax = await post('/api/jobs/ingest_job/launch', { runConfigYaml: 'ops: [unclosed' });
    expect(syntax.status).toBe(400);
    expect(syntax.body.error.message).toMatch(/line/);
    const ok = await post('/api/jobs/ingest_job/validate', { runConfigYaml: '' });
    expect(ok.body).toEqual({ valid: true, issues: [] });
  });

  it('filters runs by status, job and tag; paginates by cursor', async () => {
    const failed = await launchAndRun({ ops: { flaky_index: { config: { fail: true } } } });
    for (let i = 0; i < 3; i++) await post('/api/jobs/ingest_job/launch', { tags: { batch: 'b1' } });
    const failures = await get('/api/runs?status=FAILURE');
    expect(failures.body.runs.map((r: any) => r.runId)).toContain(failed);
    expect(failures.body.runs.every((r: any) => r.status === 'FAILURE')).toBe(true);
    const tagged = await get('/api/runs?tag=batch:b1&limit=2');
    expect(tagged.body.runs).toHaveLength(2);
    expect(tagged.body.nextCursor).toBeTruthy();
    const page2 = await get(`/api/runs?tag=batch:b1&limit=2&cursor=${tagged.body.nextCursor}`);
    expect(page2.body.runs).toHaveLength(1);
    expect(page2.body.nextCursor).toBeNull();
    const byJob = await get('/api/runs?job=ingest_job&limit=500');
    expect(byJob.body.runs.length).toBeGreaterThanOrEqual(5);
    const detail = await get(`/api/runs/${failed}`);
    expect(detail.body.run.error.message).toBeTruthy();
    expect(detail.body.steps.find((s: any) => s.stepKey === 'flaky_index').status).toBe('FAILURE');
  });

  it('pages, filters and searches the event log', async () => {
    const runId = await launchAndRun();
    const all = await get(`/api/runs/${runId}/events`);
    expect(all.body.events.length).toBeGreaterThan(3);
    const first = await get(`/api/runs/${runId}/events?limit=2`);
    expect(first.body.events).toHaveLength(2);
    const rest = await get(`/api/runs/${runId}/events?afterId=${first.body.nextAfterId}`);
    expect(rest.body.events[0].id).toBeGreaterThan(first.body.events[1].id);
    const search = await get(`/api/runs/${runId}/events?search=FETCHED`);
    expect(search.body.events.map((e: any) => e.message)).toEqual(['fetched urls']);
    const errors = await get(`/api/runs/${runId}/events?level=error`);
    expect(errors.body.events).toEqual([]);
    const badLevel = await get(`/api/runs/${runId}/events?level=loud`);
    expect(badLevel.status).toBe(400);
    expect(badLevel.body.error.message).toContain('level');
  });

  it('cancels a queued run and re-executes a failed run from failure', async () => {
    const queued = await post('/api/jobs/ingest_job/launch', {});
    const canceled = await post(`/api/runs/${queued.body.run.runId}/cancel`);
    expect(canceled.status).toBe(200);
    expect(canceled.body.run.status).toBe('CANCELED');
    const failed = await launchAndRun({ ops: { flaky_index: { config: { fail: true } } } });
    const re = await post(`/api/runs/${failed}/reexecute`, { fromFailure: true });
    expect(re.status).toBe(201);
    expect(re.body.run.parentRunId).toBe(failed);
    const notDone = await post(`/api/runs/${re.body.run.runId}/reexecute`, {});
    expect(notDone.status).toBe(409);
  });

  it('cancelling a finished run is a conflict (409) and leaves the run as it was', async () => {
    const done = await launchAndRun();
    const refused = await post(`/api/runs/${done}/cancel`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/already finished with SUCCESS; there is nothing to cancel/);
    expect((await get(`/api/runs/${done}`)).body.run.status).toBe('SUCCESS');
  });

  it('counts runs by status', async () => {
    const { body } = await get('/api/runs/counts?since=0');
    expect(body.counts.SUCCESS).toBeGreaterThan(0);
  });
});

describe('assets', () => {
  it('lists the catalog with groups and statuses, and the graph', async () => {
    const { body } = await get('/api/assets');
    expect(body.groups).toEqual(['ingestion', 'processing']);
    const source = body.assets.find((a: any) => a.key === 'source_urls');
    expect(source.status).toBe('MATERIALIZED');
    expect(source.latestMaterialization.metadata.url_count.value).toBe(3);
    const graph = await get('/api/asset-graph');
    expect(graph.body.edges).toContainEqual({ source: 'source_urls', target: 'audio_files' });
    expect(graph.body.nodes).toHaveLength(3);
  });

  it('an asset called `graph` (or `materialize`) has its own page; the lineage graph does not take its place', async () => {
    const own = await createFixture(
      new Definitions({
        assets: [
          defineAsset({ key: 'graph', compute: () => 1 }),
          defineAsset({ key: 'materialize', deps: ['graph'], compute: () => 2 }),
        ],
      }),
    );
    try {
      const a = createApp({
        instance: own.instance,
        auth: { tokens: [] },
        logger: silentLogger,
        contractCheck: true,
      });
      const detail = await a.request('/api/assets/graph');
      expect(detail.status).toBe(200);
      expect(((await detail.json()) as any).asset.key).toBe('graph');
      const other = await a.request('/api/assets/materialize');
      expect(((await other.json()) as any).downstream).toEqual([]);
      const graph = (await (await a.request('/api/asset-graph')).json()) as any;
      expect(graph.edges).toEqual([{ source: 'graph', target: 'materialize' }]);
    } finally {
      await own.close();
    }
  });

  it('shows history and partition status; materializes a selection', async () => {
    const detail = await get('/api/assets/audio_files');
    expect(detail.status).toBe(200);
    expect(detail.body.materializations.length).toBeGreaterThan(0);
    expect(detail.body.partitions.find((p: any) => p.partitionKey === 'vid1').status).toBe('MATERIALIZED');
    expect(detail.body.downstream).toEqual(['flaky_index']);
    const mat = await post('/api/assets/materialize', { selection: ['source_urls'] });
    expect(mat.status).toBe(201);
    expect(mat.body.run.stepSelection).toEqual(['source_urls']);
    const unknown = await post('/api/assets/materialize', { selection: ['nope'] });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toContain('nope');
    expect((await get('/api/assets/nope')).status).toBe(404);
  });
});

describe('sensors and schedules', () => {
  it('lists, toggles, evaluates and shows ticks', async () => {
    const list = await get('/api/sensors');
    expect(list.body.sensors[0]).toMatchObject({
      name: 'test_sensor',
      status: 'STOPPED',
      minimumIntervalSeconds: 30,
    });
    const started = await post('/api/sensors/test_sensor/start');
    expect(started.body.sensor.status).toBe('RUNNING');
    const tick = await post('/api/sensors/test_sensor/evaluate');
    expect(tick.body.tick.status).toBe('SKIPPED');
    const ticks = await get('/api/sensors/test_sensor/ticks');
    expect(ticks.body.ticks[0].skipReason).toBe('nothing new');
    const stopped = await post('/api/sensors/test_sensor/stop');
    expect(stopped.body.sensor.status).toBe('STOPPED');
    const schedules = await get('/api/schedules');
    expect(schedules.body.schedules[0]).toMatchObject({ name: 'nightly', cron: '0 3 * * *' });
    const runNow = await post('/api/schedules/nightly/evaluate');
    expect(runNow.status).toBe(201);
    expect(runNow.body.run.origin).toBe('schedule:nightly');
    expect((await post('/api/sensors/nope/start')).status).toBe(404);
  });
});

describe('system', () => {
  it('health, readiness (no daemon → 503), daemon health, overview', async () => {
    expect((await get('/healthz')).body).toEqual({ ok: true });
    const notReady = await get('/readyz');
    expect(notReady.status).toBe(503);
    expect(notReady.body.database).toBe('ok');
    await fx.storage.daemon.heartbeat({
      daemonId: 'd1',
      daemonType: 'daemon',
      timestamp: Date.now(),
      info: {},
    });
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    const daemon = await get('/api/daemon');
    expect(daemon.body.healthy).toBe(true);
    const overview = await get('/api/overview');
    expect(overview.body.runsLast24h.SUCCESS).toBeGreaterThan(0);
    expect(overview.body.queueDepth).toBeGreaterThan(0);
    expect(overview.body.recentFailures.length).toBeGreaterThan(0);
  });

  it('serves an OpenAPI document naming every operation with its request schema', async () => {
    const { body } = await get('/api/openapi.json');
    expect(body.openapi).toBe('3.1.0');
    expect(
      body.paths['/api/jobs/{name}/launch'].post.requestBody.content['application/json'].schema.properties,
    ).toHaveProperty('runConfigYaml');
    expect(Object.keys(body.paths).length).toBeGreaterThan(30);
  });

  it('explains missing RAG service and metrics with 503', async () => {
    const r = await get('/api/library/videos');
    expect(r.status).toBe(503);
    expect(r.body.error.message).toContain('RAG service');
    expect((await get('/api/metrics/latest')).status).toBe(503);
  });
});

describe('bad input', () => {
  it('malformed JSON, wrong types, unknown fields, over-long strings, wrong content type', async () => {
    const malformed = await post('/api/jobs/ingest_job/launch', '{"runConfig": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toMatch(/Malformed JSON/);
    const wrongType = await post('/api/jobs/ingest_job/launch', { priority: 'high' });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.issues[0].path).toBe('priority');
    const unknownField = await post('/api/jobs/ingest_job/launch', { runconfig: {} });
    expect(unknownField.status).toBe(400);
    const long = await post('/api/assets/materialize', { selection: ['x'.repeat(400)] });
    expect(long.status).toBe(400);
    expect(long.body.error.message).toContain('at most 300');
    const res = await app.request('/api/jobs/ingest_job/launch', { method: 'POST', body: '{}' });
    expect(res.status).toBe(415);
  });

  it('unknown ids and routes are 404 with hints; no stack traces', async () => {
    const run = await get('/api/runs/does-not-exist');
    expect(run.status).toBe(404);
    expect(run.body.error.message).toContain('GET /api/runs');
    const job = await post('/api/jobs/nope/launch', {});
    expect(job.status).toBe(404);
    expect(job.body.error.message).toContain('ingest_job');
    const route = await get('/api/nothing-here');
    expect(route.status).toBe(404);
    const cursor = await get('/api/runs?cursor=zzz');
    expect(cursor.status).toBe(400);
    const limit = await get('/api/runs?limit=100000');
    expect(limit.status).toBe(400);
    expect(JSON.stringify([run.body, job.body, route.body])).not.toMatch(/at .*\.ts:\d+/);
  });

  it('turns unexpected errors into a 500 with a reference, never a stack', async () => {
    const broken = createApp({
      instance: {
        ...fx.instance,
        storage: {
          ...fx.storage,
          runs: {
            ...fx.storage.runs,
            listRuns: async () => {
              throw new Error('secret db detail');
            },
          },
        },
      } as any,
      auth: { tokens: [] },
      logger: silentLogger,
    });
    const res = await broken.request('/api/runs');
    const body = (await res.json()) as any;
    expect(res.status).toBe(500);
    expect(body.error.message).toMatch(/reference/);
    expect(JSON.stringify(body)).not.toContain('secret db detail');
  });
});

describe('api log', () => {
  it('records method, path, status and duration, with secrets redacted', async () => {
    await app.request('/api/runs?limit=1&token=hunter2');
    await new Promise((r) => setTimeout(r, 10));
    const entry = logged.find((e) => e.path === '/api/runs?limit=1&token=***')!;
    expect(entry).toMatchObject({ method: 'GET', status: 200 });
    expect(entry.path).toBe('/api/runs?limit=1&token=***');
    expect(entry.durationMs).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(logged)).not.toContain('hunter2');
  });
});
