import type { DefaultStatus, ScheduleDefinition, SensorDefinition } from '../definitions/types.ts';
import { nextCronTime } from '../scheduling/cron.ts';
import { nextSensorTickAt } from '../scheduling/schedule-ticks.ts';
import type { InstigatorState } from '../storage/types.ts';
import type { ScheduleView, SensorView } from './types.ts';

/** A sensor as the UI/CLI shows it: effective status (stored toggle or default) and next tick. */
export function sensorView(
  definition: SensorDefinition,
  state: InstigatorState | undefined,
  now: number,
): SensorView {
  const status: DefaultStatus = state?.status ?? definition.defaultStatus;
  return Object.freeze({
    definition,
    status,
    state: state ?? null,
    nextTickAt:
      status === 'RUNNING'
        ? nextSensorTickAt(state?.lastTickAt ?? null, definition.minimumIntervalSeconds, now)
        : null,
  });
}

export function scheduleView(
  definition: ScheduleDefinition,
  state: InstigatorState | undefined,
  now: number,
): ScheduleView {
  const status: DefaultStatus = state?.status ?? definition.defaultStatus;
  const from = Math.max(now, state?.lastTickAt ?? now);
  return Object.freeze({
    definition,
    status,
    state: state ?? null,
    nextTickAt: status === 'RUNNING' ? nextCronTime(definition.cron, definition.timezone, from) : null,
  });
}
