import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';

/**
 * BullMQ and ioredis are loaded on first use, synchronously through their CommonJS builds: embedded
 * mode (no REDIS_URL) never pays for loading them, which keeps CLI commands quick to start.
 */
export const requireLazily = createRequire(import.meta.url);

/** Where runs are queued in Redis. Tests pass a random `prefix` so they never see each other's jobs. */
export interface RunQueueAddress {
  redisUrl: string;
  /** Redis key prefix of the queue. Default 'llm-rag-yt'. */
  prefix?: string;
  /** Default 'runs'. */
  queueName?: string;
}

export const DEFAULT_QUEUE_PREFIX = 'llm-rag-yt';
export const DEFAULT_QUEUE_NAME = 'runs';

/** The job payload: runs live in storage, the queue only carries their id. */
export interface RunJobData {
  runId: string;
  /** The run attempt this job was queued for; a job left over from an earlier attempt is skipped. */
  attempt?: number;
}

/**
 * One BullMQ job per run attempt. A worker killed mid-run leaves its job active (locked) in Redis until
 * BullMQ's stall check, so re-using the run id for the monitor's re-queue would be a silent no-op and
 * the run would wait in STARTING for a minute; a new id per attempt queues it at once.
 */
export function runJobId(runId: string, attempt: number): string {
  return `${runId}_${attempt}`;
}

export function runIdOfJob(jobId: string): string {
  return jobId.replace(/_\d+$/, '');
}

export function resolveAddress(a: RunQueueAddress): {
  redisUrl: string;
  prefix: string;
  queueName: string;
  cancelChannel: string;
} {
  const prefix = a.prefix ?? DEFAULT_QUEUE_PREFIX;
  const queueName = a.queueName ?? DEFAULT_QUEUE_NAME;
  // Cancels are broadcast: the launcher does not know which worker holds a run.
  return { redisUrl: a.redisUrl, prefix, queueName, cancelChannel: `${prefix}:${queueName}:cancel` };
}

/** BullMQ needs `maxRetriesPerRequest: null` on its connections (blocking commands must not give up). */
export function connectRedis(redisUrl: string): Redis {
  const { Redis: RedisClient } = requireLazily('ioredis') as typeof import('ioredis');
  return new RedisClient(redisUrl, { maxRetriesPerRequest: null, lazyConnect: false });
}
