import type { DefaultStatus } from '../definitions/types.ts';
import type { SerializedError } from '../errors.ts';
import type {
  AssetMaterialization,
  EventType,
  LogLevel,
  Metadata,
  NewRun,
  NewRunEvent,
  Run,
  RunEvent,
  RunStatus,
} from '../runs/types.ts';

/*
 * Narrow storage interfaces. One Kysely implementation serves SQLite and PostgreSQL
 * (storage/sql/), checked by one contract suite (test/storage-contract.ts).
 * All timestamps are epoch milliseconds.
 */

export interface RunFilter {
  statuses?: readonly RunStatus[];
  jobName?: string;
  /** All given tags must match exactly. */
  tags?: Record<string, string>;
  runKey?: string;
  /** Cursor pagination: return runs created before this run (exclusive), newest first. */
  beforeRunId?: string;
  createdAfter?: number;
  limit?: number;
}

export interface CreateRunResult {
  run: Run;
  /** false when a run with the same runKey already existed; `run` is then the existing one. */
  created: boolean;
}

export interface RunStatusPatch {
  workerId?: string | null;
  startedAt?: number | null;
  endedAt?: number | null;
  error?: SerializedError | null;
  attempt?: number;
  /**
   * Appended in the same transaction as the status change, and only if it happened: a reader that
   * sees the new status sees these events too, and a run costs one write instead of two.
   */
  events?: readonly NewRunEvent[];
  /**
   * Part of the compare-and-set, not of the update: the run moves only while it is at this attempt
   * (a worker handed a job of an earlier attempt must not start the re-queued run).
   */
  ifAttempt?: number;
}

export interface RunStorage {
  /** Creates a QUEUED run and its RUN_ENQUEUED event atomically. Dedupe on runKey (unique). */
  createRun(run: NewRun, now: number): Promise<CreateRunResult>;
  getRun(runId: string): Promise<Run | undefined>;
  /** The status of each of these runs that exists (one query per 500 ids): a worker's cancel check. */
  getRunStatuses(runIds: readonly string[]): Promise<Map<string, RunStatus>>;
  /** Newest first (createdAt desc, runId desc). */
  listRuns(filter?: RunFilter): Promise<Run[]>;
  countRuns(filter?: Omit<RunFilter, 'limit' | 'beforeRunId'>): Promise<number>;
  countRunsByStatus(since?: number): Promise<Record<RunStatus, number>>;
  /**
   * Compare-and-set status change: succeeds only if the run's current status is in `from`.
   * Returns the updated run, or undefined when the run was not in an allowed status.
   */
  transitionRun(
    runId: string,
    from: readonly RunStatus[],
    to: RunStatus,
    now: number,
    patch?: RunStatusPatch,
  ): Promise<Run | undefined>;
  /**
   * `transitionRun` for many runs in one transaction (the run queue claiming what it admitted): each run
   * moves only if its status is in `from`; `eventFor` gives the event appended for each run that moved.
   * Returns the moved runs in the order of `runIds`. `patch.events` is not allowed here.
   */
  transitionRuns(
    runIds: readonly string[],
    from: readonly RunStatus[],
    to: RunStatus,
    now: number,
    patch?: Omit<RunStatusPatch, 'events'>,
    eventFor?: (run: Run) => NewRunEvent,
  ): Promise<Run[]>;
  /**
   * The run queue's claim of the runs it admitted, as read: each moves only if its status is in `from`
   * AND it is still at the attempt it had when read; `eventFor(run)` is appended for each one moved,
   * in the same atomic write (one statement on Postgres). `eventFor` may be called before the write,
   * with the run as it will be stored (`to`, `now`, `patch` applied), so it must depend only on what
   * the compare-and-set pins (id, attempt) and on the patch. Returns the moved runs in `runs` order.
   */
  claimRuns(
    runs: readonly Run[],
    from: readonly RunStatus[],
    to: RunStatus,
    now: number,
    patch?: Omit<RunStatusPatch, 'events' | 'ifAttempt'>,
    eventFor?: (run: Run) => NewRunEvent,
  ): Promise<Run[]>;
  /** QUEUED runs in admission order: priority desc, createdAt asc, runId asc. */
  listQueuedRuns(limit: number): Promise<Run[]>;
  /** Runs in STARTING/STARTED/CANCELING (for concurrency accounting and the monitor). */
  listInProgressRuns(): Promise<Run[]>;
  /** Deletes terminal runs (and their events) ended before `before`. Returns how many runs. */
  deleteRunsEndedBefore(before: number): Promise<number>;
  /** Distinct values of a tag key among runs (for UI filters). */
  listJobNames(): Promise<string[]>;
}

export interface EventFilter {
  afterId?: number;
  limit?: number;
  levels?: readonly LogLevel[];
  types?: readonly EventType[];
  stepKey?: string;
  /** Case-insensitive substring of message. */
  search?: string;
}

