import { describe, expect, it } from 'vitest';
import { admitRuns } from '../src/runs/queue-admission.ts';
import type { Run } from '../src/runs/types.ts';

let seq = 0;
function run(id: string, over: Partial<Run> = {}): Run {
  return {
    runId: id,
    jobName: 'j',
    status: 'QUEUED',
    runConfig: {},
    tags: {},
    priority: 0,
    runKey: null,
    partitionKey: null,
    stepSelection: null,
    parentRunId: null,
    rootRunId: null,
    origin: null,
    workerId: null,
    attempt: 1,
    createdAt: ++seq,
    updatedAt: seq,
    startedAt: null,
    endedAt: null,
    error: null,
    ...over,
  };
}
const ids = (runs: Run[]) => runs.map((r) => r.runId);

describe('admitRuns', () => {
  it('defaults to 5 concurrent runs and counts runs in progress', () => {
    const queued = Array.from({ length: 8 }, (_, i) => run(`q${i}`));
    expect(admitRuns({ queued, inProgress: [] })).toHaveLength(5);
    expect(
      ids(admitRuns({ queued, inProgress: [run('a', { status: 'STARTED' })], maxConcurrentRuns: 3 })),
    ).toEqual(['q0', 'q1']);
    expect(admitRuns({ queued, inProgress: [run('a'), run('b')], maxConcurrentRuns: 2 })).toEqual([]);
  });

  it('orders by priority desc, then FIFO by creation time, whatever the input order', () => {
    const a = run('a');
    const b = run('b', { priority: 5 });
    const c = run('c');
    const d = run('d', { priority: 5 });
    expect(ids(admitRuns({ queued: [c, d, a, b], inProgress: [], maxConcurrentRuns: 10 }))).toEqual([
      'b',
      'd',
      'a',
      'c',
    ]);
  });

  it('breaks createdAt ties by runId so the order is stable', () => {
    const x = run('x', { createdAt: 1 });
    const w = run('w', { createdAt: 1 });
    expect(ids(admitRuns({ queued: [x, w], inProgress: [], maxConcurrentRuns: 1 }))).toEqual(['w']);
  });

  it('a run blocked by a tag limit does not block the runs behind it', () => {
    const asr1 = run('asr1', { tags: { asr: 'whisper' } });
    const asr2 = run('asr2', { tags: { asr: 'openai' } });
    const plain = run('plain');
    const admitted = admitRuns({
      queued: [asr1, asr2, plain],
      inProgress: [],
      maxConcurrentRuns: 5,
      tagLimits: [{ key: 'asr', limit: 1 }],
    });
    expect(ids(admitted)).toEqual(['asr1', 'plain']);
  });

  it('counts in-progress runs against tag limits, and value-specific limits only match that value', () => {
    const running = run('r', { status: 'STARTED', tags: { asr: 'whisper' } });
    const whisper = run('w', { tags: { asr: 'whisper' } });
    const openai = run('o', { tags: { asr: 'openai' } });
    expect(
      ids(
        admitRuns({
          queued: [whisper, openai],
          inProgress: [running],
          tagLimits: [{ key: 'asr', value: 'whisper', limit: 1 }],
        }),
      ),
    ).toEqual(['o']);
    expect(
      admitRuns({ queued: [whisper, openai], inProgress: [running], tagLimits: [{ key: 'asr', limit: 1 }] }),
    ).toEqual([]);
  });

  it('a limit of 0 holds every matching run', () => {
    const held = run('h', { tags: { paused: 'yes' } });
    expect(admitRuns({ queued: [held], inProgress: [], tagLimits: [{ key: 'paused', limit: 0 }] })).toEqual(
      [],
    );
  });
});
