import { afterEach, describe, expect, it } from 'vitest';
import { createCancelWatch } from '../src/execution/cancel-watch.ts';
import { createRunSignal } from '../src/execution/run-signal.ts';
import type { RunStorage } from '../src/storage/types.ts';
import { type TempStorage, tempSqliteStorage } from './helpers/db.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a worker’s shared cancel watch', () => {
  let db: TempStorage | undefined;
  afterEach(async () => {
    await db?.cleanup();
    db = undefined;
  });

  it('checks all its runs with one read per tick and aborts only the canceled one', async () => {
    db = await tempSqliteStorage();
    const { storage } = db;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { run } = await storage.runs.createRun({ jobName: 'j' }, 1);
      await storage.runs.transitionRun(run.runId, ['QUEUED'], 'STARTED', 2);
      ids.push(run.runId);
    }
    let reads = 0;
    const runs: RunStorage = Object.create(storage.runs);
    runs.getRunStatuses = (runIds) => {
      reads++;
      return storage.runs.getRunStatuses(runIds);
    };
    runs.getRun = () => {
      throw new Error('no read per run');
    };
    const watch = createCancelWatch({ runs, pollMs: 30 });
    const signals = ids.map((runId) =>
      createRunSignal({ runId, runs, timeoutMs: 60_000, pollMs: 30, watch }),
    );
    await sleep(100);
    expect(signals.map((s) => s.signal.aborted)).toEqual([false, false, false]);
    const readsBefore = reads;
    await storage.runs.transitionRun(ids[1]!, ['STARTED'], 'CANCELING', 3);
    await sleep(100);
    expect(signals.map((s) => s.signal.aborted)).toEqual([false, true, false]);
    expect(String(signals[1]!.signal.reason)).toContain('cancel requested');
    // ~3 ticks in 100 ms for three runs, not one read per run per tick.
    expect(reads - readsBefore).toBeLessThanOrEqual(5);
    for (const s of signals) s.dispose();
    const readsAfterDispose = reads;
    await sleep(100);
    expect(reads).toBe(readsAfterDispose); // no runs watched: no timer, no reads
    watch.close();
  });
});
