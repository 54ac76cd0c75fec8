import type { Selectable } from 'kysely';
import type { DefaultStatus } from '../../definitions/types.ts';
import type { SerializedError } from '../../errors.ts';
import type {
  AssetMaterialization,
  EventType,
  LogLevel,
  Metadata,
  Run,
  RunConfig,
  RunEvent,
  RunStatus,
} from '../../runs/types.ts';
import type { DaemonHeartbeat, InstigatorState, Tick, TickStatus } from '../types.ts';
import type {
  DaemonHeartbeatsTable,
  EventsTable,
  InstigatorStateTable,
  MaterializationsTable,
  RunsTable,
  TicksTable,
} from './tables.ts';

/* Row ↔ domain mapping. Results are frozen: callers get plain data they cannot mutate by accident. */

export function json(value: unknown): string {
  return JSON.stringify(value ?? null);
}

function parse<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

/** Postgres may hand back bigint/numeric as strings if a type parser is missing; be tolerant. */
function num(v: number | string): number {
  return typeof v === 'number' ? v : Number(v);
}

function numOrNull(v: number | string | null): number | null {
  return v === null ? null : num(v);
}

export function toRun(r: Selectable<RunsTable>): Run {
  return Object.freeze({
    runId: r.run_id,
    jobName: r.job_name,
    status: r.status as RunStatus,
    runConfig: parse<RunConfig>(r.run_config) ?? {},
    tags: Object.freeze(parse<Record<string, string>>(r.tags) ?? {}),
    priority: num(r.priority),
    runKey: r.run_key,
    partitionKey: r.partition_key,
    stepSelection: parse<string[]>(r.step_selection),
    parentRunId: r.parent_run_id,
    rootRunId: r.root_run_id,
    origin: r.origin,
    workerId: r.worker_id,
    attempt: num(r.attempt),
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
    startedAt: numOrNull(r.started_at),
    endedAt: numOrNull(r.ended_at),
    error: parse<SerializedError>(r.error),
  });
}

export function toEvent(r: Selectable<EventsTable>): RunEvent {
  return Object.freeze({
    id: num(r.id),
    runId: r.run_id,
    timestamp: num(r.timestamp),
    type: r.type as EventType,
    level: r.level as LogLevel,
    stepKey: r.step_key,
    message: r.message,
    data: parse<Record<string, unknown>>(r.data),
  });
}

export function toMaterialization(r: Selectable<MaterializationsTable>): AssetMaterialization {
  return Object.freeze({
    id: num(r.id),
    assetKey: r.asset_key,
    partitionKey: r.partition_key,
    runId: r.run_id,
    timestamp: num(r.timestamp),
    metadata: parse<Metadata>(r.metadata) ?? {},
  });
}

export function toInstigatorState(r: Selectable<InstigatorStateTable>): InstigatorState {
  return Object.freeze({
    name: r.name,
    kind: r.kind as InstigatorState['kind'],
    status: r.status as DefaultStatus | null,
    cursor: r.cursor,
    lastTickAt: numOrNull(r.last_tick_at),
    updatedAt: num(r.updated_at),
  });
}

export function toTick(r: Selectable<TicksTable>): Tick {
  return Object.freeze({
    id: num(r.id),
    name: r.name,
    kind: r.kind as Tick['kind'],
    status: r.status as TickStatus,
    timestamp: num(r.timestamp),
    durationMs: numOrNull(r.duration_ms),
    runIds: Object.freeze(parse<string[]>(r.run_ids) ?? []),
    runKeys: Object.freeze(parse<string[]>(r.run_keys) ?? []),
    skipReason: r.skip_reason,
    cursor: r.cursor,
    error: parse<SerializedError>(r.error),
  });
}

export function toHeartbeat(r: Selectable<DaemonHeartbeatsTable>): DaemonHeartbeat {
  return Object.freeze({
    daemonId: r.daemon_id,
    daemonType: r.daemon_type,
    timestamp: num(r.timestamp),
    info: parse<Record<string, unknown>>(r.info) ?? {},
  });
}

/** Splits rows for multi-row INSERTs: stays well under SQLite's and Postgres' bound-parameter limits. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Escapes LIKE wildcards so a user's search text matches literally (with `escape '\'`). */
export function likeContains(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
