import { ASSET_JOB_NAME, type Definitions, type PlannedStep } from '../definitions/definitions.ts';
import { OrchestratorError, type SerializedError, serializeError, UnknownNameError } from '../errors.ts';
import type { OrchestratorLogger } from '../logging/logger.ts';
import { validateRunConfig } from '../runs/run-config.ts';
import { moveRun, outcomeTransition, RUN } from '../runs/status-machine.ts';
import type { EventType, LogLevel, Run } from '../runs/types.ts';
import type { Storage } from '../storage/types.ts';
import { RunTimeoutError } from './abort.ts';
import type { CancelWatch } from './cancel-watch.ts';
import { EventBuffer } from './event-buffer.ts';
import { planForRun } from './plan.ts';
import { createRunSignal } from './run-signal.ts';
import { runStep, type StepOutcome } from './step-runner.ts';

export const DEFAULT_RUN_TIMEOUT_MS = 3_600_000;

export interface ExecuteRunDeps {
  storage: Storage;
  definitions: Definitions;
  /** Recorded on the run so the monitor can tell whose heartbeat to check. */
  workerId: string;
  /** The attempt the caller was handed (a queue job's); the run is left alone if it is at another. */
  attempt?: number;
  /** Instance default run timeout; a job's `timeoutSeconds` wins. Default 3600 s. */
  runTimeoutMs?: number;
  logger?: OrchestratorLogger;
  /** Aborting it cancels the run (launcher cancel, shutdown). */
  signal?: AbortSignal;
  /** How often storage is checked for a cancel request from another process. Default 300 ms. */
  cancelPollMs?: number;
  /** A shared cancel check (a worker's, for all its runs) instead of a poll of this run's own. */
  cancelWatch?: CancelWatch;
  /** How long steps that ignore the abort signal are awaited before being abandoned. Default 2000 ms. */
  abandonGraceMs?: number;
  /** Longest delay before buffered events are written. Default 100 ms. */
  eventFlushMs?: number;
  /** Step parallelism for ad-hoc asset runs, which have no job definition. Default 4. */
  maxConcurrentSteps?: number;
  now?: () => number;
}

/**
 * Executes one run to its end and returns the stored run.
 *
 * Moves the run STARTING (or QUEUED) → STARTED with a compare-and-set; if another process already took it
 * (any other status), returns it untouched. Steps run in dependency order, independent ones in parallel up
 * to the job's `maxConcurrentSteps`; upstream return values arrive as `ctx.inputs`. A failed step skips its
 * downstream steps and fails the run. Cancellation (caller signal or CANCELING in storage) and the run timeout
 * abort the run's signal; steps ignoring it are abandoned after a grace period.
 *
 * Re-execution: with `stepSelection` only those steps run; upstream steps outside the selection count as
 * done and provide no `ctx.inputs` entry (their values are not persisted between runs).
 */
export async function executeRun(runId: string, deps: ExecuteRunDeps): Promise<Run> {
  const { storage, definitions, workerId } = deps;
  const now = deps.now ?? Date.now;
  const log = deps.logger?.child({ runId });
  const t0 = now();
  const start = () =>
    moveRun(storage.runs, runId, RUN.start, t0, { workerId, startedAt: t0, ifAttempt: deps.attempt });
  // The daemon hands over STARTING runs: try that first, so the common path costs one statement.
  let run = await start();
  if (!run) {
    const current = await storage.runs.getRun(runId);
    if (!current) throw new UnknownNameError('run', runId, []);
    // A job of an earlier attempt (re-delivered after its worker died): the re-queued run has its own.
    if (deps.attempt !== undefined && current.attempt !== deps.attempt) return current;
    if (current.status === 'CANCELING' && current.startedAt === null)
      return cancelUnstarted(current, storage, now());
    if (current.status !== 'QUEUED') return current;
    // Launched without the daemon's admission step (tests, `run-job` in one process).
    if (!(await moveRun(storage.runs, runId, RUN.admit, t0))) {
      return (await storage.runs.getRun(runId)) ?? current;
    }
    run = await start();
    if (!run) return (await storage.runs.getRun(runId)) ?? current;
  }

  const events = new EventBuffer(storage.events, deps.eventFlushMs ?? 100, (e) =>
    log?.error({ err: serializeError(e) }, 'could not write run events'),
  );
  const emit = (type: EventType, level: LogLevel, message: string, data: Record<string, unknown> | null) =>
    events.push({ runId, timestamp: now(), type, level, stepKey: null, message, data });
  emit('RUN_START', 'info', `Started run of ${run.jobName} on ${workerId}.`, {
    workerId,
    attempt: run.attempt,
  });

  const job = run.jobName === ASSET_JOB_NAME ? undefined : definitions.jobs.get(run.jobName);
  const timeoutMs = job?.timeoutSeconds
    ? job.timeoutSeconds * 1000
    : (deps.runTimeoutMs ?? DEFAULT_RUN_TIMEOUT_MS);
  const runSignal = createRunSignal({
    runId,
    runs: storage.runs,
    signal: deps.signal,
    timeoutMs,
    pollMs: deps.cancelPollMs ?? 300,
    watch: deps.cancelWatch,
    onPollError: (e) => log?.warn({ err: serializeError(e) }, 'could not check the run for cancellation'),
  });

  let outcome: RunOutcome;
  try {
    const plan = planForRun(definitions, run);
    const { stepConfigs } = validateRunConfig(definitions, plan, run.runConfig);
    const results = await executePlan(run, plan, stepConfigs, {
      ...deps,
      signal: runSignal.signal,
      events,
      now,
      maxConcurrentSteps: job?.maxConcurrentSteps ?? deps.maxConcurrentSteps ?? 4,
    });
    outcome = decideOutcome(plan, results, runSignal.signal);
  } catch (e) {
    // Plan or config errors: nothing ran.
    outcome = { status: 'FAILURE', error: e, message: `Run could not start: ${(e as Error).message}` };
  } finally {
    runSignal.dispose();
  }
  return finish(run, outcome, t0, { storage, events, emit, now, log });
}

