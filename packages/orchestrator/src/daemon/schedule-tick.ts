import type { Definitions } from '../definitions/definitions.ts';
import type { ScheduleDefinition } from '../definitions/types.ts';
import { errorMessage, serializeError, UserCodeError } from '../errors.ts';
import { prepareNewRun } from '../instance/new-run.ts';
import type { OrchestratorLogger } from '../logging/logger.ts';
import { planScheduleTick, scheduleRunKey } from '../scheduling/schedule-ticks.ts';
import type { InstigatorState, Storage, Tick } from '../storage/types.ts';

export interface ScheduleTickDeps {
  readonly storage: Storage;
  readonly definitions: Definitions;
  readonly log: OrchestratorLogger;
}

/**
 * One schedule step at `now` for a RUNNING schedule. Fires at most the newest due cron time
 * (older missed ones become SKIPPED ticks), with run key `schedule:<name>:<cron time ISO>`:
 * if the daemon died after creating the run but before storing lastTickAt, the restart finds the
 * existing run instead of creating a second one. A schedule that never ticked starts from now.
 */
export async function runScheduleTick(
  deps: ScheduleTickDeps,
  schedule: ScheduleDefinition,
  state: InstigatorState | undefined,
  now: number,
): Promise<Tick[]> {
  const { storage } = deps;
  if (state?.lastTickAt == null) {
    await storage.instigators.setState(schedule.name, 'schedule', { lastTickAt: now }, now);
    return [];
  }
  const plan = planScheduleTick({
    cron: schedule.cron,
    timezone: schedule.timezone,
    lastTickAt: state.lastTickAt,
    now,
  });
  if (plan.fire === null) return [];
  const ticks: Tick[] = [];
  const started = Date.now();
  for (const t of plan.skipped) {
    ticks.push(
      await storage.instigators.addTick(
        tick(schedule.name, t, 0, {
          status: 'SKIPPED',
          skipReason: `Missed while the daemon was not running; only the newest missed tick (${iso(plan.fire)}) fired${
            plan.skippedCount > plan.skipped.length ? ` (${plan.skippedCount} missed in all)` : ''
          }.`,
        }),
      ),
    );
  }
  const runKey = scheduleRunKey(schedule.name, plan.fire);
  try {
    const newRun = prepareNewRun(deps.definitions, {
      jobName: schedule.jobName,
      runConfig: schedule.runConfig,
      tags: {
        ...schedule.tags,
        'orchestrator/schedule': schedule.name,
        'orchestrator/scheduled_time': iso(plan.fire),
      },
      runKey,
      origin: `schedule:${schedule.name}`,
    });
    const { run, created } = await storage.runs.createRun(newRun, now);
    ticks.push(
      await storage.instigators.addTick(
        tick(schedule.name, plan.fire, Date.now() - started, {
          status: created ? 'SUCCESS' : 'SKIPPED',
          runIds: created ? [run.runId] : [],
          runKeys: [runKey],
          skipReason: created ? null : `Already fired: run ${run.runId} exists for ${iso(plan.fire)}.`,
        }),
      ),
    );
  } catch (cause) {
    deps.log.warn({}, `schedule '${schedule.name}' could not create its run: ${errorMessage(cause)}`);
    ticks.push(
      await storage.instigators.addTick(
        tick(schedule.name, plan.fire, Date.now() - started, {
          status: 'FAILURE',
          runKeys: [runKey],
          error: serializeError(new UserCodeError(`schedule '${schedule.name}' at ${iso(plan.fire)}`, cause)),
        }),
      ),
    );
  }
  await storage.instigators.setState(schedule.name, 'schedule', { lastTickAt: plan.lastTickAt }, now);
  return ticks;
}

function iso(t: number): string {
  return new Date(t).toISOString();
}

function tick(
  name: string,
  timestamp: number,
  durationMs: number,
  t: Partial<Omit<Tick, 'id' | 'name' | 'kind'>> & Pick<Tick, 'status'>,
): Omit<Tick, 'id'> {
  return {
    name,
    kind: 'schedule',
    timestamp,
    durationMs,
    runIds: t.runIds ?? [],
    runKeys: t.runKeys ?? [],
    skipReason: t.skipReason ?? null,
    cursor: null,
    error: t.error ?? null,
    status: t.status,
  };
}
