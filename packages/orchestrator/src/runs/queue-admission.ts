import type { Run } from './types.ts';

/**
 * A per-tag concurrency limit. Without `value` the limit counts every run carrying the tag key
 * (e.g. `{ key: 'asr', limit: 1 }`: at most one run tagged `asr` at once, whatever its value);
 * with `value` only runs whose tag equals it.
 */
export interface TagConcurrencyLimit {
  readonly key: string;
  readonly value?: string;
  readonly limit: number;
}

export interface AdmissionInput {
  /** Queued runs, any order. */
  readonly queued: readonly Run[];
  /** Runs holding a slot (STARTING, STARTED, CANCELING). */
  readonly inProgress: readonly Run[];
  /** Default 5. */
  readonly maxConcurrentRuns?: number;
  readonly tagLimits?: readonly TagConcurrencyLimit[];
}

export const DEFAULT_MAX_CONCURRENT_RUNS = 5;

/**
 * Decides which queued runs may start now. Pure.
 *
 * Order: priority desc, then FIFO (createdAt asc, runId asc). A run blocked by a tag limit is
 * passed over without blocking the runs behind it, so one busy `asr` slot never starves other work.
 *
 * @example
 * admitRuns({ queued, inProgress, maxConcurrentRuns: 5, tagLimits: [{ key: 'asr', limit: 1 }] })
 */
export function admitRuns(input: AdmissionInput): Run[] {
  const max = input.maxConcurrentRuns ?? DEFAULT_MAX_CONCURRENT_RUNS;
  const limits = input.tagLimits ?? [];
  let free = max - input.inProgress.length;
  if (free <= 0 || input.queued.length === 0) return [];
  const used = limits.map((l) => input.inProgress.filter((r) => matchesLimit(r, l)).length);
  const admitted: Run[] = [];
  for (const run of [...input.queued].sort(compareForAdmission)) {
    if (free <= 0) break;
    const hits = limits.map((l, i) => (matchesLimit(run, l) ? i : -1)).filter((i) => i >= 0);
    if (hits.some((i) => used[i]! >= limits[i]!.limit)) continue;
    for (const i of hits) used[i]!++;
    admitted.push(run);
    free--;
  }
  return admitted;
}

/** Admission order: priority desc, createdAt asc, runId asc. */
export function compareForAdmission(a: Run, b: Run): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  if (a.createdAt !== b.createdAt) return a.createdAt - b.createdAt;
  return a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0;
}

/** True when the run carries the limit's tag (and value, if the limit names one). */
export function matchesLimit(run: Pick<Run, 'tags'>, limit: TagConcurrencyLimit): boolean {
  const v = run.tags[limit.key];
  if (v === undefined) return false;
  return limit.value === undefined || v === limit.value;
}
