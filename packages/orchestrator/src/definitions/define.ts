import { z } from 'zod';
import { InvalidCronError, InvalidDefinitionError } from '../errors.ts';
import type { RunConfig } from '../runs/types.ts';
import { validateCron, validateTimezone } from '../scheduling/cron.ts';
import type {
  AssetDefinition,
  DefaultStatus,
  JobDefinition,
  OpDefinition,
  RetryPolicy,
  ScheduleDefinition,
  SensorContext,
  SensorDefinition,
  SensorResult,
  StepContext,
} from './types.ts';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function checkName(kind: string, name: unknown): string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new InvalidDefinitionError(
      `Invalid ${kind} name ${JSON.stringify(name)}: use letters, digits and underscores, starting with a letter or underscore.`,
    );
  }
  return name;
}

function checkTags(
  where: string,
  tags: Record<string, string> | undefined,
): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags ?? {})) {
    if (typeof v !== 'string')
      throw new InvalidDefinitionError(`${where}: tag '${k}' must be a string, got ${typeof v}.`);
    out[k] = v;
  }
  return Object.freeze(out);
}

function retryPolicy(where: string, p: Partial<RetryPolicy> | undefined): RetryPolicy | null {
  if (!p) return null;
  const policy: RetryPolicy = {
    maxRetries: p.maxRetries ?? 0,
    delaySeconds: p.delaySeconds ?? 1,
    backoff: p.backoff ?? 'exponential',
    jitter: p.jitter ?? false,
  };
  if (!Number.isInteger(policy.maxRetries) || policy.maxRetries < 0)
    throw new InvalidDefinitionError(`${where}: retry.maxRetries must be a whole number ≥ 0.`);
  if (!(policy.delaySeconds >= 0))
    throw new InvalidDefinitionError(`${where}: retry.delaySeconds must be ≥ 0.`);
  return Object.freeze(policy);
}

function checkFn(where: string, fn: unknown, name: string): void {
  if (typeof fn !== 'function') throw new InvalidDefinitionError(`${where}: '${name}' must be a function.`);
}

export interface AssetInput<C, R> {
  key: string;
  group?: string;
  deps?: readonly string[];
  description?: string;
  config?: z.ZodType<C>;
  tags?: Record<string, string>;
  retry?: Partial<RetryPolicy>;
  partitions?: { kind: 'dynamic'; name: string };
  metadata?: Record<string, string>;
  compute: (ctx: StepContext<C, R>) => unknown | Promise<unknown>;
}

/**
 * Defines a software-defined asset.
 * @example
 * defineAsset({ key: 'embedded_content', group: 'processing', deps: ['transcribed_audio_files'], compute: async (ctx) => {...} })
 */
export function defineAsset<C = Record<string, never>, R = any>(
  input: AssetInput<C, R>,
): AssetDefinition<C, R> {
  const key = checkName('asset', input.key);
  const where = `asset '${key}'`;
  checkFn(where, input.compute, 'compute');
  if (input.partitions && (input.partitions.kind !== 'dynamic' || !NAME.test(input.partitions.name)))
    throw new InvalidDefinitionError(
      `${where}: partitions must be { kind: 'dynamic', name: '<identifier>' }.`,
    );
  const deps = [...(input.deps ?? [])];
  for (const d of deps) checkName(`dependency of ${where}`, d);
  if (deps.includes(key)) throw new InvalidDefinitionError(`${where} depends on itself.`);
  return Object.freeze({
    kind: 'asset' as const,
    key,
    group: input.group ? checkName('group', input.group) : 'default',
    deps: Object.freeze(deps),
    description: input.description ?? '',
    configSchema: input.config ?? null,
    tags: checkTags(where, input.tags),
    retryPolicy: retryPolicy(where, input.retry),
    partitions: input.partitions ? Object.freeze({ ...input.partitions }) : null,
    metadata: Object.freeze({ ...(input.metadata ?? {}) }),
    compute: input.compute,
  });
}

export interface OpInput<C, R> {
  key: string;
  deps?: readonly string[];
  description?: string;
  config?: z.ZodType<C>;
  tags?: Record<string, string>;
  retry?: Partial<RetryPolicy>;
  compute: (ctx: StepContext<C, R>) => unknown | Promise<unknown>;
}

