import type { z } from 'zod';
import type { LogLevel, Metadata, MetadataValue, RunConfig, Tags } from '../runs/types.ts';

export type DefaultStatus = 'RUNNING' | 'STOPPED';

/** Backoff between step retries: delay = delaySeconds * (backoff === 'exponential' ? 2^(attempt-1) : attempt), ± jitter. */
export interface RetryPolicy {
  readonly maxRetries: number;
  readonly delaySeconds: number;
  readonly backoff: 'constant' | 'linear' | 'exponential';
  readonly jitter: boolean;
}

export interface StepLogger {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

/** What an asset's or op's compute function receives. */
export interface StepContext<C = unknown, R = any> {
  readonly runId: string;
  readonly jobName: string;
  readonly stepKey: string;
  /** Validated config for this step (from run config `ops.<stepKey>.config`, defaults applied). */
  readonly config: C;
  /** The run's partition key, when the run targets one partition (e.g. one video). */
  readonly partitionKey: string | null;
  readonly tags: Tags;
  readonly log: StepLogger;
  /** Aborted on cancellation or run timeout. Pass it to fetch/child processes. */
  readonly signal: AbortSignal;
  /** Attempt number of this step, 1-based. */
  readonly attempt: number;
  /** Values returned by upstream steps of the same run, by step key. */
  readonly inputs: Readonly<Record<string, unknown>>;
  /** Shared services given to `Definitions` (database, downloader, …). */
  readonly resources: R;
  /** Attach typed metadata to this step's materialization. Plain numbers/strings/booleans are typed automatically. */
  addMetadata(metadata: Record<string, MetadataValue | number | string | boolean | null>): void;
  /** Record a materialization of another partition (e.g. one per video) of this asset. */
  reportMaterialization(input: {
    partitionKey: string | null;
    metadata?: Record<string, MetadataValue | number | string | boolean | null>;
  }): void;
  /** Throws if canceled; call in long loops. */
  throwIfAborted(): void;
}

export interface AssetDefinition<C = any, R = any> {
  readonly kind: 'asset';
  readonly key: string;
  readonly group: string;
  readonly deps: readonly string[];
  readonly description: string;
  readonly configSchema: z.ZodType<C> | null;
  readonly tags: Tags;
  readonly retryPolicy: RetryPolicy | null;
  /** Name of a dynamic partitions definition (e.g. 'videos'), or null when unpartitioned. */
  readonly partitions: { readonly kind: 'dynamic'; readonly name: string } | null;
  readonly metadata: Readonly<Record<string, string>>;
  compute(ctx: StepContext<C, R>): unknown | Promise<unknown>;
}

/** A plain step that does not materialize an asset. */
export interface OpDefinition<C = any, R = any> {
  readonly kind: 'op';
  readonly key: string;
  readonly deps: readonly string[];
  readonly description: string;
  readonly configSchema: z.ZodType<C> | null;
  readonly tags: Tags;
  readonly retryPolicy: RetryPolicy | null;
  compute(ctx: StepContext<C, R>): unknown | Promise<unknown>;
}

export type StepDefinition = AssetDefinition | OpDefinition;

export interface JobDefinition {
  readonly kind: 'job';
  readonly name: string;
  readonly description: string;
  /**
   * Asset selection strings (see graph/selection.ts): `key`, `group:name`, `+key` (key and its upstream),
   * `key+` (and downstream), `*` (all). Union of all entries.
   */
  readonly selection: readonly string[];
  /** Plain ops in this job (in addition to selected assets). */
  readonly ops: readonly OpDefinition[];
  readonly tags: Tags;
  readonly priority: number;
  /** Run timeout in seconds; null = the instance default (3600). */
  readonly timeoutSeconds: number | null;
  /** Max automatic re-queues of a run whose worker died, or re-executions after failure. */
  readonly runRetries: number;
  /** Max steps of one run executing at once. */
  readonly maxConcurrentSteps: number;
}

export interface RunRequest {
  /** Deduplicates: a run key produces at most one run, across evaluations and daemon restarts. */
  readonly runKey?: string;
  readonly runConfig?: RunConfig;
  readonly tags?: Record<string, string>;
  readonly partitionKey?: string;
  readonly priority?: number;
  /** Restrict to these step keys. */
  readonly stepSelection?: readonly string[];
  /** Another job than the sensor's own (a sensor that also asks for housekeeping runs). */
  readonly jobName?: string;
}

export interface SensorResult {
  readonly runRequests?: readonly RunRequest[];
  readonly skipReason?: string;
  readonly cursor?: string | null;
  /** Dynamic partitions to add before launching runs, e.g. { videos: ['abc123'] }. */
  readonly addPartitions?: Readonly<Record<string, readonly string[]>>;
}

export interface SensorContext<R = any> {
  readonly sensorName: string;
  readonly cursor: string | null;
  /** Epoch ms of this evaluation (injected clock). */
  readonly now: number;
  readonly lastTickAt: number | null;
  readonly log: StepLogger;
  readonly signal: AbortSignal;
  readonly resources: R;
}

export interface SensorDefinition<R = any> {
  readonly kind: 'sensor';
  readonly name: string;
  readonly jobName: string;
  readonly description: string;
  readonly minimumIntervalSeconds: number;
  readonly defaultStatus: DefaultStatus;
  evaluate(ctx: SensorContext<R>): SensorResult | Promise<SensorResult>;
}

export interface ScheduleDefinition {
  readonly kind: 'schedule';
  readonly name: string;
  readonly jobName: string;
  readonly description: string;
  readonly cron: string;
  readonly timezone: string;
  readonly defaultStatus: DefaultStatus;
  readonly runConfig: RunConfig;
  readonly tags: Tags;
}

export type { LogLevel, Metadata, MetadataValue };
