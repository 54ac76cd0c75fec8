import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineAsset, defineJob, defineOp, z } from '../src/definitions/define.ts';
import { ASSET_JOB_NAME, Definitions } from '../src/definitions/definitions.ts';
import type { AssetDefinition } from '../src/definitions/types.ts';
import { InvalidInputError, NonRetriableError, NotFoundError, RetryAfterError } from '../src/errors.ts';
import { type ExecuteRunDeps, executeRun } from '../src/execution/executor.ts';
import { runProcess } from '../src/execution/process.ts';
import type { NewRun, RunEvent } from '../src/runs/types.ts';
import { type TempStorage, tempPostgresStorage, tempSqliteStorage } from './helpers/db.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sleeps `ms` but rejects as soon as the signal aborts, as well-behaved user code does. */
function abortableWait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      reject(signal.reason);
    });
  });
}

let db: TempStorage;
beforeAll(async () => {
  db = await tempSqliteStorage();
});
afterAll(async () => {
  await db?.cleanup();
});

async function run(defs: Definitions, input: NewRun, extra: Partial<ExecuteRunDeps> = {}) {
  const { run: created } = await db.storage.runs.createRun(input, Date.now());
  const ended = await executeRun(created.runId, {
    storage: db.storage,
    definitions: defs,
    workerId: 'w1',
    ...extra,
  });
  const events = await db.storage.events.listEvents(created.runId);
  return { run: ended, events };
}

const types = (events: RunEvent[], stepKey?: string) =>
  events.filter((e) => stepKey === undefined || e.stepKey === stepKey).map((e) => e.type);

describe('executeRun: ordering, parallelism, inputs', () => {
  const spans = new Map<string, { start: number; end: number }>();
  const timed = (key: string, deps: string[], ms: number, value: unknown): AssetDefinition =>
    defineAsset({
      key,
      deps,
      compute: async (ctx) => {
        const start = Date.now();
        await sleep(ms);
        spans.set(key, { start, end: Date.now() });
        return { value, inputs: ctx.inputs };
      },
    });
  const assets = [
    timed('a', [], 10, 'A'),
    timed('b', ['a'], 200, 'B'),
    timed('c', ['a'], 200, 'C'),
    timed('d', ['b', 'c'], 10, 'D'),
  ];
  const defs = new Definitions({
    assets,
    jobs: [
      defineJob({ name: 'diamond', selection: '*' }),
      defineJob({ name: 'diamond_serial', selection: '*', maxConcurrentSteps: 1 }),
    ],
  });

  it('runs independent steps in parallel, in dependency order, passing upstream values', async () => {
    const { run: r, events } = await run(defs, { jobName: 'diamond' });
    expect(r.status).toBe('SUCCESS');
    expect(r.workerId).toBe('w1');
    expect(r.startedAt).not.toBeNull();
    expect(r.endedAt).not.toBeNull();
    const a = spans.get('a')!;
    const b = spans.get('b')!;
    const c = spans.get('c')!;
    const d = spans.get('d')!;
    expect(b.start).toBeGreaterThanOrEqual(a.end);
    expect(c.start).toBeGreaterThanOrEqual(a.end);
    // b and c overlap: each takes 200 ms and they ran side by side.
    expect(Math.min(b.end, c.end) - Math.max(b.start, c.start)).toBeGreaterThan(100);
    expect(d.start).toBeGreaterThanOrEqual(Math.max(b.end, c.end));
    expect(types(events)[0]).toBe('RUN_ENQUEUED');
    expect(types(events)[1]).toBe('RUN_START');
    expect(types(events).at(-1)).toBe('RUN_SUCCESS');
    expect(types(events, 'd')).toEqual(['STEP_START', 'STEP_SUCCESS', 'ASSET_MATERIALIZATION']);
    const success = events.find((e) => e.type === 'STEP_SUCCESS' && e.stepKey === 'b')!;
    expect(success.data!.durationMs).toBeGreaterThanOrEqual(190);
    // ~10 + 200 + 10 ms: b and c did not run one after the other (that would be 420 ms).
    expect(events.at(-1)!.data!.durationMs).toBeGreaterThanOrEqual(210);
    expect(events.at(-1)!.data!.durationMs).toBeLessThan(400);
  });

  it('passes upstream return values as ctx.inputs', async () => {
    let seen: unknown;
    const defs2 = new Definitions({
      assets: [
        defineAsset({ key: 'x', compute: () => ({ n: 1 }) }),
        defineAsset({ key: 'y', compute: () => 'why' }),
        defineAsset({ key: 'z', deps: ['x', 'y'], compute: (ctx) => (seen = ctx.inputs) }),
      ],
      jobs: [defineJob({ name: 'j', selection: '*' })],
    });
    const { run: r } = await run(defs2, { jobName: 'j' });
    expect(r.status).toBe('SUCCESS');
    expect(seen).toEqual({ x: { n: 1 }, y: 'why' });
  });

  it('respects maxConcurrentSteps', async () => {
    spans.clear();
    const { run: r } = await run(defs, { jobName: 'diamond_serial' });
    expect(r.status).toBe('SUCCESS');
    const b = spans.get('b')!;
    const c = spans.get('c')!;
    expect(Math.min(b.end, c.end) - Math.max(b.start, c.start)).toBeLessThanOrEqual(0);
  });

  it('re-executes only the selected steps; upstream steps outside the selection give no inputs', async () => {
    spans.clear();
    const { run: first } = await run(defs, { jobName: 'diamond' });
    spans.clear();
    const { run: r, events } = await run(defs, {
      jobName: 'diamond',
      parentRunId: first.runId,
      rootRunId: first.runId,
      stepSelection: ['c', 'd'],
    });
    expect(r.status).toBe('SUCCESS');
    expect([...spans.keys()].sort()).toEqual(['c', 'd']);
    const startedSteps = events.filter((e) => e.type === 'STEP_START').map((e) => e.stepKey);
    expect(startedSteps).toEqual(['c', 'd']);
  });

  it('does nothing when the run is no longer QUEUED/STARTING', async () => {
    const { run: created } = await db.storage.runs.createRun({ jobName: 'diamond' }, Date.now());
    await db.storage.runs.transitionRun(created.runId, ['QUEUED'], 'CANCELED', Date.now());
    spans.clear();
    const r = await executeRun(created.runId, { storage: db.storage, definitions: defs, workerId: 'w2' });
    expect(r.status).toBe('CANCELED');
    expect(spans.size).toBe(0);
    expect(types(await db.storage.events.listEvents(created.runId))).toEqual(['RUN_ENQUEUED']);
  });
});

