import { hostname } from 'node:os';
import type { Definitions } from '../definitions/definitions.ts';
import { serializeError } from '../errors.ts';
import { createCancelWatch } from '../execution/cancel-watch.ts';
import { executeRun } from '../execution/executor.ts';
import type { OrchestratorLogger } from '../logging/logger.ts';
import type { Storage } from '../storage/types.ts';
import {
  connectRedis,
  type RunJobData,
  type RunQueueAddress,
  requireLazily,
  resolveAddress,
} from './bullmq-queue.ts';

export interface StartWorkerOptions extends RunQueueAddress {
  storage: Storage;
  definitions: Definitions;
  /** Runs executed at once by this worker. */
  concurrency: number;
  /** Unique per process; recorded on runs and in heartbeats so the monitor can spot dead workers. */
  workerId: string;
  runTimeoutMs?: number;
  logger?: OrchestratorLogger;
  /** Default 5000 ms. */
  heartbeatIntervalMs?: number;
  /** How often a run checks storage for CANCELING (the fallback when a cancel broadcast is missed). Default 300 ms. */
  cancelPollMs?: number;
  /**
   * BullMQ's job lock (renewed every half of it while the run executes). Default 15 s. With the stall
   * check every `stalledIntervalMs` (default 5 s), jobs a killed worker had fetched but not started are
   * handed to another worker within about 20 s (BullMQ's defaults: up to 60 s). A lock lost to an event
   * loop blocked longer than this only re-delivers the job: the start compare-and-set runs it once.
   */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

export const DEFAULT_LOCK_DURATION_MS = 15_000;
export const DEFAULT_STALLED_INTERVAL_MS = 5_000;

export interface RunWorker {
  readonly workerId: string;
  activeRunIds(): string[];
  /**
   * Stops taking jobs and waits for running ones; with `cancelRuns` they are aborted first (ending CANCELED).
   * Removes this worker's heartbeat.
   */
  close(opts?: { cancelRuns?: boolean }): Promise<void>;
}

/**
 * Consumes the run queue filled by BullMQLauncher: executes each run with `executeRun`, writes a heartbeat
 * (`daemonType: 'worker'`) every 5 s, and aborts a run at once when a cancel is broadcast for it.
 * @example const worker = await startWorker({ storage, definitions, redisUrl, concurrency: 2, workerId: 'gpu-1' })
 */
export async function startWorker(opts: StartWorkerOptions): Promise<RunWorker> {
  const a = resolveAddress(opts);
  const { Worker } = requireLazily('bullmq') as typeof import('bullmq');
  const log = opts.logger?.child({ workerId: opts.workerId });
  const controllers = new Map<string, AbortController>();
  // One storage read per poll for all runs executing here (a cancel broadcast usually comes first).
  const cancelWatch = createCancelWatch({
    runs: opts.storage.runs,
    pollMs: opts.cancelPollMs ?? 300,
    onPollError: (e) => log?.warn({ err: serializeError(e) }, 'could not check runs for cancellation'),
  });
  const connection = connectRedis(a.redisUrl);
  const subscriber = connectRedis(a.redisUrl);
  await subscriber.subscribe(a.cancelChannel);
  subscriber.on('message', (channel: string, runId: string) => {
    if (channel === a.cancelChannel) controllers.get(runId)?.abort(new Error('cancel requested'));
  });

  const worker = new Worker<RunJobData>(
    a.queueName,
    async (job) => {
      // `attempt` makes the executor skip a job of an earlier attempt, re-delivered by BullMQ after its
      // worker died: the run was re-queued since and has its own job (part of the start CAS, no extra read).
      const { runId, attempt } = job.data;
      const controller = new AbortController();
      controllers.set(runId, controller);
      try {
        const run = await executeRun(runId, {
          storage: opts.storage,
          definitions: opts.definitions,
          workerId: opts.workerId,
          attempt,
          runTimeoutMs: opts.runTimeoutMs,
          logger: opts.logger,
          signal: controller.signal,
          cancelWatch,
        });
        return { status: run.status };
      } finally {
        controllers.delete(runId);
      }
    },
    {
      connection,
      prefix: a.prefix,
      concurrency: opts.concurrency,
      lockDuration: opts.lockDurationMs ?? DEFAULT_LOCK_DURATION_MS,
      stalledInterval: opts.stalledIntervalMs ?? DEFAULT_STALLED_INTERVAL_MS,
    },
  );
  worker.on('error', (e) => log?.error({ err: serializeError(e) }, 'run queue worker error'));
  worker.on('failed', (job, e) =>
    log?.error({ runId: job?.data.runId, err: serializeError(e) }, 'run could not be executed'),
  );

  const beat = async () => {
    try {
      await opts.storage.daemon.heartbeat({
        daemonId: opts.workerId,
        daemonType: 'worker',
        timestamp: Date.now(),
        // hostname + pid let a daemon on the same host see at once that this process died.
        info: {
          hostname: hostname(),
          pid: process.pid,
          activeRunIds: [...controllers.keys()],
          concurrency: opts.concurrency,
          queue: a.queueName,
        },
      });
    } catch (e) {
      log?.warn({ err: serializeError(e) }, 'could not write worker heartbeat');
    }
  };
  await worker.waitUntilReady();
  await beat();
  let beating: Promise<void> = Promise.resolve();
  const heartbeat = setInterval(() => {
    beating = beat();
  }, opts.heartbeatIntervalMs ?? 5000);
  heartbeat.unref?.();

  return {
    workerId: opts.workerId,
    activeRunIds: () => [...controllers.keys()],
    async close(closeOpts = {}) {
      if (closeOpts.cancelRuns)
        for (const c of controllers.values()) c.abort(new Error('the worker is shutting down'));
      // Heartbeat while draining: runs still executing here must not look lost to the run monitor.
      await worker.close();
      cancelWatch.close();
      clearInterval(heartbeat);
      await beating; // a beat still being written must not re-create the row deleted below
      await Promise.all([subscriber.quit().catch(() => {}), connection.quit().catch(() => {})]);
      await opts.storage.daemon.deleteHeartbeat(opts.workerId).catch(() => {});
    },
  };
}
