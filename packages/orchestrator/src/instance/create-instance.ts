import type { DaemonLauncher } from '../daemon/launcher.ts';
import { emitLocalWake } from '../daemon/local-wake.ts';
import { runSensorTick } from '../daemon/sensor-tick.ts';
import { type InstanceSettings, NOOP_LOGGER, resolveSettings } from '../daemon/settings.ts';
import type { WakeRequests } from '../daemon/wake-requests.ts';
import { ASSET_JOB_NAME, type Definitions } from '../definitions/definitions.ts';
import type { DefaultStatus } from '../definitions/types.ts';
import { UnknownNameError } from '../errors.ts';
import { resolveSelection } from '../graph/selection.ts';
import type { OrchestratorLogger } from '../logging/logger.ts';
import { assertCan, moveRun, RUN } from '../runs/status-machine.ts';
import type { Run } from '../runs/types.ts';
import type { Storage } from '../storage/types.ts';
import { scheduleView, sensorView } from './instigator-views.ts';
import { prepareNewRun } from './new-run.ts';
import { reexecutionInput } from './reexecution.ts';
import type { Instance, SubmitRunInput } from './types.ts';
import { waitForRun } from './wait-for-run.ts';

export interface CreateInstanceOptions<R = any> {
  readonly storage: Storage;
  readonly definitions: Definitions<R>;
  /** The launcher of this process, if it executes runs (so cancel reaches them at once). */
  readonly launcher?: DaemonLauncher & { close?(): Promise<void> };
  readonly settings?: Partial<InstanceSettings>;
  /** Reaches a daemon in another process; without it only a daemon in this process is woken. */
  readonly wakeRequests?: WakeRequests;
  readonly log?: OrchestratorLogger;
  /** Longest `tickSensor` waits for a sensor's evaluate(). Default 60 s. */
  readonly sensorTimeoutMs?: number;
  /** Injected clock. */
  readonly now?: () => number;
}

/**
 * The orchestrator facade for one process. `close()` closes the launcher (if given) and the storage.
 *
 * @example
 * const instance = createInstance({ storage, definitions, settings: { maxConcurrentRuns: 5 } });
 * const run = await instance.submitRun({ jobName: 'ingest', origin: 'cli' });
 * await instance.waitForRun(run.runId, { onEvent: (e) => console.log(e.message) });
 */
