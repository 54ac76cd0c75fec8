import type { RequestStatus } from '../service/types.ts';

/**
 * The one table of youtube_requests statuses, like the runs' status machine: every status change is
 * a named transition, performed as a compare-and-set (`RequestRepository.transition`), so a step
 * finishing late can never overwrite a user's cancel and a retry cannot revive a running request.
 */
const TRANSITIONS: Readonly<Record<RequestStatus, readonly RequestStatus[]>> = Object.freeze({
  // processing → processing: a stage change, or a run attaching itself.
  pending: ['processing', 'completed', 'failed'],
  processing: ['processing', 'completed', 'failed'],
  completed: [],
  // A failed (or canceled) request may be retried as a new attempt.
  failed: ['pending'],
});

export interface RequestTransition {
  readonly name: string;
  readonly from: readonly RequestStatus[];
  readonly to: RequestStatus;
}

function transition(name: string, from: readonly RequestStatus[], to: RequestStatus): RequestTransition {
  for (const f of from) {
    if (!TRANSITIONS[f].includes(to))
      throw new Error(`Request transition '${name}' uses ${f} → ${to}, which the status table forbids.`);
  }
  return Object.freeze({ name, from: Object.freeze([...from]), to });
}

export function canRequestTransition(from: RequestStatus, to: RequestStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export const REQUEST = Object.freeze({
  /** A run takes a pending request. */
  claim: transition('claim', ['pending'], 'processing'),
  /** A step moves an active request to its stage (or attaches its run). */
  advance: transition('advance', ['pending', 'processing'], 'processing'),
  complete: transition('complete', ['pending', 'processing'], 'completed'),
  fail: transition('fail', ['pending', 'processing'], 'failed'),
  /** The user cancels: stored as failed with the reason, so it is final unless retried. */
  cancel: transition('cancel', ['pending', 'processing'], 'failed'),
  retry: transition('retry', ['failed'], 'pending'),
});
