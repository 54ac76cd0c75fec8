import type { RetryPolicy } from '../definitions/types.ts';
import { isPermanentFailure, RetryAfterError } from '../errors.ts';

/**
 * Milliseconds to wait before retry number `attempt` (1 = the first retry).
 * constant: d; linear: d·attempt; exponential: d·2^(attempt-1). Jitter spreads the delay
 * uniformly over [50 %, 150 %] so many failing steps do not retry in lockstep.
 * A RetryAfterError raises the delay to at least its `afterMs`.
 */
export function retryDelayMs(
  policy: RetryPolicy,
  attempt: number,
  error: unknown,
  random: () => number = Math.random,
): number {
  const base = policy.delaySeconds * 1000;
  let delay: number;
  switch (policy.backoff) {
    case 'constant':
      delay = base;
      break;
    case 'linear':
      delay = base * attempt;
      break;
    case 'exponential':
      delay = base * 2 ** (attempt - 1);
      break;
  }
  if (policy.jitter) delay = delay * (0.5 + random());
  if (error instanceof RetryAfterError) delay = Math.max(delay, error.afterMs);
  return Math.round(delay);
}

/** Whether a failed attempt (1-based) may be retried under `policy`. Permanent failures never are. */
export function shouldRetry(policy: RetryPolicy | null, attempt: number, error: unknown): boolean {
  if (isPermanentFailure(error)) return false;
  return attempt <= (policy?.maxRetries ?? 0);
}
