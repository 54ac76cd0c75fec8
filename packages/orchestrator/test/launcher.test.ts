import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineAsset, defineJob } from '../src/definitions/define.ts';
import { Definitions } from '../src/definitions/definitions.ts';
import { InProcessLauncher } from '../src/launchers/in-process.ts';
import type { Run } from '../src/runs/types.ts';
import { type TempStorage, tempSqliteStorage } from './helpers/db.ts';

let db: TempStorage;
beforeAll(async () => {
  db = await tempSqliteStorage();
});
afterAll(async () => {
  await db?.cleanup();
});

function abortableWait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      reject(signal.reason);
    });
  });
}

const calls: string[] = [];
const defs = new Definitions({
  assets: [
    defineAsset({ key: 'quick', compute: (ctx) => void calls.push(ctx.runId) }),
    defineAsset({ key: 'long', compute: (ctx) => abortableWait(10_000, ctx.signal) }),
  ],
  jobs: [
    defineJob({ name: 'quick_job', selection: 'quick' }),
    defineJob({ name: 'long_job', selection: 'long' }),
  ],
});

async function startingRun(jobName: string): Promise<Run> {
  const { run } = await db.storage.runs.createRun({ jobName }, Date.now());
  return (await db.storage.runs.transitionRun(run.runId, ['QUEUED'], 'STARTING', Date.now()))!;
}

describe('InProcessLauncher', () => {
  it('executes launched runs and reports them until they end', async () => {
    const ended: Run[] = [];
    const launcher = new InProcessLauncher({
      storage: db.storage,
      definitions: defs,
      workerId: 'local',
      onRunEnded: (r) => ended.push(r),
    });
    const runs = await Promise.all([startingRun('quick_job'), startingRun('quick_job')]);
    for (const r of runs) await launcher.launch(r);
    await launcher.launch(runs[0]!); // a second launch of the same run is ignored
    expect(launcher.activeRunIds().sort()).toEqual(runs.map((r) => r.runId).sort());
    await launcher.whenIdle();
    expect(launcher.activeRunIds()).toEqual([]);
    expect(ended.map((r) => r.status)).toEqual(['SUCCESS', 'SUCCESS']);
    expect(calls.filter((c) => c === runs[0]!.runId)).toHaveLength(1);
    await launcher.close();
  });

  it('cancel stops the run at once; close cancels what is left', async () => {
    const launcher = new InProcessLauncher({ storage: db.storage, definitions: defs, workerId: 'local' });
    const a = await startingRun('long_job');
    const b = await startingRun('long_job');
    await launcher.launch(a);
    await launcher.launch(b);
    await new Promise((r) => setTimeout(r, 100));
    const t0 = Date.now();
    await launcher.cancel(a.runId);
    while (launcher.activeRunIds().includes(a.runId)) await new Promise((r) => setTimeout(r, 10));
    expect(Date.now() - t0).toBeLessThan(1000);
    expect((await db.storage.runs.getRun(a.runId))!.status).toBe('CANCELED');
    await launcher.close();
    expect((await db.storage.runs.getRun(b.runId))!.status).toBe('CANCELED');
  });
});
