import type { Definitions } from '../definitions/definitions.ts';
import { OrchestratorError, type SerializedError, serializeError } from '../errors.ts';
import type { OrchestratorLogger } from '../logging/logger.ts';
import { moveRun, RUN } from '../runs/status-machine.ts';
import type { Run } from '../runs/types.ts';
import type { Storage } from '../storage/types.ts';
import type { DaemonLauncher } from './launcher.ts';
import { event, retryBackoffMs } from './run-queue.ts';
import { type LivenessInput, workerDeathReason } from './worker-liveness.ts';

export interface RunMonitorDeps {
  readonly storage: Storage;
  readonly definitions: Definitions;
  readonly launcher: DaemonLauncher;
  readonly log: OrchestratorLogger;
  /** Worker id of this process's in-process launcher; null when runs execute elsewhere (BullMQ). */
  readonly localWorkerId: string | null;
  readonly liveness: Omit<LivenessInput, 'heartbeats' | 'now'>;
  /** Instance default run timeout; a job's timeoutSeconds overrides it. */
  readonly runTimeoutSeconds: number;
  /** Extra time the executor gets to enforce the timeout itself before the monitor steps in. */
  readonly timeoutGraceMs: number;
  /** A STARTING run no worker picked up within this time counts as lost. */
  readonly startingTimeoutMs: number;
  /** Base backoff before a re-queued run's next attempt (the run queue enforces it). Default 0. */
  readonly runRetryDelayMs?: number;
}

export interface RunMonitorReport {
  readonly failed: string[];
  readonly requeued: string[];
  readonly canceled: string[];
  readonly timedOut: string[];
}

/**
 * Finds runs whose executor is gone and settles them: STARTING/STARTED runs are re-queued
 * (attempt+1) while the job's runRetries allow, otherwise failed with the reason; CANCELING runs
 * become CANCELED. Also forwards cancellation to local runs and enforces run timeouts as a
 * backstop. Every change is a compare-and-set, so a run that finished meanwhile is left alone.
 */
export async function runMonitorStep(deps: RunMonitorDeps, now: number): Promise<RunMonitorReport> {
  const report: RunMonitorReport = { failed: [], requeued: [], canceled: [], timedOut: [] };
  const runs = await deps.storage.runs.listInProgressRuns();
  if (runs.length === 0) return report;
  const heartbeats = await deps.storage.daemon.listHeartbeats();
  // Read after the runs: a run that finishes in between is protected by the compare-and-set.
  const active = new Set(deps.launcher.activeRunIds());
  const liveness: LivenessInput = { ...deps.liveness, heartbeats, now };
  for (const run of runs) {
    const lost = lostReason(run, deps, active, liveness, now);
    if (run.status === 'CANCELING') {
      if (lost) await settleCanceled(deps, run, lost, now, report);
      else if (run.workerId === deps.localWorkerId && active.has(run.runId))
        await deps.launcher.cancel(run.runId);
      continue;
    }
    if (lost) {
      await recoverLost(deps, run, lost, now, report);
      continue;
    }
    if (run.status === 'STARTED' && run.startedAt !== null) {
      const job = deps.definitions.jobs.get(run.jobName);
      const timeoutMs = (job?.timeoutSeconds ?? deps.runTimeoutSeconds) * 1000;
      if (now - run.startedAt > timeoutMs + deps.timeoutGraceMs) {
        // Wherever it executes (a cancel of a run the launcher does not hold is a no-op or a broadcast).
        await deps.launcher.cancel(run.runId);
        const error = serializeError(
          new OrchestratorError(
            'RUN_TIMEOUT',
            `Run ${run.runId} exceeded its timeout of ${timeoutMs / 1000} s (started ${new Date(run.startedAt).toISOString()}) and was stopped by the run monitor. Raise the job's timeoutSeconds or the instance run timeout if it needs longer.`,
          ),
        );
        if (await fail(deps, run, error, now)) report.timedOut.push(run.runId);
      }
    }
  }
  return report;
}

function lostReason(
  run: Run,
  deps: RunMonitorDeps,
  active: ReadonlySet<string>,
  liveness: LivenessInput,
  now: number,
): string | null {
  if (run.workerId !== null && run.workerId === deps.localWorkerId) {
    return active.has(run.runId)
      ? null
      : `its worker '${run.workerId}' (this process) is not executing it any more`;
  }
  if (run.workerId === null) {
    return now - run.updatedAt > deps.startingTimeoutMs
      ? `no worker picked it up within ${Math.round(deps.startingTimeoutMs / 1000)} s`
      : null;
  }
  const reason = workerDeathReason(run.workerId, liveness);
  // A worker that never heartbeated may simply be new: give it the stale window from the run's last update.
  if (reason && !liveness.heartbeats.some((h) => h.daemonId === run.workerId)) {
    return now - run.updatedAt > liveness.staleAfterMs ? reason : null;
  }
  return reason;
}

async function recoverLost(
  deps: RunMonitorDeps,
  run: Run,
  reason: string,
  now: number,
  report: RunMonitorReport,
) {
  const job = deps.definitions.jobs.get(run.jobName);
  const retries = job?.runRetries ?? 0;
  if (run.attempt <= retries) {
    const requeued = await moveRun(deps.storage.runs, run.runId, RUN.requeueLost, now, {
      attempt: run.attempt + 1,
      workerId: null,
      startedAt: null,
    });
    if (requeued) {
      const wait = retryBackoffMs(deps.runRetryDelayMs ?? 0, run.attempt + 1);
      const msg = `Run ${run.status} but ${reason}; re-queued as attempt ${run.attempt + 1} of ${retries + 1}${
        wait > 0 ? `, starting in ${Math.round(wait / 100) / 10} s` : ''
      }.`;
      deps.log.warn({}, `run ${run.runId}: ${msg}`);
      await deps.storage.events.appendEvents([event(requeued, now, 'RUN_ENQUEUED', 'warn', msg)]);
      report.requeued.push(run.runId);
    }
    return;
  }
  const error: SerializedError = {
    className: 'WorkerLostError',
    message: `Run ${run.runId} was ${run.status} but ${reason}; marked failed by the run monitor${
      retries > 0 ? ` after ${run.attempt} attempts` : ''
    }. Re-execute it, or give job '${run.jobName}' runRetries to re-queue automatically.`,
  };
  if (await fail(deps, run, error, now)) report.failed.push(run.runId);
}

async function fail(deps: RunMonitorDeps, run: Run, error: SerializedError, now: number): Promise<boolean> {
  const failed = await moveRun(deps.storage.runs, run.runId, RUN.failInProgress, now, {
    endedAt: now,
    error,
  });
  if (!failed) return false;
  deps.log.warn({}, `run ${run.runId}: ${error.message}`);
  await deps.storage.events.appendEvents([
    { ...event(failed, now, 'RUN_FAILURE', 'error', error.message), data: { error } },
  ]);
  return true;
}

async function settleCanceled(
  deps: RunMonitorDeps,
  run: Run,
  reason: string,
  now: number,
  report: RunMonitorReport,
) {
  const canceled = await moveRun(deps.storage.runs, run.runId, RUN.confirmCancel, now, {
    endedAt: now,
  });
  if (!canceled) return;
  await deps.storage.events.appendEvents([
    event(canceled, now, 'RUN_CANCELED', 'warn', `Run canceled; ${reason}, so nothing is left to stop.`),
  ]);
  report.canceled.push(run.runId);
}
