/*
 * The one contract every Storage implementation must pass. Each dialect's test file calls
 * `storageContract(name, harness)`; nothing here knows which database is underneath.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OrchestratorError } from '../src/errors.ts';
import type { NewRunEvent, RunStatus } from '../src/runs/types.ts';
import type { Storage } from '../src/storage/types.ts';

export interface StorageContractHarness {
  /** Before each test: an empty, migrated storage, and a way to open a second connection to it. */
  setup(): Promise<{ storage: Storage; openPeer(): Promise<Storage> }>;
  /** After each test. */
  teardown(): Promise<void>;
  /** After the whole file. */
  finish?(): Promise<void>;
}

export function storageContract(name: string, harness: StorageContractHarness): void {
  describe(`Storage contract: ${name}`, () => {
    let s: Storage;
    let openPeer: () => Promise<Storage>;
    beforeEach(async () => {
      ({ storage: s, openPeer } = await harness.setup());
    });
    afterEach(() => harness.teardown());
    afterAll(() => harness.finish?.());

    const ev = (runId: string, i: number, over: Partial<NewRunEvent> = {}): NewRunEvent => ({
      runId,
      timestamp: 1000 + i,
      type: 'LOG',
      level: 'info',
      stepKey: null,
      message: `line ${i}`,
      data: null,
      ...over,
    });

    describe('migrate', () => {
      it('is idempotent', async () => {
        await s.migrate();
        await s.migrate();
        expect(await s.runs.listRuns()).toEqual([]);
      });
    });

    describe('runs', () => {
      it('creates a QUEUED run with every field, its tags and a RUN_ENQUEUED event', async () => {
        const { run, created } = await s.runs.createRun(
          {
            runId: 'r1',
            jobName: 'ingest',
            runConfig: { ops: { a: { config: { x: 1 } } } },
            tags: { team: 'a', asr: 'true' },
            priority: 3,
            runKey: 'video:1',
            partitionKey: 'p1',
            stepSelection: ['a', 'b'],
            parentRunId: 'r0',
            rootRunId: 'r0',
            origin: 'sensor:s',
          },
          5000,
        );
        expect(created).toBe(true);
        expect(run).toEqual({
          runId: 'r1',
          jobName: 'ingest',
          status: 'QUEUED',
          runConfig: { ops: { a: { config: { x: 1 } } } },
          tags: { team: 'a', asr: 'true' },
          priority: 3,
          runKey: 'video:1',
          partitionKey: 'p1',
          stepSelection: ['a', 'b'],
          parentRunId: 'r0',
          rootRunId: 'r0',
          origin: 'sensor:s',
          workerId: null,
          attempt: 1,
          createdAt: 5000,
          updatedAt: 5000,
          startedAt: null,
          endedAt: null,
          error: null,
        });
        expect(await s.runs.getRun('r1')).toEqual(run);
        const events = await s.events.listEvents('r1');
        expect(events.map((e) => [e.type, e.timestamp])).toEqual([['RUN_ENQUEUED', 5000]]);
      });

      it('fills defaults and generates distinct run ids', async () => {
        const a = await s.runs.createRun({ jobName: 'j' }, 1);
        const b = await s.runs.createRun({ jobName: 'j' }, 1);
        expect(a.run.runId).not.toBe(b.run.runId);
        expect(a.run).toMatchObject({
          priority: 0,
          runKey: null,
          tags: {},
          runConfig: {},
          stepSelection: null,
        });
        expect(await s.runs.getRun('missing')).toBeUndefined();
      });

      it('getRunStatuses: the status of each given run that exists', async () => {
        const a = await s.runs.createRun({ jobName: 'j' }, 1);
        const b = await s.runs.createRun({ jobName: 'j' }, 2);
        await s.runs.transitionRun(b.run.runId, ['QUEUED'], 'CANCELED', 3);
        const statuses = await s.runs.getRunStatuses([a.run.runId, b.run.runId, 'missing']);
        expect([...statuses].sort()).toEqual(
          [
            [a.run.runId, 'QUEUED'],
            [b.run.runId, 'CANCELED'],
          ].sort(),
        );
        expect((await s.runs.getRunStatuses([])).size).toBe(0);
      });

      it('dedupes on runKey: returns the existing run, never throws, writes nothing', async () => {
        const first = await s.runs.createRun({ jobName: 'j', runKey: 'k', tags: { a: '1' } }, 1);
        const eventsBefore = await s.events.maxEventId();
        const second = await s.runs.createRun({ jobName: 'other', runKey: 'k', tags: { b: '2' } }, 2);
        expect(second.created).toBe(false);
        expect(second.run).toEqual(first.run);
        expect(await s.runs.countRuns()).toBe(1);
        expect(await s.runs.countRuns({ tags: { b: '2' } })).toBe(0);
        expect(await s.events.maxEventId()).toBe(eventsBefore);
      });

      it('dedupes on runKey across concurrent creators in two connections', async () => {
        const peer = await openPeer();
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            (i % 2 ? peer : s).runs.createRun({ jobName: 'j', runKey: 'race' }, i),
          ),
        );
        expect(results.filter((r) => r.created)).toHaveLength(1);
        expect(new Set(results.map((r) => r.run.runId)).size).toBe(1);
        expect(await s.runs.countRuns({ runKey: 'race' })).toBe(1);
      });

      it('rejects a duplicate explicit runId with an error naming it', async () => {
        await s.runs.createRun({ runId: 'dup', jobName: 'j' }, 1);
        const err = await s.runs.createRun({ runId: 'dup', jobName: 'j' }, 2).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(OrchestratorError);
        expect((err as Error).message).toContain("'dup'");
        expect(await s.events.countEvents('dup')).toBe(1);
      });

      it('lists newest first with filters on status, job, tags, runKey and createdAfter', async () => {
        await s.runs.createRun({ runId: 'a', jobName: 'j1', tags: { t: 'x', u: '1' } }, 100);
        await s.runs.createRun({ runId: 'b', jobName: 'j2', tags: { t: 'x' }, runKey: 'kb' }, 200);
        await s.runs.createRun({ runId: 'c', jobName: 'j1', tags: { t: 'y', u: '1' } }, 300);
        await s.runs.transitionRun('b', ['QUEUED'], 'STARTING', 400);
        const ids = async (f: Parameters<Storage['runs']['listRuns']>[0]) =>
          (await s.runs.listRuns(f)).map((r) => r.runId);
        expect(await ids({})).toEqual(['c', 'b', 'a']);
        expect(await ids({ statuses: ['QUEUED'] })).toEqual(['c', 'a']);
        expect(await ids({ statuses: ['QUEUED', 'STARTING'] })).toEqual(['c', 'b', 'a']);
        expect(await ids({ statuses: [] })).toEqual([]);
        expect(await ids({ jobName: 'j1' })).toEqual(['c', 'a']);
        expect(await ids({ tags: { t: 'x' } })).toEqual(['b', 'a']);
        expect(await ids({ tags: { t: 'x', u: '1' } })).toEqual(['a']);
        expect(await ids({ tags: { t: 'z' } })).toEqual([]);
        expect(await ids({ runKey: 'kb' })).toEqual(['b']);
        expect(await ids({ createdAfter: 100 })).toEqual(['c', 'b']);
        expect(await ids({ jobName: 'j1', statuses: ['QUEUED'], tags: { u: '1' }, limit: 1 })).toEqual(['c']);
        expect(await s.runs.countRuns({ tags: { u: '1' } })).toBe(2);
        expect(await s.runs.countRuns({ statuses: ['STARTING'] })).toBe(1);
        expect(await s.runs.countRuns({ statuses: ['QUEUED', 'STARTING'] })).toBe(3);
        expect(await s.runs.countRuns({ statuses: [] })).toBe(0);
        expect(await s.runs.listJobNames()).toEqual(['j1', 'j2']);
      });

      it('paginates with beforeRunId without gaps or repeats, ties broken by runId desc', async () => {
        const created: string[] = [];
        for (let i = 0; i < 25; i++) {
          const id = `run-${String(i).padStart(2, '0')}`;
          created.push(id);
          // Several runs share a timestamp to exercise the tie-break.
          await s.runs.createRun(
            { runId: id, jobName: 'j', tags: { even: i % 2 === 0 ? 'yes' : 'no', all: 'x' } },
            1000 + Math.floor(i / 3),
          );
        }
        const paginate = async (filter: { tags?: Record<string, string>; statuses?: RunStatus[] }) => {
          const seen: string[] = [];
          let before: string | undefined;
          for (;;) {
            const page = await s.runs.listRuns({ ...filter, limit: 4, beforeRunId: before });
            if (page.length === 0) break;
            seen.push(...page.map((r) => r.runId));
            before = page.at(-1)!.runId;
          }
          return seen;
        };
        expect(await paginate({})).toEqual([...created].reverse());
        expect(await paginate({ statuses: ['QUEUED'] })).toEqual([...created].reverse());
        const evens = created.filter((_, i) => i % 2 === 0).reverse();
        expect(await paginate({ tags: { even: 'yes' } })).toEqual(evens);
        expect(await paginate({ tags: { even: 'yes', all: 'x' }, statuses: ['QUEUED'] })).toEqual(evens);
        expect(await s.runs.listRuns({ beforeRunId: 'no-such-run' })).toEqual([]);
      });

      it('counts runs by status, optionally since a time', async () => {
        await s.runs.createRun({ runId: 'a', jobName: 'j' }, 10);
        await s.runs.createRun({ runId: 'b', jobName: 'j' }, 20);
        await s.runs.transitionRun('b', ['QUEUED'], 'STARTING', 30);
        const all = await s.runs.countRunsByStatus();
        expect(all).toEqual({
          QUEUED: 1,
          STARTING: 1,
          STARTED: 0,
          SUCCESS: 0,
          FAILURE: 0,
          CANCELING: 0,
          CANCELED: 0,
        });
        expect((await s.runs.countRunsByStatus(15)).QUEUED).toBe(0);
      });

      it('transitions by compare-and-set and applies the patch', async () => {
        await s.runs.createRun({ runId: 'r', jobName: 'j' }, 1);
        expect(await s.runs.transitionRun('r', ['STARTED'], 'SUCCESS', 2)).toBeUndefined();
        expect(await s.runs.transitionRun('r', [], 'STARTING', 2)).toBeUndefined();
        const started = await s.runs.transitionRun('r', ['QUEUED'], 'STARTING', 3, {
          workerId: 'w1',
          startedAt: 3,
        });
        expect(started).toMatchObject({ status: 'STARTING', workerId: 'w1', startedAt: 3, updatedAt: 3 });
        const failed = await s.runs.transitionRun('r', ['STARTING', 'STARTED'], 'FAILURE', 9, {
          endedAt: 9,
          error: { message: 'boom', className: 'Error', cause: { message: 'root', className: 'TypeError' } },
          attempt: 2,
        });
        expect(failed).toMatchObject({ status: 'FAILURE', endedAt: 9, attempt: 2, workerId: 'w1' });
        expect(failed!.error).toEqual({
          message: 'boom',
          className: 'Error',
          cause: { message: 'root', className: 'TypeError' },
        });
        const requeued = await s.runs.transitionRun('r', ['FAILURE'], 'QUEUED', 10, {
          workerId: null,
          error: null,
        });
        expect(requeued).toMatchObject({ workerId: null, error: null });
        expect(await s.runs.transitionRun('missing', ['QUEUED'], 'STARTING', 1)).toBeUndefined();
      });

      it('writes patch.events with the status change, and none when the compare-and-set misses', async () => {
        await s.runs.createRun({ runId: 'r', jobName: 'j' }, 1);
        const events = [
          ev('r', 1, { type: 'STEP_SUCCESS', stepKey: 'a' }),
          ev('r', 2, {
            type: 'ASSET_MATERIALIZATION',
            stepKey: 'a',
            data: { assetKey: 'a', partitionKey: null, metadata: { rows: 3 } },
          }),
        ];
        expect(await s.runs.transitionRun('r', ['STARTED'], 'SUCCESS', 2, { events })).toBeUndefined();
        expect(await s.events.countEvents('r')).toBe(1); // RUN_ENQUEUED only
        const done = await s.runs.transitionRun('r', ['QUEUED'], 'SUCCESS', 3, { endedAt: 3, events });
        expect(done).toMatchObject({ status: 'SUCCESS', endedAt: 3 });
        const stored = await s.events.listEvents('r');
        expect(stored.map((e) => e.type)).toEqual(['RUN_ENQUEUED', 'STEP_SUCCESS', 'ASSET_MATERIALIZATION']);
        expect((await s.events.listMaterializations('a')).map((m) => m.metadata)).toEqual([{ rows: 3 }]);
      });

      it('transitions many runs in one call: only those in `from`, in the order asked, with one event each', async () => {
        for (const id of ['a', 'b', 'c', 'd']) await s.runs.createRun({ runId: id, jobName: 'j' }, 1);
        await s.runs.transitionRun('c', ['QUEUED'], 'CANCELED', 2);
        const moved = await s.runs.transitionRuns(
          ['d', 'c', 'a', 'missing', 'a'],
          ['QUEUED'],
          'STARTING',
          5,
          { workerId: 'w' },
          (r) => ev(r.runId, 5, { type: 'RUN_STARTING', message: `starting ${r.runId}` }),
        );
        expect(moved.map((r) => [r.runId, r.status, r.workerId, r.updatedAt])).toEqual([
          ['d', 'STARTING', 'w', 5],
          ['a', 'STARTING', 'w', 5],
        ]);
        expect((await s.runs.getRun('b'))!.status).toBe('QUEUED');
        expect((await s.runs.getRun('c'))!.status).toBe('CANCELED');
        for (const id of ['a', 'd']) {
          expect((await s.events.listEvents(id, { types: ['RUN_STARTING'] })).map((e) => e.message)).toEqual([
            `starting ${id}`,
          ]);
        }
        expect(await s.events.listEvents('c', { types: ['RUN_STARTING'] })).toEqual([]);
        expect(await s.runs.transitionRuns([], ['QUEUED'], 'STARTING', 6)).toEqual([]);
        expect(await s.runs.transitionRuns(['b'], [], 'STARTING', 6)).toEqual([]);
      });

      it('claims admitted runs as read: only those still in `from` at their attempt, one event each', async () => {
        for (const id of ['a', 'b', 'c', 'd']) await s.runs.createRun({ runId: id, jobName: 'j' }, 1);
        const read = await s.runs.listQueuedRuns(10);
        // Meanwhile: c is canceled, and b is re-queued as a new attempt (its read attempt is stale).
        await s.runs.transitionRun('c', ['QUEUED'], 'CANCELED', 2);
        await s.runs.transitionRun('b', ['QUEUED'], 'STARTING', 2);
        await s.runs.transitionRun('b', ['STARTING'], 'QUEUED', 3, { attempt: 2 });
        const byId = new Map(read.map((r) => [r.runId, r]));
        const moved = await s.runs.claimRuns(
          ['d', 'c', 'b', 'a', 'a'].map((id) => byId.get(id)!),
          ['QUEUED'],
          'STARTING',
          5,
          { workerId: 'w' },
          (r) =>
            ev(r.runId, 5, {
              type: 'RUN_STARTING',
              message: `starting ${r.runId} #${r.attempt} ${r.status}`,
            }),
        );
        expect(moved.map((r) => [r.runId, r.status, r.workerId, r.updatedAt, r.attempt])).toEqual([
          ['d', 'STARTING', 'w', 5, 1],
          ['a', 'STARTING', 'w', 5, 1],
        ]);
        expect((await s.runs.getRun('b'))!).toMatchObject({ status: 'QUEUED', attempt: 2 });
        for (const id of ['a', 'd']) {
          expect((await s.events.listEvents(id, { types: ['RUN_STARTING'] })).map((e) => e.message)).toEqual([
            `starting ${id} #1 STARTING`,
          ]);
        }
        for (const id of ['b', 'c'])
          expect(await s.events.listEvents(id, { types: ['RUN_STARTING'] })).toEqual([]);
        expect(await s.runs.claimRuns([], ['QUEUED'], 'STARTING', 6)).toEqual([]);
      });

      it('moves a run only at the attempt given (ifAttempt), with or without events', async () => {
        await s.runs.createRun({ runId: 'r', jobName: 'j' }, 1);
        await s.runs.transitionRun('r', ['QUEUED'], 'STARTING', 2);
        expect(await s.runs.transitionRun('r', ['STARTING'], 'STARTED', 3, { ifAttempt: 2 })).toBeUndefined();
        const done = ev('r', 4, { type: 'RUN_SUCCESS' });
        expect(
          await s.runs.transitionRun('r', ['STARTING'], 'STARTED', 3, { ifAttempt: 2, events: [done] }),
        ).toBeUndefined();
        expect((await s.runs.getRun('r'))!.status).toBe('STARTING');
        expect(await s.events.listEvents('r', { types: ['RUN_SUCCESS'] })).toEqual([]);
        expect(await s.runs.transitionRun('r', ['STARTING'], 'STARTED', 3, { ifAttempt: 1 })).toMatchObject({
          status: 'STARTED',
        });
      });

      it('keeps every caller its own compare-and-set when many status changes run at once', async () => {
        const ids = Array.from({ length: 40 }, (_, i) => `m${i}`);
        for (const id of ids) await s.runs.createRun({ runId: id, jobName: 'j' }, 1);
        // Each run twice at once (a racing pair): exactly one of each pair wins, events only for winners.
        const results = await Promise.all(
          ids.flatMap((id) =>
            ['A', 'B'].map((w) =>
              s.runs.transitionRun(id, ['QUEUED'], 'STARTED', 2, {
                workerId: w,
                events: [ev(id, 2, { type: 'RUN_START', message: `by ${w}` })],
              }),
            ),
          ),
        );
        for (let i = 0; i < ids.length; i++) {
          const pair = [results[2 * i], results[2 * i + 1]].filter(Boolean);
          expect(pair).toHaveLength(1);
          const stored = await s.events.listEvents(ids[i]!, { types: ['RUN_START'] });
          expect(stored.map((e) => e.message)).toEqual([`by ${pair[0]!.workerId}`]);
        }
      });

      it('keeps each change its own outcome when starts, finishes and cancels of many runs run at once', async () => {
        const ids = Array.from({ length: 30 }, (_, i) => `x${i}`);
        for (const id of ids) {
          await s.runs.createRun({ runId: id, jobName: 'j' }, 1);
          await s.runs.transitionRun(id, ['QUEUED'], 'STARTING', 2);
        }
        const started = ids.slice(0, 20);
        for (const id of started)
          await s.runs.transitionRun(id, ['STARTING'], 'STARTED', 3, { workerId: 'w' });
        const mat = (id: string) =>
          ev(id, 4, {
            type: 'ASSET_MATERIALIZATION',
            data: { assetKey: 'a', partitionKey: id, metadata: {} },
          });
        // At once: 20 finishes (10 of them racing a cancel of the same run), 10 starts at the wrong attempt
        // or the right one, alternately.
        const results = await Promise.all([
          ...started.map((id) =>
            s.runs.transitionRun(id, ['STARTED'], 'SUCCESS', 4, {
              endedAt: 4,
              events: [ev(id, 4, { type: 'STEP_SUCCESS' }), mat(id), ev(id, 4, { type: 'RUN_SUCCESS' })],
            }),
          ),
          ...started
            .slice(0, 10)
            .map((id) => s.runs.transitionRun(id, ['STARTING', 'STARTED'], 'CANCELING', 4)),
          ...ids.slice(20).map((id, i) =>
            s.runs.transitionRun(id, ['STARTING'], 'STARTED', 4, {
              workerId: 'v',
              ifAttempt: i % 2 === 0 ? 1 : 2,
              events: [ev(id, 4, { type: 'RUN_START' })],
            }),
          ),
        ]);
        const finishes = results.slice(0, 20);
        const cancels = results.slice(20, 30);
        const starts = results.slice(30);
        for (let i = 0; i < 20; i++) {
          const id = started[i]!;
          const run = (await s.runs.getRun(id))!;
          const types = (await s.events.listEvents(id)).map((e) => e.type);
          if (i < 10) {
            // Exactly one of the racing pair moved the run; the events went only with a finish that won.
            expect([finishes[i], cancels[i]].filter(Boolean)).toHaveLength(1);
            expect(run.status).toBe(finishes[i] ? 'SUCCESS' : 'CANCELING');
          } else {
            expect(finishes[i]).toMatchObject({ runId: id, status: 'SUCCESS', endedAt: 4 });
          }
          if (finishes[i]) {
            expect(types.slice(-3)).toEqual(['STEP_SUCCESS', 'ASSET_MATERIALIZATION', 'RUN_SUCCESS']);
            expect(
              (await s.events.listMaterializations('a', { partitionKey: id })).map((m) => m.runId),
            ).toEqual([id]);
          } else {
            expect(types).not.toContain('RUN_SUCCESS');
            expect(await s.events.listMaterializations('a', { partitionKey: id })).toEqual([]);
          }
        }
        ids.slice(20).forEach((id, i) => {
          if (i % 2 === 0) expect(starts[i]).toMatchObject({ runId: id, status: 'STARTED', workerId: 'v' });
          else expect(starts[i]).toBeUndefined();
        });
        for (const [i, id] of ids.slice(20).entries()) {
          const types = (await s.events.listEvents(id)).map((e) => e.type);
          expect(types.includes('RUN_START')).toBe(i % 2 === 0);
        }
      });

      it('lets exactly one of two racing connections start a run', async () => {
        const peer = await openPeer();
        for (let i = 0; i < 5; i++) {
          await s.runs.createRun({ runId: `r${i}`, jobName: 'j' }, i);
          const [a, b] = await Promise.all([
            s.runs.transitionRun(`r${i}`, ['QUEUED'], 'STARTING', 10, { workerId: 'A' }),
            peer.runs.transitionRun(`r${i}`, ['QUEUED'], 'STARTING', 10, { workerId: 'B' }),
          ]);
          expect([a, b].filter(Boolean)).toHaveLength(1);
          expect((await s.runs.getRun(`r${i}`))!.workerId).toBe((a ?? b)!.workerId);
        }
      });

      it('lists queued runs by priority desc, then FIFO; and in-progress runs', async () => {
        await s.runs.createRun({ runId: 'low-old', jobName: 'j', priority: 0 }, 1);
        await s.runs.createRun({ runId: 'high-new', jobName: 'j', priority: 5 }, 3);
        await s.runs.createRun({ runId: 'low-new', jobName: 'j', priority: 0 }, 2);
        await s.runs.createRun({ runId: 'neg', jobName: 'j', priority: -1 }, 0);
        await s.runs.createRun({ runId: 'busy', jobName: 'j' }, 0);
        await s.runs.createRun({ runId: 'cancel', jobName: 'j' }, 0);
        await s.runs.transitionRun('busy', ['QUEUED'], 'STARTED', 5);
        await s.runs.transitionRun('cancel', ['QUEUED'], 'CANCELING', 5);
        expect((await s.runs.listQueuedRuns(10)).map((r) => r.runId)).toEqual([
          'high-new',
          'low-old',
          'low-new',
          'neg',
        ]);
        expect((await s.runs.listQueuedRuns(2)).map((r) => r.runId)).toEqual(['high-new', 'low-old']);
        expect((await s.runs.listInProgressRuns()).map((r) => r.runId).sort()).toEqual(['busy', 'cancel']);
      });

      it('deletes terminal runs ended before a time, with their events and tags', async () => {
        const finish = async (id: string, status: RunStatus, endedAt: number) => {
          await s.runs.createRun({ runId: id, jobName: 'j', tags: { k: 'v' } }, 1);
          await s.events.appendEvents([ev(id, 1), ev(id, 2)]);
          await s.runs.transitionRun(id, ['QUEUED'], status, endedAt, { endedAt });
        };
        await finish('old-ok', 'SUCCESS', 100);
        await finish('old-fail', 'FAILURE', 150);
        await finish('new-ok', 'SUCCESS', 900);
        await s.runs.createRun({ runId: 'running', jobName: 'j', tags: { k: 'v' } }, 1);
        await s.runs.transitionRun('running', ['QUEUED'], 'STARTED', 2);
        expect(await s.runs.deleteRunsEndedBefore(500)).toBe(2);
        expect((await s.runs.listRuns()).map((r) => r.runId).sort()).toEqual(['new-ok', 'running']);
        expect(await s.events.countEvents('old-ok')).toBe(0);
        expect(await s.events.countEvents('new-ok')).toBe(3);
        expect(await s.runs.countRuns({ tags: { k: 'v' } })).toBe(2);
        expect(await s.runs.deleteRunsEndedBefore(500)).toBe(0);
      });
    });

    describe('events', () => {
      it('appends a large batch in order with ascending ids', async () => {
        const batch = Array.from({ length: 1500 }, (_, i) => ev('r', i));
        const stored = await s.events.appendEvents(batch);
        expect(stored).toHaveLength(1500);
        expect(stored.map((e) => e.message)).toEqual(batch.map((e) => e.message));
        for (let i = 1; i < stored.length; i++) expect(stored[i]!.id).toBeGreaterThan(stored[i - 1]!.id);
        expect(await s.events.countEvents('r')).toBe(1500);
        expect(await s.events.maxEventId()).toBe(stored.at(-1)!.id);
        expect((await s.events.listEvents('r')).map((e) => e.id)).toEqual(stored.map((e) => e.id));
        expect(await s.events.appendEvents([])).toEqual([]);
      });

      it('writes a batch atomically: a bad event stores none', async () => {
        const bad = { ...ev('r', 2), message: null } as unknown as NewRunEvent;
        await expect(s.events.appendEvents([ev('r', 1), bad])).rejects.toThrow();
        expect(await s.events.countEvents('r')).toBe(0);
      });

      it('filters a run’s events by level, type, step, search, afterId and limit', async () => {
        const stored = await s.events.appendEvents([
          ev('r', 1, { type: 'STEP_START', stepKey: 'a', message: 'Step a started' }),
          ev('r', 2, { level: 'warn', stepKey: 'a', message: 'Disk 100% FULL', data: { pct: 100 } }),
          ev('r', 3, { level: 'error', type: 'STEP_FAILURE', stepKey: 'b', message: 'b failed: 50_percent' }),
          ev('other', 4, { level: 'error', message: 'full of other things' }),
        ]);
        const msgs = async (f: Parameters<Storage['events']['listEvents']>[1]) =>
          (await s.events.listEvents('r', f)).map((e) => e.message);
        expect(await msgs({ levels: ['warn', 'error'] })).toEqual(['Disk 100% FULL', 'b failed: 50_percent']);
        expect(await msgs({ types: ['STEP_START', 'STEP_FAILURE'] })).toEqual([
          'Step a started',
          'b failed: 50_percent',
        ]);
        expect(await msgs({ stepKey: 'a' })).toEqual(['Step a started', 'Disk 100% FULL']);
        expect(await msgs({ search: 'full' })).toEqual(['Disk 100% FULL']);
        expect(await msgs({ search: '0%' })).toEqual(['Disk 100% FULL']);
        expect(await msgs({ search: '0_p' })).toEqual(['b failed: 50_percent']);
        expect(await msgs({ search: '%' })).toEqual(['Disk 100% FULL']);
        expect(await msgs({ afterId: stored[0]!.id, limit: 1 })).toEqual(['Disk 100% FULL']);
        expect(await msgs({ levels: [] })).toEqual([]);
        expect((await s.events.listEvents('r', { stepKey: 'a' }))[1]!.data).toEqual({ pct: 100 });
      });

      it('tails events of all runs after an id, with type filter and limit', async () => {
        expect(await s.events.maxEventId()).toBe(0);
        const stored = await s.events.appendEvents([
          ev('a', 1),
          ev('b', 2, { type: 'RUN_SUCCESS' }),
          ev('a', 3, { type: 'RUN_FAILURE' }),
        ]);
        const after = await s.events.listEventsAfter(stored[0]!.id);
        expect(after.map((e) => e.runId)).toEqual(['b', 'a']);
        expect((await s.events.listEventsAfter(0, { limit: 2 })).map((e) => e.id)).toEqual([
          stored[0]!.id,
          stored[1]!.id,
        ]);
        expect((await s.events.listEventsAfter(0, { types: ['RUN_FAILURE'] })).map((e) => e.id)).toEqual([
          stored[2]!.id,
        ]);
      });

      it('indexes materializations from events and keeps history per partition', async () => {
        const mat = (runId: string, assetKey: string, partitionKey: string | null, t: number, rows: number) =>
          ev(runId, t, {
            type: 'ASSET_MATERIALIZATION',
            stepKey: assetKey,
            message: `Materialized ${assetKey}`,
            data: { assetKey, partitionKey, metadata: { rows: { type: 'int', value: rows } } },
          });
        await s.events.appendEvents([
          mat('r1', 'video', 'v1', 1, 1),
          mat('r1', 'video', 'v2', 2, 2),
          mat('r2', 'video', 'v1', 3, 3),
          mat('r2', 'summary', null, 4, 4),
        ]);
        const added = await s.events.addMaterialization({
          assetKey: 'summary',
          partitionKey: null,
          runId: 'r3',
          timestamp: 5,
          metadata: { note: { type: 'text', value: 'manual' } },
        });
        expect(added).toMatchObject({
          assetKey: 'summary',
          runId: 'r3',
          metadata: { note: { type: 'text', value: 'manual' } },
        });
        const rowsOf = (ms: { metadata: Record<string, { value: unknown }> }[]) =>
          ms.map((m) => m.metadata.rows?.value);
        expect(rowsOf(await s.events.listMaterializations('video'))).toEqual([3, 2, 1]);
        expect(rowsOf(await s.events.listMaterializations('video', { partitionKey: 'v1' }))).toEqual([3, 1]);
        expect(
          (await s.events.listMaterializations('summary', { partitionKey: null })).map((m) => m.runId),
        ).toEqual(['r3', 'r2']);
        const page1 = await s.events.listMaterializations('video', { limit: 2 });
        expect(rowsOf(await s.events.listMaterializations('video', { beforeId: page1[1]!.id }))).toEqual([1]);
        const latest = await s.events.latestMaterializations();
        expect([...latest.keys()].sort()).toEqual(['summary', 'video']);
        expect(latest.get('summary')!.runId).toBe('r3');
        expect(latest.get('video')!.metadata.rows).toEqual({ type: 'int', value: 3 });
        const byPart = await s.events.latestByPartition('video');
        expect([...byPart.keys()].sort()).toEqual(['v1', 'v2']);
        expect(byPart.get('v1')!.runId).toBe('r2');
        expect((await s.events.latestByPartition('summary')).size).toBe(0);
      });

      it('deletes events older than a time', async () => {
        await s.events.appendEvents([ev('r', 1), ev('r', 2), ev('r', 50)]);
        expect(await s.events.deleteEventsBefore(1040)).toBe(2);
        expect((await s.events.listEvents('r')).map((e) => e.timestamp)).toEqual([1050]);
      });
    });

    describe('instigators', () => {
      it('upserts state; unspecified fields keep their value', async () => {
        expect(await s.instigators.getState('s')).toBeUndefined();
        const a = await s.instigators.setState('s', 'sensor', { cursor: 'c1' }, 10);
        expect(a).toEqual({
          name: 's',
          kind: 'sensor',
          status: null,
          cursor: 'c1',
          lastTickAt: null,
          updatedAt: 10,
        });
        await s.instigators.setState('s', 'sensor', { status: 'RUNNING', lastTickAt: 20 }, 20);
        const b = await s.instigators.setState('s', 'sensor', { cursor: null }, 30);
        expect(b).toEqual({
          name: 's',
          kind: 'sensor',
          status: 'RUNNING',
          cursor: null,
          lastTickAt: 20,
          updatedAt: 30,
        });
        await s.instigators.setState('daily', 'schedule', { status: 'STOPPED' }, 40);
        expect((await s.instigators.listStates()).map((x) => x.name)).toEqual(['daily', 's']);
        expect(await s.instigators.getState('s')).toEqual(b);
      });

      it('stores ticks newest first with status filter', async () => {
        const base = {
          kind: 'sensor' as const,
          durationMs: 5,
          runIds: [],
          runKeys: [],
          skipReason: null,
          cursor: null,
          error: null,
        };
        await s.instigators.addTick({
          ...base,
          name: 's',
          status: 'SKIPPED',
          timestamp: 1,
          skipReason: 'nothing new',
        });
        const t2 = await s.instigators.addTick({
          ...base,
          name: 's',
          status: 'SUCCESS',
          timestamp: 2,
          runIds: ['r1'],
          runKeys: ['k1'],
          cursor: 'c',
        });
        await s.instigators.addTick({
          ...base,
          name: 's',
          status: 'FAILURE',
          timestamp: 3,
          error: { message: 'x', className: 'Error' },
        });
        await s.instigators.addTick({ ...base, name: 'other', status: 'SUCCESS', timestamp: 4 });
        expect(t2).toMatchObject({ name: 's', runIds: ['r1'], runKeys: ['k1'], cursor: 'c', durationMs: 5 });
        expect((await s.instigators.listTicks('s')).map((t) => t.timestamp)).toEqual([3, 2, 1]);
        expect((await s.instigators.listTicks('s', { limit: 1 }))[0]!.error).toEqual({
          message: 'x',
          className: 'Error',
        });
        expect(
          (await s.instigators.listTicks('s', { statuses: ['SKIPPED', 'SUCCESS'] })).map((t) => t.status),
        ).toEqual(['SUCCESS', 'SKIPPED']);
      });

      it('prunes ticks to the newest N per instigator and by age', async () => {
        const base = {
          kind: 'schedule' as const,
          durationMs: null,
          runIds: [],
          runKeys: [],
          skipReason: null,
          cursor: null,
          error: null,
        };
        for (let i = 0; i < 10; i++)
          await s.instigators.addTick({ ...base, name: 'a', status: 'SUCCESS', timestamp: 100 + i });
        for (let i = 0; i < 3; i++)
          await s.instigators.addTick({ ...base, name: 'b', status: 'SUCCESS', timestamp: 200 + i });
        expect(await s.instigators.pruneTicks({ keepPerInstigator: 4 })).toBe(6);
        expect((await s.instigators.listTicks('a')).map((t) => t.timestamp)).toEqual([109, 108, 107, 106]);
        expect(await s.instigators.listTicks('b')).toHaveLength(3);
        expect(await s.instigators.pruneTicks({ keepPerInstigator: 4, before: 108 })).toBe(2);
        expect((await s.instigators.listTicks('a')).map((t) => t.timestamp)).toEqual([109, 108]);
        expect(await s.instigators.pruneTicks({ keepPerInstigator: 0 })).toBe(5);
      });
    });

    describe('partitions', () => {
      it('adds keys idempotently, returning only new ones, and deletes', async () => {
        expect(await s.partitions.addPartitions('videos', ['a', 'b', 'a'], 1)).toEqual(['a', 'b']);
        expect(await s.partitions.addPartitions('videos', ['b', 'c'], 2)).toEqual(['c']);
        expect(await s.partitions.addPartitions('other', ['a'], 2)).toEqual(['a']);
        expect(await s.partitions.addPartitions('videos', [], 2)).toEqual([]);
        expect(await s.partitions.listPartitions('videos')).toEqual(['a', 'b', 'c']);
        expect(await s.partitions.deletePartition('videos', 'b')).toBe(true);
        expect(await s.partitions.deletePartition('videos', 'b')).toBe(false);
        expect(await s.partitions.listPartitions('videos')).toEqual(['a', 'c']);
        expect(await s.partitions.listPartitions('nothing')).toEqual([]);
      });
    });

    describe('daemon', () => {
      it('upserts, lists and deletes heartbeats', async () => {
        await s.daemon.heartbeat({ daemonId: 'd1', daemonType: 'daemon', timestamp: 1, info: { pid: 1 } });
        await s.daemon.heartbeat({ daemonId: 'w1', daemonType: 'worker', timestamp: 2, info: {} });
        await s.daemon.heartbeat({ daemonId: 'd1', daemonType: 'daemon', timestamp: 3, info: { pid: 2 } });
        expect(await s.daemon.listHeartbeats()).toEqual([
          { daemonId: 'd1', daemonType: 'daemon', timestamp: 3, info: { pid: 2 } },
          { daemonId: 'w1', daemonType: 'worker', timestamp: 2, info: {} },
        ]);
        await s.daemon.deleteHeartbeat('d1');
        expect((await s.daemon.listHeartbeats()).map((h) => h.daemonId)).toEqual(['w1']);
      });

      it('holds a lease until it expires or is released, then another may take it', async () => {
        expect(await s.daemon.acquireLease('leader', 'A', 1000, 100)).toBe(true);
        expect(await s.daemon.acquireLease('leader', 'B', 1050, 100)).toBe(false);
        expect(await s.daemon.acquireLease('leader', 'A', 1090, 100)).toBe(true); // renew to 1190
        expect(await s.daemon.acquireLease('leader', 'B', 1150, 100)).toBe(false);
        expect(await s.daemon.acquireLease('leader', 'B', 1190, 100)).toBe(true); // expired: takeover
        expect(await s.daemon.acquireLease('leader', 'A', 1200, 100)).toBe(false);
        await s.daemon.releaseLease('leader', 'A'); // not the holder: no effect
        expect(await s.daemon.acquireLease('leader', 'A', 1210, 100)).toBe(false);
        await s.daemon.releaseLease('leader', 'B');
        expect(await s.daemon.acquireLease('leader', 'A', 1220, 100)).toBe(true);
        expect(await s.daemon.acquireLease('other', 'B', 1220, 100)).toBe(true);
      });

      it('gives a free lease to exactly one of two racing connections', async () => {
        const peer = await openPeer();
        for (let i = 0; i < 5; i++) {
          const name = `lease-${i}`;
          const [a, b] = await Promise.all([
            s.daemon.acquireLease(name, 'A', 1000, 100),
            peer.daemon.acquireLease(name, 'B', 1000, 100),
          ]);
          expect([a, b].filter(Boolean)).toHaveLength(1);
        }
      });
    });
  });
}
