import type { StepLogger } from '../definitions/types.ts';
import type { OrchestratorLogger } from '../logging/logger.ts';
import type { TagConcurrencyLimit } from '../runs/queue-admission.ts';

/** Instance-wide policy shared by the Instance facade and the daemon. Plain, frozen data. */
export interface InstanceSettings {
  /** Default 5. */
  readonly maxConcurrentRuns: number;
  /** e.g. `[{ key: 'asr', limit: 1 }]`. */
  readonly tagLimits: readonly TagConcurrencyLimit[];
  /** Default run timeout when a job sets none. Default 3600. */
  readonly runTimeoutSeconds: number;
  /** Runs, events and ticks older than this many days are pruned; null keeps everything. Default 30. */
  readonly retentionDays: number | null;
  /** Ticks kept per sensor/schedule. Default 100. */
  readonly tickHistory: number;
  /**
   * A run re-queued because its worker died waits this long before its next attempt, doubling per
   * attempt (capped at 5 minutes), so work that kills its worker does not crash-loop. Default 0.
   */
  readonly runRetryDelaySeconds: number;
}

export const DEFAULT_SETTINGS: InstanceSettings = Object.freeze({
  maxConcurrentRuns: 5,
  tagLimits: Object.freeze([]),
  runTimeoutSeconds: 3600,
  retentionDays: 30,
  tickHistory: 100,
  runRetryDelaySeconds: 0,
});

export function resolveSettings(s: Partial<InstanceSettings> | undefined): InstanceSettings {
  const out = { ...DEFAULT_SETTINGS, ...stripUndefined(s ?? {}) };
  if (!(Number.isInteger(out.maxConcurrentRuns) && out.maxConcurrentRuns > 0))
    throw new RangeError(`maxConcurrentRuns must be a whole number > 0, got ${out.maxConcurrentRuns}.`);
  for (const l of out.tagLimits) {
    if (!l.key || !(Number.isInteger(l.limit) && l.limit >= 0))
      throw new RangeError(`tag limit ${JSON.stringify(l)} needs a key and a whole-number limit ≥ 0.`);
  }
  if (!(out.runRetryDelaySeconds >= 0))
    throw new RangeError(`runRetryDelaySeconds must be ≥ 0, got ${out.runRetryDelaySeconds}.`);
  if (!(out.runTimeoutSeconds > 0))
    throw new RangeError(`runTimeoutSeconds must be > 0, got ${out.runTimeoutSeconds}.`);
  return Object.freeze({ ...out, tagLimits: Object.freeze([...out.tagLimits]) });
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const noop = () => {};

export const NOOP_LOGGER: OrchestratorLogger = Object.freeze({
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  child: () => NOOP_LOGGER,
});

/** The message-first logger user code (sensors) sees, writing through the process logger. */
export function userCodeLogger(log: OrchestratorLogger, bindings: Record<string, unknown>): StepLogger {
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, data?: Record<string, unknown>) =>
      log[level]({ ...bindings, ...(data ?? {}) }, message);
  return Object.freeze({ debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') });
}