describe('executeRun: config, failures and retries', () => {
  it('gives each step its validated config and fails the run on invalid config', async () => {
    let got: unknown;
    const defs = new Definitions({
      assets: [
        defineAsset({
          key: 'cfg',
          config: z.object({ urls: z.array(z.string()), language: z.string().default('auto') }),
          compute: (ctx) => (got = ctx.config),
        }),
      ],
      jobs: [defineJob({ name: 'cfg_job', selection: 'cfg' })],
    });
    const ok = await run(defs, {
      jobName: 'cfg_job',
      runConfig: { ops: { cfg: { config: { urls: ['u'] } } } },
    });
    expect(ok.run.status).toBe('SUCCESS');
    expect(got).toEqual({ urls: ['u'], language: 'auto' });
    const bad = await run(defs, {
      jobName: 'cfg_job',
      runConfig: { ops: { cfg: { config: { urls: [1] } } } },
    });
    expect(bad.run.status).toBe('FAILURE');
    expect(bad.run.error!.message).toContain('ops.cfg.config.urls[0]: expected string, got number');
    expect(types(bad.events)).not.toContain('STEP_START');
  });

  it('retries with exponential backoff and then succeeds', async () => {
    const attempts: number[] = [];
    const defs = new Definitions({
      assets: [
        defineAsset({
          key: 'flaky',
          retry: { maxRetries: 3, delaySeconds: 0.05, backoff: 'exponential' },
          compute: (ctx) => {
            attempts.push(Date.now());
            if (ctx.attempt < 3) throw new Error(`boom ${ctx.attempt}`);
            return 'ok';
          },
        }),
      ],
      jobs: [defineJob({ name: 'flaky_job', selection: 'flaky' })],
    });
    const { run: r, events } = await run(defs, { jobName: 'flaky_job' });
    expect(r.status).toBe('SUCCESS');
    expect(attempts).toHaveLength(3);
    const retries = events.filter((e) => e.type === 'STEP_RETRY');
    expect(retries.map((e) => [e.data!.attempt, e.data!.delayMs])).toEqual([
      [1, 50],
      [2, 100],
    ]);
    expect(retries[0]!.message).toContain('boom 1');
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(45);
    expect(attempts[2]! - attempts[1]!).toBeGreaterThanOrEqual(95);
    expect(types(events, 'flaky')).toEqual([
      'STEP_START',
      'STEP_RETRY',
      'STEP_START',
      'STEP_RETRY',
      'STEP_START',
      'STEP_SUCCESS',
      'ASSET_MATERIALIZATION',
    ]);
  });

  it('never retries invalid input either (same input, same failure), but does retry other errors', async () => {
    const calls = { invalid: 0, flaky: 0 };
    const defs = new Definitions({
      assets: [
        defineAsset({
          key: 'bad_captions',
          retry: { maxRetries: 3, delaySeconds: 0 },
          compute: () => {
            calls.invalid++;
            throw new InvalidInputError('The captions file has no WEBVTT header.');
          },
        }),
        defineAsset({
          key: 'flaky',
          retry: { maxRetries: 2, delaySeconds: 0 },
          compute: () => {
            calls.flaky++;
            throw new NotFoundError('not there yet');
          },
        }),
      ],
      jobs: [defineJob({ name: 'ii_job', selection: '*' })],
    });
    const { run: r } = await run(defs, { jobName: 'ii_job' });
    expect(r.status).toBe('FAILURE');
    expect(calls).toEqual({ invalid: 1, flaky: 3 });
  });

  it('never retries NonRetriableError, skips downstream and keeps the cause chain', async () => {
    let calls = 0;
    const defs = new Definitions({
      assets: [
        defineAsset({
          key: 'bad_url',
          retry: { maxRetries: 5, delaySeconds: 0 },
          compute: () => {
            calls++;
            throw new NonRetriableError('private video', { cause: new Error('HTTP 403 from youtube') });
          },
        }),
        defineAsset({ key: 'after', deps: ['bad_url'], compute: () => 1 }),
        defineAsset({ key: 'after_after', deps: ['after'], compute: () => 1 }),
      ],
      jobs: [defineJob({ name: 'nr_job', selection: '*' })],
    });
    const { run: r, events } = await run(defs, { jobName: 'nr_job' });
    expect(r.status).toBe('FAILURE');
    expect(calls).toBe(1);
    expect(types(events)).not.toContain('STEP_RETRY');
    expect(types(events, 'after')).toEqual(['STEP_SKIPPED']);
    expect(types(events, 'after_after')).toEqual(['STEP_SKIPPED']);
    const failure = events.find((e) => e.type === 'STEP_FAILURE')!;
    const error = failure.data!.error as {
      message: string;
      cause: { className: string; stack: string; cause: { message: string } };
    };
    expect(error.message).toContain("asset 'bad_url'");
    // The user's own stack survives inside the cause chain.
    expect(error.cause.stack).toContain('execution.test.ts');
    expect(error.cause.className).toBe('NonRetriableError');
    expect(error.cause.cause.message).toBe('HTTP 403 from youtube');
    expect(r.error!.message).toContain('private video');
    expect(events.at(-1)!.type).toBe('RUN_FAILURE');
    expect(events.at(-1)!.message).toContain("'bad_url'");
  });

  it('waits at least RetryAfterError.afterMs', async () => {
    const times: number[] = [];
    const defs = new Definitions({
      assets: [
        defineAsset({
          key: 'rate_limited',
          retry: { maxRetries: 1, delaySeconds: 0 },
          compute: (ctx) => {
            times.push(Date.now());
            if (ctx.attempt === 1) throw new RetryAfterError('429 Too Many Requests', 250);
          },
        }),
      ],
      jobs: [defineJob({ name: 'ra_job', selection: '*' })],
    });
    const { run: r } = await run(defs, { jobName: 'ra_job' });
    expect(r.status).toBe('SUCCESS');
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(245);
  });
});