export interface EventStorage {
  /** Appends events in order; returns them with ids. Materialization events also update the asset index. */
  appendEvents(events: readonly NewRunEvent[]): Promise<RunEvent[]>;
  listEvents(runId: string, filter?: EventFilter): Promise<RunEvent[]>;
  countEvents(runId: string): Promise<number>;
  /** Events of all runs with id > afterId, oldest first (live tails: SSE, bot progress). */
  listEventsAfter(
    afterId: number,
    opts?: { limit?: number; types?: readonly EventType[] },
  ): Promise<RunEvent[]>;
  /** Highest event id stored, 0 when none. */
  maxEventId(): Promise<number>;
  /**
   * Records a materialization index row only. NOTE: appendEvents already indexes every
   * ASSET_MATERIALIZATION event whose `data` has `assetKey` (plus optional `partitionKey`, `metadata`),
   * so an executor that appends such events must not also call this (it would record it twice).
   */
  addMaterialization(m: Omit<AssetMaterialization, 'id'>): Promise<AssetMaterialization>;
  /** Newest first. partitionKey undefined = all partitions; null = unpartitioned only. */
  listMaterializations(
    assetKey: string,
    opts?: { partitionKey?: string | null; limit?: number; beforeId?: number },
  ): Promise<AssetMaterialization[]>;
  /** Latest materialization per asset (for the catalog). */
  latestMaterializations(): Promise<Map<string, AssetMaterialization>>;
  /** Latest materialization per partition of one asset. */
  latestByPartition(assetKey: string): Promise<Map<string, AssetMaterialization>>;
  deleteEventsBefore(before: number): Promise<number>;
}

export type TickStatus = 'STARTED' | 'SUCCESS' | 'SKIPPED' | 'FAILURE';

export interface InstigatorState {
  readonly name: string;
  readonly kind: 'sensor' | 'schedule';
  /** null = never toggled; use the definition's defaultStatus. */
  readonly status: DefaultStatus | null;
  readonly cursor: string | null;
  /** Sensors: last evaluation. Schedules: the last cron time handled (fired or skipped). */
  readonly lastTickAt: number | null;
  readonly updatedAt: number;
}

export interface Tick {
  readonly id: number;
  readonly name: string;
  readonly kind: 'sensor' | 'schedule';
  readonly status: TickStatus;
  readonly timestamp: number;
  readonly durationMs: number | null;
  readonly runIds: readonly string[];
  readonly runKeys: readonly string[];
  readonly skipReason: string | null;
  readonly cursor: string | null;
  readonly error: SerializedError | null;
}

export interface InstigatorStorage {
  getState(name: string): Promise<InstigatorState | undefined>;
  listStates(): Promise<InstigatorState[]>;
  /** Upsert; fields left undefined keep their stored value. */
  setState(
    name: string,
    kind: 'sensor' | 'schedule',
    patch: { status?: DefaultStatus | null; cursor?: string | null; lastTickAt?: number | null },
    now: number,
  ): Promise<InstigatorState>;
  addTick(tick: Omit<Tick, 'id'>): Promise<Tick>;
  /** Newest first. */
  listTicks(name: string, opts?: { limit?: number; statuses?: readonly TickStatus[] }): Promise<Tick[]>;
  /** Keeps the newest `keep` ticks of each instigator and drops ticks older than `before`. */
  pruneTicks(opts: { keepPerInstigator: number; before?: number }): Promise<number>;
}

export interface PartitionStorage {
  /** Adds keys (idempotent). Returns keys that were new. */
  addPartitions(partitionsName: string, keys: readonly string[], now: number): Promise<string[]>;
  listPartitions(partitionsName: string): Promise<string[]>;
  deletePartition(partitionsName: string, key: string): Promise<boolean>;
}

export interface DaemonHeartbeat {
  readonly daemonId: string;
  /** 'daemon' | 'worker' | 'webserver' … */
  readonly daemonType: string;
  readonly timestamp: number;
  readonly info: Record<string, unknown>;
}

export interface DaemonStorage {
  heartbeat(hb: DaemonHeartbeat): Promise<void>;
  listHeartbeats(): Promise<DaemonHeartbeat[]>;
  deleteHeartbeat(daemonId: string): Promise<void>;
  /**
   * Leader lease: acquires or renews `name` for `holder` until now+ttlMs. Returns true when held.
   * Used so only one daemon runs sensors/schedules/queue at a time.
   */
  acquireLease(name: string, holder: string, now: number, ttlMs: number): Promise<boolean>;
  releaseLease(name: string, holder: string): Promise<void>;
}

/** Everything the orchestrator stores. `close()` releases connections. */
export interface Storage {
  readonly dialect: 'sqlite' | 'postgres';
  readonly runs: RunStorage;
  readonly events: EventStorage;
  readonly instigators: InstigatorStorage;
  readonly partitions: PartitionStorage;
  readonly daemon: DaemonStorage;
  /** Applies pending migrations. Idempotent. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

export type { Metadata };