export function createInstance<R = any>(options: CreateInstanceOptions<R>): Instance<R> {
  const { storage, definitions, launcher, wakeRequests } = options;
  // Validated here too, so a bad setting fails when the process starts, not in the daemon loop.
  resolveSettings(options.settings);
  const log = options.log ?? NOOP_LOGGER;
  const now = options.now ?? Date.now;

  const nudge = async (sensorName: string | null) => {
    // The row first: a daemon in this process drains it in the iteration the local wake starts.
    if (wakeRequests) await wakeRequests.request(sensorName, now());
    emitLocalWake(storage, sensorName);
  };
  const getRun = async (runId: string): Promise<Run> => {
    const run = await storage.runs.getRun(runId);
    if (!run) throw new UnknownNameError('run', runId, []);
    return run;
  };
  const submit = async (input: SubmitRunInput, lineage?: { parentRunId: string; rootRunId: string }) => {
    const newRun = { ...prepareNewRun(definitions, input), ...(lineage ?? {}) };
    const { run } = await storage.runs.createRun(newRun, now());
    await nudge(null);
    return run;
  };

  const instance: Instance<R> = {
    definitions,
    storage,
    submitRun: (input) => submit(input),

    async materialize(selection, opts = {}) {
      const keys = resolveSelection(definitions.assetGraph, selection);
      return submit({ ...opts, jobName: ASSET_JOB_NAME, stepSelection: keys });
    },

    async cancelRun(runId) {
      for (let attempt = 0; attempt < 3; attempt++) {
        const run = await getRun(runId);
        const t = now();
        switch (run.status) {
          case 'CANCELED':
          case 'CANCELING':
            return run;
          case 'SUCCESS':
          case 'FAILURE':
            // Finished: neither cancel transition applies (InvalidTransitionError, a conflict).
            assertCan(
              run,
              RUN.requestCancel,
              `Run ${runId} already finished with ${run.status}; there is nothing to cancel.`,
            );
            return run;
          case 'QUEUED': {
            const canceled = await moveRun(storage.runs, runId, RUN.cancelQueued, t, {
              endedAt: t,
            });
            if (!canceled) continue; // launched meanwhile: cancel it as an in-progress run
            await storage.events.appendEvents([
              runEvent(runId, t, 'RUN_CANCELED', 'Canceled before it started.'),
            ]);
            return canceled;
          }
          case 'STARTING':
          case 'STARTED': {
            const canceling = await moveRun(storage.runs, runId, RUN.requestCancel, t);
            if (!canceling) continue;
            await storage.events.appendEvents([
              runEvent(runId, t, 'RUN_CANCELING', 'Cancel requested; stopping the run.'),
            ]);
            // The executor also polls storage for CANCELING; this only makes the stop immediate (a
            // broadcast to the workers, or a local abort; a no-op for a run the launcher does not hold).
            if (launcher) await launcher.cancel(runId);
            await nudge(null);
            return canceling;
          }
        }
      }
      return getRun(runId);
    },

    async reexecuteRun(runId, opts = {}) {
      const parent = await getRun(runId);
      const { parentRunId, rootRunId, ...input } = await reexecutionInput(
        storage,
        definitions,
        parent,
        opts.fromFailure ?? false,
      );
      return submit(input, { parentRunId, rootRunId });
    },

    async setSensorStatus(name, status: DefaultStatus) {
      const def = definitions.getSensor(name);
      const state = await storage.instigators.setState(name, 'sensor', { status }, now());
      if (status === 'RUNNING') await nudge(name);
      return sensorView(def, state, now());
    },

    async setScheduleStatus(name, status: DefaultStatus) {
      const def = definitions.getSchedule(name);
      const before = await storage.instigators.getState(name);
      const wasRunning = (before?.status ?? def.defaultStatus) === 'RUNNING';
      const t = now();
      // A schedule turned on starts from now: ticks missed while it was off are not "missed".
      const patch = status === 'RUNNING' && !wasRunning ? { status, lastTickAt: t } : { status };
      const state = await storage.instigators.setState(name, 'schedule', patch, t);
      return scheduleView(def, state, t);
    },

    async listSensors() {
      const states = new Map((await storage.instigators.listStates()).map((s) => [s.name, s]));
      const t = now();
      return [...definitions.sensors.values()].map((d) => sensorView(d, states.get(d.name), t));
    },

    async listSchedules() {
      const states = new Map((await storage.instigators.listStates()).map((s) => [s.name, s]));
      const t = now();
      return [...definitions.schedules.values()].map((d) => scheduleView(d, states.get(d.name), t));
    },

    async tickSensor(name) {
      const sensor = definitions.getSensor(name);
      const tick = await runSensorTick(
        { storage, definitions, log, evaluationTimeoutMs: options.sensorTimeoutMs ?? 60_000 },
        sensor,
        now(),
      );
      if (tick.runIds.length) await nudge(null);
      return tick;
    },

    async wake(sensorName) {
      if (sensorName !== undefined) definitions.getSensor(sensorName);
      await nudge(sensorName ?? null);
    },

    waitForRun: (runId, opts) => waitForRun(storage, runId, opts),

    async close() {
      await launcher?.close?.();
      await storage.close();
    },
  };
  return Object.freeze(instance);
}

function runEvent(runId: string, timestamp: number, type: 'RUN_CANCELED' | 'RUN_CANCELING', message: string) {
  return { runId, timestamp, type, level: 'warn' as const, stepKey: null, message, data: null };
}