/** Defines a plain step (no asset materialization), usable in jobs through `ops`. */
export function defineOp<C = Record<string, never>, R = any>(input: OpInput<C, R>): OpDefinition<C, R> {
  const key = checkName('op', input.key);
  const where = `op '${key}'`;
  checkFn(where, input.compute, 'compute');
  return Object.freeze({
    kind: 'op' as const,
    key,
    deps: Object.freeze([...(input.deps ?? [])]),
    description: input.description ?? '',
    configSchema: input.config ?? null,
    tags: checkTags(where, input.tags),
    retryPolicy: retryPolicy(where, input.retry),
    compute: input.compute,
  });
}

export interface JobInput {
  name: string;
  description?: string;
  selection?: string | readonly string[];
  ops?: readonly OpDefinition[];
  tags?: Record<string, string>;
  priority?: number;
  timeoutSeconds?: number;
  runRetries?: number;
  maxConcurrentSteps?: number;
}

/** Defines a job: a selection of assets and/or plain ops run together. */
export function defineJob(input: JobInput): JobDefinition {
  const name = checkName('job', input.name);
  const where = `job '${name}'`;
  const selection = typeof input.selection === 'string' ? [input.selection] : [...(input.selection ?? [])];
  if (selection.length === 0 && (input.ops ?? []).length === 0)
    throw new InvalidDefinitionError(
      `${where} selects no assets and has no ops; give it 'selection' or 'ops'.`,
    );
  if (input.timeoutSeconds !== undefined && !(input.timeoutSeconds > 0))
    throw new InvalidDefinitionError(`${where}: timeoutSeconds must be > 0.`);
  return Object.freeze({
    kind: 'job' as const,
    name,
    description: input.description ?? '',
    selection: Object.freeze(selection),
    ops: Object.freeze([...(input.ops ?? [])]),
    tags: checkTags(where, input.tags),
    priority: input.priority ?? 0,
    timeoutSeconds: input.timeoutSeconds ?? null,
    runRetries: input.runRetries ?? 0,
    maxConcurrentSteps: input.maxConcurrentSteps ?? 4,
  });
}

export interface SensorInput<R> {
  name: string;
  job: string | JobDefinition;
  description?: string;
  minimumIntervalSeconds?: number;
  defaultStatus?: DefaultStatus;
  evaluate: (ctx: SensorContext<R>) => SensorResult | Promise<SensorResult>;
}

/** Defines a sensor. It returns run requests as data; the daemon launches them. */
export function defineSensor<R = any>(input: SensorInput<R>): SensorDefinition<R> {
  const name = checkName('sensor', input.name);
  const where = `sensor '${name}'`;
  checkFn(where, input.evaluate, 'evaluate');
  const interval = input.minimumIntervalSeconds ?? 30;
  if (!(interval > 0)) throw new InvalidDefinitionError(`${where}: minimumIntervalSeconds must be > 0.`);
  const status = input.defaultStatus ?? 'STOPPED';
  if (status !== 'RUNNING' && status !== 'STOPPED')
    throw new InvalidDefinitionError(`${where}: defaultStatus must be 'RUNNING' or 'STOPPED'.`);
  return Object.freeze({
    kind: 'sensor' as const,
    name,
    jobName: typeof input.job === 'string' ? input.job : input.job.name,
    description: input.description ?? '',
    minimumIntervalSeconds: interval,
    defaultStatus: status,
    evaluate: input.evaluate,
  });
}

export interface ScheduleInput {
  name: string;
  job: string | JobDefinition;
  cron: string;
  timezone?: string;
  description?: string;
  defaultStatus?: DefaultStatus;
  runConfig?: RunConfig;
  tags?: Record<string, string>;
}

/** Defines a cron schedule for a job. Cron and timezone are validated here. */
export function defineSchedule(input: ScheduleInput): ScheduleDefinition {
  const name = checkName('schedule', input.name);
  const where = `schedule '${name}'`;
  const cronError = validateCron(input.cron);
  if (cronError) throw new InvalidCronError(where, String(input.cron), cronError);
  const timezone = input.timezone ?? 'UTC';
  if (!validateTimezone(timezone))
    throw new InvalidDefinitionError(
      `${where}: unknown timezone '${timezone}'. Use an IANA name such as 'UTC' or 'Europe/Berlin'.`,
    );
  return Object.freeze({
    kind: 'schedule' as const,
    name,
    jobName: typeof input.job === 'string' ? input.job : input.job.name,
    description: input.description ?? '',
    cron: input.cron,
    timezone,
    defaultStatus: input.defaultStatus ?? 'STOPPED',
    runConfig: Object.freeze({ ...(input.runConfig ?? {}) }),
    tags: checkTags(where, input.tags),
  });
}

export { z };
