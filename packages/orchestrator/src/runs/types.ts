import type { SerializedError } from '../errors.ts';

/** QUEUED → STARTING → STARTED → SUCCESS | FAILURE | CANCELING → CANCELED */
export type RunStatus = 'QUEUED' | 'STARTING' | 'STARTED' | 'SUCCESS' | 'FAILURE' | 'CANCELING' | 'CANCELED';

export const RUN_STATUSES: readonly RunStatus[] = Object.freeze([
  'QUEUED',
  'STARTING',
  'STARTED',
  'SUCCESS',
  'FAILURE',
  'CANCELING',
  'CANCELED',
]);

export const TERMINAL_STATUSES: readonly RunStatus[] = Object.freeze(['SUCCESS', 'FAILURE', 'CANCELED']);
export const IN_PROGRESS_STATUSES: readonly RunStatus[] = Object.freeze(['STARTING', 'STARTED', 'CANCELING']);

export type Tags = Readonly<Record<string, string>>;

/** Run config in the seed's YAML shape: `ops: { <step>: { config: {...} } }`. */
export interface RunConfig {
  ops?: Record<string, { config?: unknown }>;
  [key: string]: unknown;
}

export interface Run {
  readonly runId: string;
  readonly jobName: string;
  readonly status: RunStatus;
  readonly runConfig: RunConfig;
  readonly tags: Tags;
  /** Higher runs first. Default 0. */
  readonly priority: number;
  /** Dedupe key from a sensor/schedule; unique across all runs when set. */
  readonly runKey: string | null;
  readonly partitionKey: string | null;
  /** Asset/op step keys to execute; null = the whole job. */
  readonly stepSelection: readonly string[] | null;
  readonly parentRunId: string | null;
  readonly rootRunId: string | null;
  /** Which sensor/schedule/user/cli made this run, e.g. `sensor:youtube_url_sensor`. */
  readonly origin: string | null;
  /** Process that executes (or executed) the run; used by the run monitor. */
  readonly workerId: string | null;
  /** 1 for the first attempt; re-queued runs after a worker crash increment it. */
  readonly attempt: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  readonly error: SerializedError | null;
}

export interface NewRun {
  runId?: string;
  jobName: string;
  runConfig?: RunConfig;
  tags?: Record<string, string>;
  priority?: number;
  runKey?: string | null;
  partitionKey?: string | null;
  stepSelection?: readonly string[] | null;
  parentRunId?: string | null;
  rootRunId?: string | null;
  origin?: string | null;
}

export type EventType =
  | 'RUN_ENQUEUED'
  | 'RUN_STARTING'
  | 'RUN_START'
  | 'RUN_SUCCESS'
  | 'RUN_FAILURE'
  | 'RUN_CANCELING'
  | 'RUN_CANCELED'
  | 'STEP_START'
  | 'STEP_SUCCESS'
  | 'STEP_FAILURE'
  | 'STEP_RETRY'
  | 'STEP_SKIPPED'
  | 'ASSET_MATERIALIZATION'
  | 'LOG';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Typed metadata values reported by assets. */
export type MetadataValue =
  | { type: 'int'; value: number }
  | { type: 'float'; value: number }
  | { type: 'text'; value: string }
  | { type: 'bool'; value: boolean }
  | { type: 'json'; value: unknown }
  | { type: 'url'; value: string }
  | { type: 'path'; value: string }
  | { type: 'timestamp'; value: number }
  | { type: 'duration_ms'; value: number };

export type Metadata = Record<string, MetadataValue>;

export interface RunEvent {
  readonly id: number;
  readonly runId: string;
  readonly timestamp: number;
  readonly type: EventType;
  readonly level: LogLevel;
  readonly stepKey: string | null;
  readonly message: string;
  /** Event payload: durations, metadata, error, attempt, asset key… */
  readonly data: Record<string, unknown> | null;
}

export type NewRunEvent = Omit<RunEvent, 'id'>;

export interface AssetMaterialization {
  readonly id: number;
  readonly assetKey: string;
  readonly partitionKey: string | null;
  readonly runId: string;
  readonly timestamp: number;
  readonly metadata: Metadata;
}