type RunOutcome =
  | { status: 'SUCCESS' }
  | { status: 'FAILURE'; error: unknown; message: string }
  | { status: 'CANCELED'; reason: string };

interface PlanDeps {
  definitions: Definitions;
  signal: AbortSignal;
  events: EventBuffer;
  logger?: OrchestratorLogger;
  now: () => number;
  abandonGraceMs?: number;
  maxConcurrentSteps: number;
}

/** Runs ready steps as their dependencies succeed; skips steps whose upstream failed. */
function executePlan(
  run: Run,
  plan: readonly PlannedStep[],
  stepConfigs: Readonly<Record<string, unknown>>,
  deps: PlanDeps,
): Promise<Map<string, StepOutcome>> {
  const results = new Map<string, StepOutcome>();
  const pending = [...plan];
  let running = 0;
  return new Promise((resolve) => {
    const pump = () => {
      // `pending` is in dependency order, so one pass also propagates skips down chains.
      for (let i = 0; i < pending.length && !deps.signal.aborted; ) {
        const s = pending[i]!;
        const upstream = s.deps.map((d) => [d, results.get(d)?.status] as const);
        const blocked = upstream.filter(([, st]) => st && st !== 'success').map(([d]) => d);
        if (blocked.length) {
          pending.splice(i, 1);
          results.set(s.key, { status: 'skipped' });
          deps.events.push({
            runId: run.runId,
            timestamp: deps.now(),
            type: 'STEP_SKIPPED',
            level: 'warn',
            stepKey: s.key,
            message: `Skipped '${s.key}': upstream ${blocked.map((b) => `'${b}'`).join(', ')} did not succeed.`,
            data: { upstream: blocked },
          });
          continue;
        }
        if (running < deps.maxConcurrentSteps && upstream.every(([, st]) => st === 'success')) {
          pending.splice(i, 1);
          running++;
          const inputs: Record<string, unknown> = {};
          for (const d of s.deps) inputs[d] = (results.get(d) as { value: unknown }).value;
          runStep({
            run,
            planned: s,
            config: stepConfigs[s.key],
            inputs: Object.freeze(inputs),
            resources: deps.definitions.resources,
            signal: deps.signal,
            events: deps.events,
            logger: deps.logger,
            now: deps.now,
            abandonGraceMs: deps.abandonGraceMs ?? 2000,
          }).then((outcome) => {
            results.set(s.key, outcome);
            running--;
            pump();
          });
          continue;
        }
        i++;
      }
      if (running === 0 && (pending.length === 0 || deps.signal.aborted)) resolve(results);
    };
    pump();
  });
}

