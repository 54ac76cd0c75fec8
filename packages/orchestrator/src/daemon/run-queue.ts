import { errorMessage, serializeError } from '../errors.ts';
import type { OrchestratorLogger } from '../logging/logger.ts';
import { admitRuns, matchesLimit, type TagConcurrencyLimit } from '../runs/queue-admission.ts';

import { moveRun, RUN } from '../runs/status-machine.ts';
import { IN_PROGRESS_STATUSES, type Run } from '../runs/types.ts';
import type { Storage } from '../storage/types.ts';
import type { DaemonLauncher } from './launcher.ts';

export interface RunQueueDeps {
  readonly storage: Storage;
  readonly launcher: DaemonLauncher;
  readonly log: OrchestratorLogger;
  readonly maxConcurrentRuns: number;
  readonly tagLimits: readonly TagConcurrencyLimit[];
  /** Base backoff of a run re-queued after its worker died (see InstanceSettings.runRetryDelaySeconds). */
  readonly runRetryDelayMs?: number;
  /** Written as the run's workerId at STARTING (null when a remote worker will set it at STARTED), so the monitor knows who is responsible. */
  readonly workerId: string | null;
}

export interface RunQueueReport {
  readonly launched: string[];
  /** Queued runs left waiting (for a slot or a tag limit) after this step. */
  readonly waiting: number;
  /** Runs holding a slot after this step (as counted at its start, plus those it launched). */
  readonly inProgress: number;
}

/**
 * One pass of the run queue: admit what fits (admitRuns), move each admitted run
 * QUEUED → STARTING with a compare-and-set (a run canceled meanwhile is simply not launched),
 * then hand it to the launcher. A launcher that throws fails that run with the reason.
 */
export async function runQueueStep(deps: RunQueueDeps, now: number): Promise<RunQueueReport> {
  const { storage } = deps;
  const limited = deps.tagLimits.length > 0;
  const active = await storage.runs.countRuns({ statuses: IN_PROGRESS_STATUSES });
  const free = deps.maxConcurrentRuns - active;
  if (free <= 0) return { launched: [], waiting: await countQueued(storage), inProgress: active };
  // With tag limits, read more than the free slots so runs blocked by a limit do not hide those behind
  // them; without, admission is plain queue order and one extra row tells whether more are waiting.
  const window = limited ? Math.max(free * 4, 100) : free + 1;
  let queued = await storage.runs.listQueuedRuns(window);
  const backingOff = (r: Run) =>
    r.attempt > 1 && now < r.updatedAt + retryBackoffMs(deps.runRetryDelayMs ?? 0, r.attempt);
  if (queued.some(backingOff)) {
    // Runs waiting out a retry backoff must not hide the runs behind them.
    queued = (await storage.runs.listQueuedRuns(Math.max(free * 4, 100) + window)).filter(
      (r) => !backingOff(r),
    );
  }
  // A tag limit counts the runs in progress carrying its tag: read them (with their tags) only when a
  // queued run has a limited tag — a count is all plain admission needs, far cheaper on a busy queue.
  const inProgress =
    limited && queued.some((r) => deps.tagLimits.some((l) => matchesLimit(r, l)))
      ? await storage.runs.listInProgressRuns()
      : null;
  const admitted = admitRuns({
    queued,
    inProgress: inProgress ?? [],
    maxConcurrentRuns: inProgress ? deps.maxConcurrentRuns : free,
    tagLimits: deps.tagLimits,
  });
  // Claim every admitted run and write their RUN_STARTING events in one transaction (compare-and-set
  // per run: one canceled meanwhile is skipped), then launch: one write per pass instead of one per run.
  const claimed = await storage.runs.claimRuns(
    admitted,
    RUN.admit.from,
    RUN.admit.to,
    now,
    { workerId: deps.workerId },
    (r) => event(r, now, 'RUN_STARTING', 'info', `Launching run (attempt ${r.attempt}).`),
  );
  const launched: string[] = [];
  if (claimed.length > 1 && deps.launcher.launchMany) {
    // One queue round trip for the whole batch; if it fails, the per-run path below says which failed.
    try {
      await deps.launcher.launchMany(claimed);
      return {
        launched: claimed.map((r) => r.runId),
        waiting: queued.length - claimed.length,
        inProgress: active + claimed.length,
      };
    } catch (cause) {
      deps.log.warn({}, `batch launch failed, launching one by one: ${errorMessage(cause)}`);
    }
  }
  for (const starting of claimed) {
    const run = starting;
    try {
      await deps.launcher.launch(starting);
      launched.push(run.runId);
    } catch (cause) {
      deps.log.error({ runId: run.runId }, `launcher failed for run ${run.runId}: ${errorMessage(cause)}`);
      const error = serializeError(cause);
      const failed = await moveRun(storage.runs, run.runId, RUN.failLaunch, now, {
        endedAt: now,
        error,
      });
      if (failed) {
        await storage.events.appendEvents([
          {
            ...event(failed, now, 'RUN_FAILURE', 'error', `Could not launch run: ${error.message}`),
            data: { error },
          },
        ]);
      }
    }
  }
  return { launched, waiting: queued.length - launched.length, inProgress: active + launched.length };
}

/** Wait before attempt `attempt` (≥ 2) of a re-queued run: base, doubling per attempt, at most 5 minutes. */
export function retryBackoffMs(baseMs: number, attempt: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempt - 2), 300_000);
}

async function countQueued(storage: Storage): Promise<number> {
  return (await storage.runs.listQueuedRuns(1)).length;
}

export function event(
  run: Run,
  now: number,
  type: 'RUN_STARTING' | 'RUN_FAILURE' | 'RUN_ENQUEUED' | 'RUN_CANCELED' | 'RUN_CANCELING',
  level: 'info' | 'warn' | 'error',
  message: string,
) {
  return { runId: run.runId, timestamp: now, type, level, stepKey: null, message, data: null };
}
