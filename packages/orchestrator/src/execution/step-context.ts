import type { StepContext, StepLogger } from '../definitions/types.ts';
import type { OrchestratorLogger } from '../logging/logger.ts';
import type { LogLevel, Metadata, MetadataValue, Run } from '../runs/types.ts';
import type { EventBuffer } from './event-buffer.ts';

export type MetadataInput = Record<string, MetadataValue | number | string | boolean | null>;

const METADATA_TYPES = new Set([
  'int',
  'float',
  'text',
  'bool',
  'json',
  'url',
  'path',
  'timestamp',
  'duration_ms',
]);

/** Types plain values: integers → int, other numbers → float, strings → text, booleans → bool, null → json. */
export function normalizeMetadata(input: MetadataInput): Metadata {
  const out: Metadata = {};
  for (const [k, v] of Object.entries(input)) {
    if (v === null) out[k] = { type: 'json', value: null };
    else if (typeof v === 'number')
      out[k] = Number.isInteger(v) ? { type: 'int', value: v } : { type: 'float', value: v };
    else if (typeof v === 'string') out[k] = { type: 'text', value: v };
    else if (typeof v === 'boolean') out[k] = { type: 'bool', value: v };
    else if (typeof v === 'object' && METADATA_TYPES.has((v as MetadataValue).type)) out[k] = v;
    else out[k] = { type: 'json', value: v };
  }
  return out;
}

/** What one step attempt collected through its context; the executor turns it into materializations. */
export interface StepCollector {
  metadata: Metadata;
  reported: { partitionKey: string | null; metadata: Metadata }[];
}

export interface StepContextInput {
  run: Run;
  stepKey: string;
  config: unknown;
  attempt: number;
  inputs: Readonly<Record<string, unknown>>;
  resources: unknown;
  signal: AbortSignal;
  events: EventBuffer;
  logger: OrchestratorLogger | undefined;
  now: () => number;
}

/** Builds the context an asset/op compute function receives, and the collector it writes into. */
export function createStepContext(input: StepContextInput): { ctx: StepContext; collected: StepCollector } {
  const { run, stepKey, signal, events, now } = input;
  const collected: StepCollector = { metadata: {}, reported: [] };
  const stepLogger = input.logger?.child({ runId: run.runId, stepKey });
  const emit = (level: LogLevel, message: string, data?: Record<string, unknown>) => {
    events.push({
      runId: run.runId,
      timestamp: now(),
      type: 'LOG',
      level,
      stepKey,
      message: String(message),
      data: data ?? null,
    });
    stepLogger?.[level](data ?? {}, message);
  };
  const log: StepLogger = {
    debug: (m, d) => emit('debug', m, d),
    info: (m, d) => emit('info', m, d),
    warn: (m, d) => emit('warn', m, d),
    error: (m, d) => emit('error', m, d),
  };
  const ctx: StepContext = Object.freeze({
    runId: run.runId,
    jobName: run.jobName,
    stepKey,
    config: input.config,
    partitionKey: run.partitionKey,
    tags: run.tags,
    log,
    signal,
    attempt: input.attempt,
    inputs: input.inputs,
    resources: input.resources,
    addMetadata(metadata: MetadataInput) {
      Object.assign(collected.metadata, normalizeMetadata(metadata));
    },
    reportMaterialization(m: { partitionKey: string | null; metadata?: MetadataInput }) {
      collected.reported.push({
        partitionKey: m.partitionKey ?? null,
        metadata: normalizeMetadata(m.metadata ?? {}),
      });
    },
    throwIfAborted() {
      signal.throwIfAborted();
    },
  });
  return { ctx, collected };
}
