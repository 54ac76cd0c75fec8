import type { Definitions } from '../definitions/definitions.ts';
import type { DefaultStatus, ScheduleDefinition, SensorDefinition } from '../definitions/types.ts';
import type { Run, RunConfig, RunEvent } from '../runs/types.ts';
import type { InstigatorState, Storage, Tick } from '../storage/types.ts';

export interface SubmitRunInput {
  jobName: string;
  /** Validated against each step's config schema before the run is stored; InvalidConfigError names the bad path. */
  runConfig?: RunConfig;
  tags?: Record<string, string>;
  priority?: number;
  partitionKey?: string | null;
  stepSelection?: readonly string[] | null;
  runKey?: string | null;
  /** Who asked: 'cli', 'api', 'bot', 'sensor:<name>', 'schedule:<name>'. */
  origin?: string;
}

export interface SensorView {
  readonly definition: SensorDefinition;
  readonly status: DefaultStatus;
  readonly state: InstigatorState | null;
  readonly nextTickAt: number | null;
}

export interface ScheduleView {
  readonly definition: ScheduleDefinition;
  readonly status: DefaultStatus;
  readonly state: InstigatorState | null;
  readonly nextTickAt: number | null;
}

/**
 * The orchestrator as the rest of the app sees it: one object per process, over one Storage.
 * CLI, HTTP server, bot and RAG services call this; the daemon and workers execute.
 */
export interface Instance<R = any> {
  readonly definitions: Definitions<R>;
  readonly storage: Storage;
  /** Creates a QUEUED run (after validating config) and nudges the queue. */
  submitRun(input: SubmitRunInput): Promise<Run>;
  /** Ad-hoc run of an asset selection (`key`, `group:x`, `+key`, …), optionally one partition. */
  materialize(
    selection: readonly string[],
    opts?: Omit<SubmitRunInput, 'jobName' | 'stepSelection'>,
  ): Promise<Run>;
  /** QUEUED → CANCELED at once; in-progress → CANCELING, then the executor aborts user code. */
  cancelRun(runId: string): Promise<Run>;
  /** New run with parentRunId; `fromFailure` executes only failed/skipped steps and what follows them. */
  reexecuteRun(runId: string, opts?: { fromFailure?: boolean }): Promise<Run>;
  setSensorStatus(name: string, status: DefaultStatus): Promise<SensorView>;
  setScheduleStatus(name: string, status: DefaultStatus): Promise<ScheduleView>;
  listSensors(): Promise<SensorView[]>;
  listSchedules(): Promise<ScheduleView[]>;
  /** Evaluates a sensor now (even if stopped), stores the tick, creates its runs. */
  tickSensor(name: string): Promise<Tick>;
  /** Asks the daemon (same process, or via the database/Redis) to evaluate this sensor at once. */
  wake(sensorName?: string): Promise<void>;
  /** Resolves when the run is terminal; onEvent sees each new event in order. */
  waitForRun(
    runId: string,
    opts?: { signal?: AbortSignal; onEvent?: (e: RunEvent) => void; pollMs?: number },
  ): Promise<Run>;
  close(): Promise<void>;
}
