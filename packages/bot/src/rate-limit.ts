/**
 * A token bucket per user: `perMinute` tokens, refilled continuously. Pure (the caller passes
 * `now`), so tests need no clock tricks.
 *
 * @example
 * const limiter = createRateLimiter(20);
 * const r = limiter.take(userId, Date.now());
 * if (!r.allowed) reply(`Try again in ${Math.ceil(r.retryAfterMs / 1000)} s`);
 */
export interface RateDecision {
  readonly allowed: boolean;
  /** When not allowed: how long until one token is back. */
  readonly retryAfterMs: number;
  /** True for the first refusal after an allowed message, so the user is told once, not on every message. */
  readonly firstRefusal: boolean;
}

export interface RateLimiter {
  take(key: number, now: number): RateDecision;
}

export function createRateLimiter(perMinute: number): RateLimiter {
  const capacity = Math.max(1, Math.floor(perMinute));
  const refillPerMs = capacity / 60_000;
  const buckets = new Map<number, { tokens: number; at: number; refused: boolean }>();
  return Object.freeze({
    take(key: number, now: number): RateDecision {
      const b = buckets.get(key) ?? { tokens: capacity, at: now, refused: false };
      b.tokens = Math.min(capacity, b.tokens + (now - b.at) * refillPerMs);
      b.at = now;
      buckets.set(key, b);
      // Full buckets carry no information; dropping them keeps the map as small as the active users.
      if (buckets.size > 10_000) for (const [k, v] of buckets) if (v.tokens >= capacity) buckets.delete(k);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        b.refused = false;
        return { allowed: true, retryAfterMs: 0, firstRefusal: false };
      }
      const firstRefusal = !b.refused;
      b.refused = true;
      return { allowed: false, retryAfterMs: Math.ceil((1 - b.tokens) / refillPerMs), firstRefusal };
    },
  });
}
