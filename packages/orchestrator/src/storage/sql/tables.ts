/*
 * Row shapes of the orchestrator's tables as Kysely sees them (snake_case, JSON as text,
 * timestamps as epoch ms). Only storage/sql/ reads these; the rest of the code sees the
 * domain types of runs/types.ts and storage/types.ts.
 */
import type { Generated } from 'kysely';

export interface RunsTable {
  run_id: string;
  job_name: string;
  status: string;
  run_config: string;
  tags: string;
  priority: number;
  run_key: string | null;
  partition_key: string | null;
  step_selection: string | null;
  parent_run_id: string | null;
  root_run_id: string | null;
  origin: string | null;
  worker_id: string | null;
  attempt: number;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  ended_at: number | null;
  error: string | null;
}

export interface RunTagsTable {
  run_id: string;
  key: string;
  value: string;
  /** Copy of runs.created_at so tag-filtered listings scan one ordered index. */
  created_at: number;
}

export interface EventsTable {
  id: Generated<number>;
  run_id: string;
  timestamp: number;
  type: string;
  level: string;
  step_key: string | null;
  message: string;
  data: string | null;
}

export interface MaterializationsTable {
  id: Generated<number>;
  asset_key: string;
  partition_key: string | null;
  run_id: string;
  timestamp: number;
  metadata: string;
}

export interface InstigatorStateTable {
  name: string;
  kind: string;
  status: string | null;
  cursor: string | null;
  last_tick_at: number | null;
  updated_at: number;
}

export interface TicksTable {
  id: Generated<number>;
  name: string;
  kind: string;
  status: string;
  timestamp: number;
  duration_ms: number | null;
  run_ids: string;
  run_keys: string;
  skip_reason: string | null;
  cursor: string | null;
  error: string | null;
}

export interface DynamicPartitionsTable {
  id: Generated<number>;
  name: string;
  key: string;
  created_at: number;
}

export interface DaemonHeartbeatsTable {
  daemon_id: string;
  daemon_type: string;
  timestamp: number;
  info: string;
}

export interface LeasesTable {
  name: string;
  holder: string;
  expires_at: number;
}

export interface OrchestratorTables {
  runs: RunsTable;
  run_tags: RunTagsTable;
  events: EventsTable;
  materializations: MaterializationsTable;
  instigator_state: InstigatorStateTable;
  ticks: TicksTable;
  dynamic_partitions: DynamicPartitionsTable;
  daemon_heartbeats: DaemonHeartbeatsTable;
  leases: LeasesTable;
}
