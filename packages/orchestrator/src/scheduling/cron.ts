import { Cron } from 'croner';

/** Returns an error message for an invalid 5-field cron expression, or null when valid. */
export function validateCron(expr: unknown): string | null {
  if (typeof expr !== 'string' || expr.trim() === '') return 'expected a non-empty string';
  const fields = expr.trim().split(/\s+/);
  if (fields.length !== 5) return `expected 5 fields, got ${fields.length}`;
  try {
    new Cron(expr, { paused: true });
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

export function validateTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Next fire time strictly after `after` (epoch ms), or null if none. Pure: no timers. */
export function nextCronTime(cron: string, timezone: string, after: number): number | null {
  const next = new Cron(cron, { paused: true, timezone }).nextRun(new Date(after));
  return next ? next.getTime() : null;
}

/**
 * Fire times in (from, to], newest last, at most `limit` (keeps the newest).
 * The schedule loop fires only the newest missed tick so a restart never storms.
 */
export function cronTimesBetween(
  cron: string,
  timezone: string,
  from: number,
  to: number,
  limit = 100,
): number[] {
  const c = new Cron(cron, { paused: true, timezone });
  const out: number[] = [];
  let cursor = new Date(from);
  for (;;) {
    const n = c.nextRun(cursor);
    if (!n || n.getTime() > to) break;
    out.push(n.getTime());
    if (out.length > limit) out.shift();
    cursor = n;
  }
  return out;
}