function decideOutcome(
  plan: readonly PlannedStep[],
  results: Map<string, StepOutcome>,
  signal: AbortSignal,
): RunOutcome {
  if (plan.every((s) => results.get(s.key)?.status === 'success')) return { status: 'SUCCESS' };
  if (signal.aborted) {
    const reason = signal.reason;
    if (reason instanceof RunTimeoutError)
      return { status: 'FAILURE', error: reason, message: reason.message };
    return { status: 'CANCELED', reason: reason instanceof Error ? reason.message : String(reason) };
  }
  const failed = plan.filter((s) => results.get(s.key)?.status === 'failure').map((s) => s.key);
  const first = results.get(failed[0]!) as { error: unknown } | undefined;
  return {
    status: 'FAILURE',
    error: first?.error ?? new OrchestratorError('USER_CODE_ERROR', 'A step did not finish.'),
    message: `Run failed: step${failed.length > 1 ? 's' : ''} ${failed.map((f) => `'${f}'`).join(', ')} failed.`,
  };
}

interface FinishDeps {
  storage: Storage;
  events: EventBuffer;
  emit: (type: EventType, level: LogLevel, message: string, data: Record<string, unknown> | null) => void;
  now: () => number;
  log: OrchestratorLogger | undefined;
}

/** Writes the final event with the final status (CAS) in one transaction, so a reader that sees the end also sees every event. */
async function finish(run: Run, outcome: RunOutcome, t0: number, d: FinishDeps): Promise<Run> {
  const { storage, events, emit, now, log } = d;
  const durationMs = now() - t0;
  let error: SerializedError | null = null;
  if (outcome.status === 'SUCCESS') {
    emit('RUN_SUCCESS', 'info', `Run succeeded in ${durationMs} ms.`, { durationMs });
  } else if (outcome.status === 'FAILURE') {
    error = serializeError(outcome.error);
    emit('RUN_FAILURE', 'error', outcome.message, { durationMs, error });
  } else {
    emit('RUN_CANCELED', 'warn', `Run canceled after ${durationMs} ms: ${outcome.reason}`, { durationMs });
  }
  // Every unwritten event goes with the final status in one transaction (one write for a short run).
  const rest = await events.takeRest();
  const endedAt = now();
  const patch = { endedAt, error };
  const { runId } = run;
  const appendRest = async () => {
    try {
      if (rest.length) await storage.events.appendEvents(rest);
    } catch (e) {
      // The final status matters more than the lost events.
      log?.error({ err: serializeError(e) }, 'could not write run events');
    }
  };
  let final: Run | undefined;
  if (outcome.status === 'CANCELED') {
    await appendRest();
    await moveRun(storage.runs, runId, RUN.requestCancel, endedAt);
    final = await moveRun(storage.runs, runId, RUN.confirmCancel, endedAt, patch);
  } else {
    const ending = outcomeTransition(outcome.status);
    try {
      final = await moveRun(storage.runs, runId, ending, endedAt, {
        ...patch,
        events: rest,
      });
    } catch (e) {
      // The events could not be written (the transaction rolled back): store the status without them.
      log?.error({ err: serializeError(e) }, 'could not write run events');
      final = await moveRun(storage.runs, runId, ending, endedAt, patch);
    }
    if (!final) await appendRest(); // the status moved meanwhile (cancel): keep the log complete anyway
    if (!final && outcome.status === 'SUCCESS') {
      // A cancel arrived after the last step finished: honour the request, but say what happened.
      final = await moveRun(storage.runs, runId, RUN.confirmCancel, endedAt, patch);
      if (final) {
        await storage.events.appendEvents([
          {
            runId,
            timestamp: endedAt,
            type: 'RUN_CANCELED',
            level: 'warn',
            stepKey: null,
            message: 'Run canceled: the cancel request arrived after all steps had succeeded.',
            data: { durationMs },
          },
        ]);
      }
    }
  }
  log?.info({ status: final?.status ?? outcome.status, durationMs }, `run ${run.jobName} ended`);
  return final ?? (await storage.runs.getRun(runId)) ?? run;
}

/** A run canceled while it waited in a launcher's queue: nothing ran, so it ends CANCELED here. */
async function cancelUnstarted(run: Run, storage: Storage, at: number): Promise<Run> {
  const final = await moveRun(storage.runs, run.runId, RUN.confirmCancel, at, { endedAt: at });
  if (!final) return (await storage.runs.getRun(run.runId)) ?? run;
  await storage.events.appendEvents([
    {
      runId: run.runId,
      timestamp: at,
      type: 'RUN_CANCELED',
      level: 'warn',
      stepKey: null,
      message: 'Run canceled before it started.',
      data: { durationMs: 0 },
    },
  ]);
  return final;
}
