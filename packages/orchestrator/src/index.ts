// Public entry point of the orchestrator. Grouped by audience.

// — Defining pipelines —
export { defineAsset, defineOp, defineJob, defineSensor, defineSchedule, z } from './definitions/define.ts';
export { Definitions, ASSET_JOB_NAME } from './definitions/definitions.ts';
export type * from './definitions/types.ts';

// — Runs and events —
export type * from './runs/types.ts';
export { RUN_STATUSES, TERMINAL_STATUSES, IN_PROGRESS_STATUSES } from './runs/types.ts';
export { canTransition, isTerminal, assertUnreachable } from './runs/status-machine.ts';

// — Errors —
export * from './errors.ts';

// — Graph and scheduling (pure) —
export { AssetGraph } from './graph/asset-graph.ts';
export { resolveSelection } from './graph/selection.ts';
export { nextCronTime, validateCron } from './scheduling/cron.ts';

// — Storage —
export type * from './storage/types.ts';
export type * from './instance/types.ts';
export { openDatabase } from './storage/database.ts';
export type { DatabaseHandle, OpenDatabaseOptions, SqliteLike, SqliteStatementLike } from './storage/database.ts';
export { createSqlStorage } from './storage/sql/sql-storage.ts';
