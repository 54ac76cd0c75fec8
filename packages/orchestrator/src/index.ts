// Public entry point of the orchestrator. Grouped by audience.

// — Defining pipelines —
export { defineAsset, defineJob, defineOp, defineSchedule, defineSensor, z } from './definitions/define.ts';
export { ASSET_JOB_NAME, Definitions } from './definitions/definitions.ts';
export type * from './definitions/types.ts';
// — Errors —
export * from './errors.ts';
export { RunCanceledError, RunTimeoutError } from './execution/abort.ts';
export type { ExecuteRunDeps } from './execution/executor.ts';
// — Execution (workers, daemon, adapters) —
export { DEFAULT_RUN_TIMEOUT_MS, executeRun } from './execution/executor.ts';
export { planForRun } from './execution/plan.ts';
export type { ProcessErrorKind, ProcessResult, RunProcessOptions } from './execution/process.ts';
export { ProcessError, runProcess } from './execution/process.ts';
export { retryDelayMs } from './execution/retry.ts';
// — Graph and scheduling (pure) —
export { AssetGraph } from './graph/asset-graph.ts';
export { resolveSelection } from './graph/selection.ts';
export type * from './instance/types.ts';
export { BullMQLauncher } from './launchers/bullmq-launcher.ts';
export type { RunQueueAddress } from './launchers/bullmq-queue.ts';
export type { RunWorker, StartWorkerOptions } from './launchers/bullmq-worker.ts';
export { startWorker } from './launchers/bullmq-worker.ts';
export type { InProcessLauncherOptions } from './launchers/in-process.ts';
export { InProcessLauncher } from './launchers/in-process.ts';
export type { RunLauncher } from './launchers/types.ts';
export type { CreateLoggerOptions, LoggerLevel, OrchestratorLogger } from './logging/logger.ts';
// — Logging —
export { createLogger, REDACTED_KEYS } from './logging/logger.ts';
export type { ValidatedRunConfig } from './runs/run-config.ts';
// — Run config —
export { parseRunConfig, validateRunConfig } from './runs/run-config.ts';
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
export { openDatabase } from './storage/database.ts';
export { createSqlStorage } from './storage/sql/sql-storage.ts';
// — Storage —
export type * from './storage/types.ts';
