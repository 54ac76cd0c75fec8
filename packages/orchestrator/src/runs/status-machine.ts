import { InvalidTransitionError } from '../errors.ts';
import type { RunStatus } from './types.ts';

const TRANSITIONS: Readonly<Record<RunStatus, readonly RunStatus[]>> = Object.freeze({
  // A queued run may be re-prioritised (stays QUEUED), started, or canceled before it starts.
  QUEUED: ['STARTING', 'CANCELED', 'CANCELING', 'FAILURE'],
  STARTING: ['STARTED', 'FAILURE', 'CANCELING', 'CANCELED', 'QUEUED'],
  STARTED: ['SUCCESS', 'FAILURE', 'CANCELING', 'QUEUED'],
  CANCELING: ['CANCELED', 'FAILURE'],
  SUCCESS: [],
  FAILURE: [],
  CANCELED: [],
});

/** True when a run may move from `from` to `to`. STARTING/STARTED → QUEUED is the monitor re-queueing a run whose worker died. */
export function canTransition(from: RunStatus, to: RunStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The statuses a run may be in to move to `to`; used for compare-and-set updates in storage. */
export function allowedFrom(to: RunStatus): RunStatus[] {
  return (Object.keys(TRANSITIONS) as RunStatus[]).filter((from) => TRANSITIONS[from].includes(to));
}

export function assertTransition(runId: string, from: RunStatus, to: RunStatus): void {
  if (!canTransition(from, to)) throw new InvalidTransitionError(runId, from, to);
}

export function isTerminal(status: RunStatus): boolean {
  return TRANSITIONS[status].length === 0;
}

export function assertUnreachable(x: never): never {
  throw new Error(`Unreachable: ${String(x)}`);
}
