// biome-ignore-all assist/source/organizeImports: exports are grouped by audience, not sorted by path.
// Public entry point of the orchestrator. Grouped by audience. The only door into this package.

// — Defining pipelines —
export { defineAsset, defineOp, defineJob, defineSensor, defineSchedule, z } from './definitions/define.ts';
export { Definitions, ASSET_JOB_NAME } from './definitions/definitions.ts';
export type * from './definitions/types.ts';

// — Runs and events —
export type * from './runs/types.ts';
export { RUN_STATUSES, TERMINAL_STATUSES, IN_PROGRESS_STATUSES } from './runs/types.ts';
export { canTransition, isTerminal, assertUnreachable } from './runs/status-machine.ts';

// — Run config —
export {
  parseRunConfig,
  RUN_CONFIG_LIMITS,
  RunConfigLimitError,
  validateRunConfig,
} from './runs/run-config.ts';
export type { ValidatedRunConfig } from './runs/run-config.ts';

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
export type {
  DatabaseHandle,
  OpenDatabaseOptions,
  SqliteLike,
  SqliteStatementLike,
} from './storage/database.ts';
export { createSqlStorage } from './storage/sql/sql-storage.ts';
export { applyMigrationSet, migrationSetStatus } from './storage/migration-set.ts';
export type { MigrationSet } from './storage/migration-set.ts';
export { ORCHESTRATOR_MIGRATIONS } from './storage/sql/migrations.ts';

// — Execution (workers, daemon, adapters) —
export { executeRun, DEFAULT_RUN_TIMEOUT_MS } from './execution/executor.ts';
export type { ExecuteRunDeps } from './execution/executor.ts';
export { planForRun } from './execution/plan.ts';
export { abortableSleep, RunCanceledError, RunTimeoutError } from './execution/abort.ts';
export { retryDelayMs } from './execution/retry.ts';
export { runProcess, ProcessError } from './execution/process.ts';
export type { RunProcessOptions, ProcessResult, ProcessErrorKind } from './execution/process.ts';
export type { RunLauncher } from './launchers/types.ts';
export { InProcessLauncher } from './launchers/in-process.ts';
export type { InProcessLauncherOptions } from './launchers/in-process.ts';
export { BullMQLauncher } from './launchers/bullmq-launcher.ts';
export { startWorker } from './launchers/bullmq-worker.ts';
export type { RunWorker, StartWorkerOptions } from './launchers/bullmq-worker.ts';
export { checkRedis } from './launchers/bullmq-queue.ts';
export type { RunQueueAddress } from './launchers/bullmq-queue.ts';

// — Logging —
export { createLogger, REDACTED_KEYS } from './logging/logger.ts';
export type { OrchestratorLogger, CreateLoggerOptions, LoggerLevel } from './logging/logger.ts';

// — Daemon, run queue and the Instance facade —
export { Daemon } from './daemon/daemon.ts';
export type { DaemonOptions, DaemonTiming, IterationReport } from './daemon/daemon.ts';
export { createWakeRequests, WAKE_REQUEST_MIGRATIONS } from './daemon/wake-requests.ts';
export type { WakeRequests } from './daemon/wake-requests.ts';
export { DEFAULT_SETTINGS, resolveSettings } from './daemon/settings.ts';
export type { InstanceSettings } from './daemon/settings.ts';
export { admitRuns, DEFAULT_MAX_CONCURRENT_RUNS } from './runs/queue-admission.ts';
export type { TagConcurrencyLimit, AdmissionInput } from './runs/queue-admission.ts';
export { planScheduleTick, scheduleRunKey, sensorRunKey } from './scheduling/schedule-ticks.ts';
export { createInstance } from './instance/create-instance.ts';
export type { CreateInstanceOptions } from './instance/create-instance.ts';
export { describeDaemonHealth, HEARTBEAT_STALE_AFTER_MS } from './instance/daemon-health.ts';
export type { DaemonHealth, HeartbeatHealth } from './instance/daemon-health.ts';

// — Benchmarks and tools —
export { seedRunsForBenchmark, seedRunsInDatabase } from './storage/sql/bulk-seed.ts';
export type { SeedOptions, SeedResult } from './storage/sql/bulk-seed.ts';
