import {
  ASSET_JOB_NAME,
  type Definitions,
  type Instance,
  type Run,
  resolveSelection,
  type ScheduleView,
  type SensorView,
  type Storage,
  TERMINAL_STATUSES,
} from '@llm-rag-yt/orchestrator';
import { runSensorTick } from '@llm-rag-yt/orchestrator/daemon/sensor-tick.ts';
import { prepareNewRun } from '@llm-rag-yt/orchestrator/instance/new-run.ts';

/**
 * A small Instance over the real storage and the real run-preparation and sensor-tick code, used
 * until the daemon engineer's createInstance lands (then tests switch to it). Runs are only
 * created here; the test's daemon or `executeRun` executes them.
 */
export function createTestInstance(storage: Storage, definitions: Definitions): Instance {
  const submitRun: Instance['submitRun'] = async (input) => {
    const { run } = await storage.runs.createRun(prepareNewRun(definitions, input), Date.now());
    return run;
  };
  const views = async <K extends 'sensor' | 'schedule'>(kind: K) => {
    const states = new Map((await storage.instigators.listStates()).map((s) => [s.name, s]));
    const defs = kind === 'sensor' ? definitions.sensors : definitions.schedules;
    return [...defs.values()].map((d) => {
      const state = states.get(d.name) ?? null;
      return { definition: d, state, status: state?.status ?? d.defaultStatus, nextTickAt: null };
    });
  };
  const instance: Instance = {
    definitions,
    storage,
    submitRun,
    materialize: (selection, opts = {}) =>
      submitRun({
        ...opts,
        jobName: ASSET_JOB_NAME,
        stepSelection: resolveSelection(definitions.assetGraph, selection),
      }),
    async cancelRun(runId) {
      const now = Date.now();
      const run = await storage.runs.getRun(runId);
      if (!run) throw new Error(`Unknown run ${runId}`);
      const next =
        (await storage.runs.transitionRun(runId, ['QUEUED'], 'CANCELED', now, { endedAt: now })) ??
        (await storage.runs.transitionRun(runId, ['STARTING', 'STARTED'], 'CANCELING', now));
      return next ?? run;
    },
    async reexecuteRun(runId, opts) {
      const parent = (await storage.runs.getRun(runId))!;
      const newRun = prepareNewRun(definitions, {
        jobName: parent.jobName,
        runConfig: parent.runConfig,
        tags: { ...parent.tags },
        partitionKey: parent.partitionKey,
        stepSelection: opts?.fromFailure ? parent.stepSelection : null,
        origin: 'api',
      });
      const { run } = await storage.runs.createRun(
        { ...newRun, parentRunId: parent.runId, rootRunId: parent.rootRunId ?? parent.runId },
        Date.now(),
      );
      return run;
    },
    async setSensorStatus(name, status) {
      definitions.getSensor(name);
      await storage.instigators.setState(name, 'sensor', { status }, Date.now());
      return (await views('sensor')).find((v) => v.definition.name === name) as SensorView;
    },
    async setScheduleStatus(name, status) {
      definitions.getSchedule(name);
      await storage.instigators.setState(name, 'schedule', { status }, Date.now());
      return (await views('schedule')).find((v) => v.definition.name === name) as ScheduleView;
    },
    listSensors: async () => (await views('sensor')) as SensorView[],
    listSchedules: async () => (await views('schedule')) as ScheduleView[],
    tickSensor: (name) =>
      runSensorTick(
        { storage, definitions, log: silentLog, evaluationTimeoutMs: 10_000 },
        definitions.getSensor(name),
        Date.now(),
      ),
    async wake() {},
    async waitForRun(runId) {
      for (;;) {
        const run = (await storage.runs.getRun(runId)) as Run;
        if (TERMINAL_STATUSES.includes(run.status)) return run;
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async close() {},
  };
  return instance;
}

const noop = () => {};
// biome-ignore lint/suspicious/noExplicitAny: the orchestrator logger shape is internal to it.
const silentLog: any = { debug: noop, info: noop, warn: noop, error: noop, child: () => silentLog };