describe('executeRun: materializations and logs', () => {
  it('records materializations with metadata, per partition, and LOG events', async () => {
    const defs = new Definitions({
      assets: [
        defineAsset({
          key: 'videos',
          partitions: { kind: 'dynamic', name: 'videos' },
          compute: (ctx) => {
            ctx.log.info('downloading', { partition: ctx.partitionKey });
            ctx.addMetadata({
              segments: 12,
              ratio: 0.5,
              title: 'Hello',
              cached: false,
              link: { type: 'url', value: 'https://youtu.be/abc' },
            });
            ctx.reportMaterialization({ partitionKey: 'other', metadata: { segments: 3 } });
          },
        }),
      ],
      jobs: [
        defineJob({
          name: 'm_job',
          selection: 'videos',
          ops: [defineOp({ key: 'plain_op', compute: () => 1 })],
        }),
      ],
    });
    const { run: r, events } = await run(defs, { jobName: 'm_job', partitionKey: 'abc' });
    expect(r.status).toBe('SUCCESS');
    const log = events.find((e) => e.type === 'LOG')!;
    expect(log).toMatchObject({
      level: 'info',
      stepKey: 'videos',
      message: 'downloading',
      data: { partition: 'abc' },
    });
    expect(types(events, 'plain_op')).toEqual(['STEP_START', 'STEP_SUCCESS']);
    const abc = await db.storage.events.listMaterializations('videos', { partitionKey: 'abc' });
    expect(abc).toHaveLength(1);
    expect(abc[0]!.runId).toBe(r.runId);
    expect(abc[0]!.metadata).toEqual({
      segments: { type: 'int', value: 12 },
      ratio: { type: 'float', value: 0.5 },
      title: { type: 'text', value: 'Hello' },
      cached: { type: 'bool', value: false },
      link: { type: 'url', value: 'https://youtu.be/abc' },
    });
    const other = await db.storage.events.listMaterializations('videos', { partitionKey: 'other' });
    expect(other[0]!.metadata).toEqual({ segments: { type: 'int', value: 3 } });
    const all = await db.storage.events.listMaterializations('videos');
    expect(all).toHaveLength(2);
    // Ad-hoc asset runs materialize too.
    const adhoc = await run(defs, {
      jobName: ASSET_JOB_NAME,
      stepSelection: ['videos'],
      partitionKey: 'xyz',
    });
    expect(adhoc.run.status).toBe('SUCCESS');
    expect((await db.storage.events.latestByPartition('videos')).get('xyz')!.runId).toBe(adhoc.run.runId);
  });
});

