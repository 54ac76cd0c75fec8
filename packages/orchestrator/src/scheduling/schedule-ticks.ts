import { Cron } from 'croner';

/** What the schedule loop should do at `now`. Plain data; see planScheduleTick. */
export interface ScheduleTickPlan {
  /** The cron time to fire now (the newest one due), or null when nothing is due. */
  readonly fire: number | null;
  /** Older missed cron times, oldest first, at most `maxSkipped` (the newest of them). */
  readonly skipped: readonly number[];
  /** How many older cron times were missed in all (may exceed `skipped.length`). */
  readonly skippedCount: number;
  /** The value to store as the schedule's lastTickAt after acting on this plan. */
  readonly lastTickAt: number;
}

export interface ScheduleTickInput {
  readonly cron: string;
  readonly timezone: string;
  /** Last cron time handled (fired or skipped); null = never, which starts the schedule from `now`. */
  readonly lastTickAt: number | null;
  readonly now: number;
  /** Most missed times to list individually. Default 10. */
  readonly maxSkipped?: number;
  /** Do not look further back than this (ms) for missed times. Default 7 days. */
  readonly maxLookbackMs?: number;
}

const WEEK_MS = 7 * 24 * 3600 * 1000;

/**
 * Pure schedule step. Only the newest due cron time fires; older missed ones are reported as
 * skipped, so a daemon that was down for a day fires once instead of storming. A schedule that
 * has never ticked starts from `now` (nothing fires for the past).
 *
 * @example
 * planScheduleTick({ cron: '0 * * * *', timezone: 'UTC', lastTickAt: t0, now: t0 + 3 * HOUR })
 * // → fire: t0+3h, skipped: [t0+1h, t0+2h]
 */
export function planScheduleTick(input: ScheduleTickInput): ScheduleTickPlan {
  const { now } = input;
  if (input.lastTickAt === null || input.lastTickAt > now) {
    return { fire: null, skipped: [], skippedCount: 0, lastTickAt: input.lastTickAt ?? now };
  }
  const maxSkipped = input.maxSkipped ?? 10;
  const from = Math.max(input.lastTickAt, now - (input.maxLookbackMs ?? WEEK_MS));
  const cron = new Cron(input.cron, { paused: true, timezone: input.timezone });
  const recent: number[] = [];
  let count = 0;
  let cursor = new Date(from);
  for (;;) {
    const next = cron.nextRun(cursor);
    if (!next || next.getTime() > now) break;
    count++;
    recent.push(next.getTime());
    if (recent.length > maxSkipped + 1) recent.shift();
    cursor = next;
  }
  if (count === 0) return { fire: null, skipped: [], skippedCount: 0, lastTickAt: input.lastTickAt };
  const fire = recent.pop()!;
  return { fire, skipped: recent, skippedCount: count - 1, lastTickAt: fire };
}

/** Stable run key of one schedule firing: the same cron time always yields the same key. */
export function scheduleRunKey(scheduleName: string, cronTime: number): string {
  return `schedule:${scheduleName}:${new Date(cronTime).toISOString()}`;
}

/** Namespaced run key of a sensor's run request, unique across sensors. */
export function sensorRunKey(sensorName: string, runKey: string): string {
  return `sensor:${sensorName}:${runKey}`;
}

/** True when a running sensor should be evaluated at `now`. */
export function isSensorDue(lastTickAt: number | null, minimumIntervalSeconds: number, now: number): boolean {
  return lastTickAt === null || now - lastTickAt >= minimumIntervalSeconds * 1000;
}

/** When a sensor is next due (epoch ms); `now` when it never ticked. */
export function nextSensorTickAt(
  lastTickAt: number | null,
  minimumIntervalSeconds: number,
  now: number,
): number {
  return lastTickAt === null ? now : Math.max(now, lastTickAt + minimumIntervalSeconds * 1000);
}
