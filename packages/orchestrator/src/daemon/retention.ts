import type { Storage } from '../storage/types.ts';

export interface RetentionReport {
  readonly runs: number;
  readonly events: number;
  readonly ticks: number;
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * Prunes old history: terminal runs (with their events) and loose events older than
 * `retentionDays` (skipped when null), and ticks beyond `tickHistory` per instigator.
 */
export async function runRetentionStep(
  storage: Storage,
  now: number,
  policy: { retentionDays: number | null; tickHistory: number },
): Promise<RetentionReport> {
  const before = policy.retentionDays === null ? undefined : now - policy.retentionDays * DAY_MS;
  const runs = before === undefined ? 0 : await storage.runs.deleteRunsEndedBefore(before);
  const events = before === undefined ? 0 : await storage.events.deleteEventsBefore(before);
  const ticks = await storage.instigators.pruneTicks({ keepPerInstigator: policy.tickHistory, before });
  return { runs, events, ticks };
}