function alive(pid: number): boolean {
  try {
    // A killed-but-unreaped zombie still answers kill(0); it is not running anything.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function waitFor(cond: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await cond()) return true;
    await sleep(25);
  }
  return cond();
}

describe('executeRun: cancellation and timeout', () => {
  it('a cancel from another process (CANCELING in storage) kills a step blocked on a child process', async () => {
    const pids: number[] = [];
    const defs = new Definitions({
      assets: [
        defineAsset({
          key: 'blocked',
          compute: async (ctx) => {
            // The shell starts `sleep 30` as a grandchild: the whole group must die.
            await runProcess('sh', ['-c', 'sleep 30 & echo $!; wait'], {
              signal: ctx.signal,
              onStdoutLine: (l) => pids.push(Number(l)),
            });
          },
        }),
        defineAsset({ key: 'never', deps: ['blocked'], compute: () => 1 }),
      ],
      jobs: [defineJob({ name: 'cancel_job', selection: '*' })],
    });
    const { run: created } = await db.storage.runs.createRun({ jobName: 'cancel_job' }, Date.now());
    const peer = await db.openPeer();
    const done = executeRun(created.runId, {
      storage: db.storage,
      definitions: defs,
      workerId: 'w1',
      cancelPollMs: 100,
    });
    expect(await waitFor(() => pids.length === 1, 5000)).toBe(true);
    expect(alive(pids[0]!)).toBe(true);
    const t0 = Date.now();
    expect(await peer.runs.transitionRun(created.runId, ['STARTED'], 'CANCELING', Date.now())).toBeDefined();
    const ended = await done;
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(ended.status).toBe('CANCELED');
    expect(await waitFor(() => !alive(pids[0]!), 2000)).toBe(true);
    const events = await db.storage.events.listEvents(created.runId);
    expect(types(events, 'blocked')).toEqual(['STEP_START', 'STEP_FAILURE']);
    expect(types(events, 'never')).toEqual([]);
    expect(events.at(-1)).toMatchObject({ type: 'RUN_CANCELED' });
  });

  it("aborting the caller's signal cancels; code ignoring the signal is abandoned after the grace period", async () => {
    const defs = new Definitions({
      assets: [defineAsset({ key: 'stubborn', compute: () => sleep(3000) })],
      jobs: [defineJob({ name: 'stubborn_job', selection: '*' })],
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('user pressed stop')), 100);
    const t0 = Date.now();
    const { run: r, events } = await run(
      defs,
      { jobName: 'stubborn_job' },
      { signal: controller.signal, abandonGraceMs: 200 },
    );
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(r.status).toBe('CANCELED');
    expect(events.at(-1)!.message).toContain('user pressed stop');
  });

  it('fails a run that exceeds its timeout with a clear error', async () => {
    const defs = new Definitions({
      assets: [defineAsset({ key: 'slow', compute: (ctx) => abortableWait(5000, ctx.signal) })],
      jobs: [defineJob({ name: 'slow_job', selection: '*' })],
    });
    const t0 = Date.now();
    const { run: r, events } = await run(defs, { jobName: 'slow_job' }, { runTimeoutMs: 300 });
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(r.status).toBe('FAILURE');
    expect(r.error!.message).toContain('timed out after 0.3 s');
    expect(r.error!.className).toBe('RunTimeoutError');
    expect(events.at(-1)!.type).toBe('RUN_FAILURE');
  });

  it('uses the job timeout over the instance default', async () => {
    const defs = new Definitions({
      assets: [defineAsset({ key: 'slow2', compute: (ctx) => abortableWait(5000, ctx.signal) })],
      jobs: [defineJob({ name: 'slow2_job', selection: '*', timeoutSeconds: 0.2 })],
    });
    const { run: r } = await run(defs, { jobName: 'slow2_job' }, { runTimeoutMs: 60_000 });
    expect(r.error!.message).toContain('timed out after 0.2 s');
  });
});

