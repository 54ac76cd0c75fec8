// Public entry point of the orchestrator. Grouped by audience.

// — Defining pipelines —
export { defineAsset, defineJob, defineOp, defineSchedule, defineSensor, z } from './definitions/define.ts';
export { ASSET_JOB_NAME, Definitions } from './definitions/definitions.ts';
export type * from './definitions/types.ts';
// — Errors —
export * from './errors.ts';
// — Graph and scheduling (pure) —
export { AssetGraph } from './graph/asset-graph.ts';
export { resolveSelection } from './graph/selection.ts';
export type * from './instance/types.ts';
export { assertUnreachable, canTransition, isTerminal } from './runs/status-machine.ts';
// — Runs and events —
export type * from './runs/types.ts';
export { IN_PROGRESS_STATUSES, RUN_STATUSES, TERMINAL_STATUSES } from './runs/types.ts';
export { nextCronTime, validateCron } from './scheduling/cron.ts';
export type {
  DatabaseHandle,
  OpenDatabaseOptions,
  SqliteLike,
  SqliteStatementLike,
} from './storage/database.ts';
// — Storage —
export { openDatabase } from './storage/database.ts';
export { createSqlStorage } from './storage/sql/sql-storage.ts';
// — Storage —
export type * from './storage/types.ts';
