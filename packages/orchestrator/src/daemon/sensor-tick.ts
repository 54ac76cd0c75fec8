import type { Definitions } from '../definitions/definitions.ts';
import type { SensorDefinition, SensorResult } from '../definitions/types.ts';
import { errorMessage, type SerializedError, serializeError, UserCodeError } from '../errors.ts';
import { prepareNewRun } from '../instance/new-run.ts';
import type { OrchestratorLogger } from '../logging/logger.ts';
import { sensorRunKey } from '../scheduling/schedule-ticks.ts';
import type { Storage, Tick } from '../storage/types.ts';
import { userCodeLogger } from './settings.ts';
import { withTimeout } from './with-timeout.ts';

export interface SensorTickDeps {
  readonly storage: Storage;
  readonly definitions: Definitions;
  readonly log: OrchestratorLogger;
  /** Longest a single evaluation may take before it is aborted and recorded as FAILURE. */
  readonly evaluationTimeoutMs: number;
}

/**
 * Evaluates one sensor once and records everything: the tick (with run ids, run keys, skip
 * reason or error), the new cursor, added partitions and the requested runs. Never throws for
 * user-code problems — a throwing, hanging or malformed sensor yields a FAILURE tick.
 * Runs are created with the run key `sensor:<name>:<runKey>` so the storage's unique index makes a
 * second run for the same key impossible, across evaluations and daemon restarts.
 */
export async function runSensorTick(
  deps: SensorTickDeps,
  sensor: SensorDefinition,
  now: number,
): Promise<Tick> {
  const { storage } = deps;
  const state = await storage.instigators.getState(sensor.name);
  const started = Date.now();
  let result: SensorResult;
  try {
    result = await withTimeout(`sensor '${sensor.name}'`, deps.evaluationTimeoutMs, (signal) =>
      sensor.evaluate({
        sensorName: sensor.name,
        cursor: state?.cursor ?? null,
        now,
        lastTickAt: state?.lastTickAt ?? null,
        log: userCodeLogger(deps.log, { sensor: sensor.name }),
        signal,
        resources: deps.definitions.resources,
      }),
    );
    checkResult(sensor.name, result);
  } catch (cause) {
    const error = serializeError(new UserCodeError(`sensor '${sensor.name}' evaluate()`, cause));
    deps.log.warn({}, `sensor '${sensor.name}' failed: ${errorMessage(cause)}`);
    // The cursor stays where it was, so the next evaluation sees the same input again.
    await storage.instigators.setState(sensor.name, 'sensor', { lastTickAt: now }, now);
    return storage.instigators.addTick(
      tickOf(sensor.name, now, started, { status: 'FAILURE', error, cursor: state?.cursor ?? null }),
    );
  }

  for (const [name, keys] of Object.entries(result.addPartitions ?? {})) {
    await storage.partitions.addPartitions(name, keys, now);
  }
  const runIds: string[] = [];
  const runKeys: string[] = [];
  const problems: string[] = [];
  let existing = 0;
  for (const [i, request] of (result.runRequests ?? []).entries()) {
    try {
      const runKey = request.runKey ? sensorRunKey(sensor.name, request.runKey) : null;
      const newRun = prepareNewRun(deps.definitions, {
        jobName: request.jobName ?? sensor.jobName,
        runConfig: request.runConfig,
        tags: { ...(request.tags ?? {}), 'orchestrator/sensor': sensor.name },
        priority: request.priority,
        partitionKey: request.partitionKey ?? null,
        stepSelection: request.stepSelection ?? null,
        runKey,
        origin: `sensor:${sensor.name}`,
      });
      const { run, created } = await storage.runs.createRun(newRun, now);
      if (runKey) runKeys.push(runKey);
      if (created) runIds.push(run.runId);
      else existing++;
    } catch (e) {
      problems.push(
        `runRequests[${i}]${request.runKey ? ` (runKey '${request.runKey}')` : ''}: ${errorMessage(e)}`,
      );
    }
  }
  const cursor = result.cursor === undefined ? (state?.cursor ?? null) : result.cursor;
  await storage.instigators.setState(sensor.name, 'sensor', { lastTickAt: now, cursor }, now);
  if (problems.length) {
    const error: SerializedError = {
      className: 'InvalidRunRequestError',
      message: `sensor '${sensor.name}' returned ${problems.length} run request(s) that could not be launched:\n${problems.join('\n')}`,
    };
    deps.log.warn({}, error.message);
    return storage.instigators.addTick(
      tickOf(sensor.name, now, started, { status: 'FAILURE', error, runIds, runKeys, cursor }),
    );
  }
  if (runIds.length) {
    return storage.instigators.addTick(
      tickOf(sensor.name, now, started, { status: 'SUCCESS', runIds, runKeys, cursor }),
    );
  }
  const skipReason =
    existing > 0
      ? `All ${existing} requested run key(s) already have runs.`
      : (result.skipReason ?? 'The sensor requested no runs.');
  return storage.instigators.addTick(
    tickOf(sensor.name, now, started, { status: 'SKIPPED', skipReason, runKeys, cursor }),
  );
}

function tickOf(
  name: string,
  now: number,
  started: number,
  t: Partial<Omit<Tick, 'id' | 'name' | 'kind'>> & Pick<Tick, 'status'>,
): Omit<Tick, 'id'> {
  return {
    name,
    kind: 'sensor',
    timestamp: now,
    durationMs: Date.now() - started,
    runIds: t.runIds ?? [],
    runKeys: t.runKeys ?? [],
    skipReason: t.skipReason ?? null,
    cursor: t.cursor ?? null,
    error: t.error ?? null,
    status: t.status,
  };
}

/** Sensors are user code; check the shape so a typo fails loudly instead of silently doing nothing. */
function checkResult(name: string, result: unknown): asserts result is SensorResult {
  const where = `sensor '${name}' returned`;
  if (typeof result !== 'object' || result === null)
    throw new Error(
      `${where} ${result === null ? 'null' : typeof result}; return { runRequests, skipReason, cursor }.`,
    );
  const r = result as Record<string, unknown>;
  if (r.runRequests !== undefined && !Array.isArray(r.runRequests))
    throw new Error(`${where} runRequests that is not an array.`);
  if (r.cursor !== undefined && r.cursor !== null && typeof r.cursor !== 'string')
    throw new Error(
      `${where} a cursor of type ${typeof r.cursor}; cursors are strings (JSON.stringify objects).`,
    );
  if (r.addPartitions !== undefined && (typeof r.addPartitions !== 'object' || r.addPartitions === null))
    throw new Error(`${where} addPartitions that is not a mapping of partitions name → keys.`);
}
