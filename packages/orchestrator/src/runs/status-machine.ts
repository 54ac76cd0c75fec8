import { InvalidTransitionError } from '../errors.ts';
import type { Run, RunStatus } from './types.ts';

/** The one table of run statuses: every status change anywhere is one of these arrows. */
const TRANSITIONS: Readonly<Record<RunStatus, readonly RunStatus[]>> = Object.freeze({
  // A queued run may be started or canceled before it starts.
  QUEUED: ['STARTING', 'CANCELED', 'CANCELING', 'FAILURE'],
  // → QUEUED is the run monitor re-queueing a run whose worker died.
  STARTING: ['STARTED', 'FAILURE', 'CANCELING', 'CANCELED', 'QUEUED'],
  STARTED: ['SUCCESS', 'FAILURE', 'CANCELING', 'QUEUED'],
  CANCELING: ['CANCELED', 'FAILURE'],
  SUCCESS: [],
  FAILURE: [],
  CANCELED: [],
});

/** True when a run may move from `from` to `to`. */
export function canTransition(from: RunStatus, to: RunStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The statuses a run may be in to move to `to`. */
export function allowedFrom(to: RunStatus): RunStatus[] {
  return (Object.keys(TRANSITIONS) as RunStatus[]).filter((from) => TRANSITIONS[from].includes(to));
}

export function assertTransition(runId: string, from: RunStatus, to: RunStatus): void {
  if (!canTransition(from, to)) throw new InvalidTransitionError(runId, from, to);
}

export function isTerminal(status: RunStatus): boolean {
  return TRANSITIONS[status].length === 0;
}

export interface RunTransition {
  readonly name: string;
  readonly from: readonly RunStatus[];
  readonly to: RunStatus;
}

/** A named use of the table: the statuses it moves from must all be arrows of TRANSITIONS to `to`. */
function transition(name: string, from: readonly RunStatus[], to: RunStatus): RunTransition {
  for (const f of from) {
    if (!canTransition(f, to))
      throw new Error(`Transition '${name}' uses ${f} → ${to}, which the status table forbids.`);
  }
  return Object.freeze({ name, from: Object.freeze([...from]), to });
}

/**
 * The named transitions the orchestrator performs, each a compare-and-set in storage
 * (`storage.runs.transitionRun(runId, t.from, t.to, …)`, or `moveRun`). Call sites name the
 * transition instead of listing statuses, so the table above is the single source.
 */
export const RUN = Object.freeze({
  /** The run queue (or an executor launched without a daemon) claims a queued run. */
  admit: transition('admit', ['QUEUED'], 'STARTING'),
  /** A worker begins executing the run it was handed. */
  start: transition('start', ['STARTING'], 'STARTED'),
  succeed: transition('succeed', ['STARTED'], 'SUCCESS'),
  /** The executor ends a run with a failed step (also when a cancel arrived while it failed). */
  fail: transition('fail', ['STARTED', 'CANCELING'], 'FAILURE'),
  /** The launcher could not hand the run to a worker. */
  failLaunch: transition('failLaunch', ['STARTING'], 'FAILURE'),
  /** The run monitor gives up on a run: its worker is gone for good, or it exceeded its timeout. */
  failInProgress: transition('failInProgress', ['STARTING', 'STARTED'], 'FAILURE'),
  /** The run monitor re-queues a run whose worker died (a new attempt). */
  requeueLost: transition('requeueLost', ['STARTING', 'STARTED'], 'QUEUED'),
  /** A queued run is canceled before anything ran. */
  cancelQueued: transition('cancelQueued', ['QUEUED'], 'CANCELED'),
  /** A cancel of a run in progress: the executor stops it. */
  requestCancel: transition('requestCancel', ['STARTING', 'STARTED'], 'CANCELING'),
  /** The executor (or the monitor, when nothing is left to stop) confirms a cancel. */
  confirmCancel: transition('confirmCancel', ['CANCELING'], 'CANCELED'),
});

/** The transition the executor uses to record a run's outcome. */
export function outcomeTransition(status: 'SUCCESS' | 'FAILURE'): RunTransition {
  return status === 'SUCCESS' ? RUN.succeed : RUN.fail;
}

/** Throws InvalidTransitionError when `run` may not take `t` (for requests from users, e.g. cancel). */
export function assertCan(run: Pick<Run, 'runId' | 'status'>, t: RunTransition, message?: string): void {
  if (!t.from.includes(run.status)) throw new InvalidTransitionError(run.runId, run.status, t.to, message);
}

export function assertUnreachable(x: never): never {
  throw new Error(`Unreachable: ${String(x)}`);
}

interface TransitionStore {
  transitionRun(
    runId: string,
    from: readonly RunStatus[],
    to: RunStatus,
    now: number,
    patch?: import('../storage/types.ts').RunStatusPatch,
  ): Promise<Run | undefined>;
}

/** Performs a named transition as a compare-and-set; undefined when the run was not in a `from` status. */
export function moveRun(
  runs: TransitionStore,
  runId: string,
  t: RunTransition,
  now: number,
  patch?: import('../storage/types.ts').RunStatusPatch,
): Promise<Run | undefined> {
  return runs.transitionRun(runId, t.from, t.to, now, patch);
}