describe('executeRun on PostgreSQL', () => {
  it('runs, retries, materializes and sees a cancel written by another connection', async () => {
    const pg = await tempPostgresStorage();
    try {
      const defs = new Definitions({
        assets: [
          defineAsset({
            key: 'pg_flaky',
            retry: { maxRetries: 1, delaySeconds: 0.01 },
            compute: (ctx) => {
              if (ctx.attempt === 1) throw new Error('first attempt fails');
              ctx.addMetadata({ rows: 3 });
            },
          }),
          defineAsset({ key: 'pg_wait', compute: (ctx) => abortableWait(10_000, ctx.signal) }),
        ],
        jobs: [
          defineJob({ name: 'pg_job', selection: 'pg_flaky' }),
          defineJob({ name: 'pg_wait_job', selection: 'pg_wait' }),
        ],
      });
      const deps = { storage: pg.storage, definitions: defs, workerId: 'pg-w', cancelPollMs: 100 };
      const { run: created } = await pg.storage.runs.createRun(
        { jobName: 'pg_job', partitionKey: 'p1' },
        Date.now(),
      );
      const ended = await executeRun(created.runId, deps);
      expect(ended.status).toBe('SUCCESS');
      const events = await pg.storage.events.listEvents(created.runId);
      expect(types(events, 'pg_flaky')).toEqual([
        'STEP_START',
        'STEP_RETRY',
        'STEP_START',
        'STEP_SUCCESS',
        'ASSET_MATERIALIZATION',
      ]);
      const m = await pg.storage.events.listMaterializations('pg_flaky', { partitionKey: 'p1' });
      expect(m[0]!.metadata).toEqual({ rows: { type: 'int', value: 3 } });

      const { run: waiting } = await pg.storage.runs.createRun({ jobName: 'pg_wait_job' }, Date.now());
      const peer = await pg.openPeer();
      const done = executeRun(waiting.runId, deps);
      await waitFor(async () => (await peer.runs.getRun(waiting.runId))!.status === 'STARTED', 5000);
      await peer.runs.transitionRun(waiting.runId, ['STARTED'], 'CANCELING', Date.now());
      expect((await done).status).toBe('CANCELED');
    } finally {
      await pg.cleanup();
    }
  });
});
