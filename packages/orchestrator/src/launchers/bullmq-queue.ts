import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';
import { errorMessage, UnavailableError } from '../errors.ts';

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
  const client = new RedisClient(redisUrl, { maxRetriesPerRequest: null, lazyConnect: false });
  // ioredis reconnects by itself and prints a stack for every failed attempt when nobody listens;
  // commands that need the connection report their own failures.
  client.on('error', () => {});
  return client;
}

/** Host and port of a Redis URL, without credentials (for messages). */
export function describeRedisUrl(redisUrl: string): string {
  try {
    const u = new URL(redisUrl);
    return `${u.protocol}//${u.hostname}:${u.port || '6379'}${u.pathname && u.pathname !== '/' ? u.pathname : ''}`;
  } catch {
    return '(an unparsable REDIS_URL)';
  }
}

/**
 * Connects once, pings, disconnects: fails within `timeoutMs` with one clear UnavailableError when
 * Redis is unreachable, instead of BullMQ retrying forever. Run before starting a launcher or worker.
 */
export async function checkRedis(redisUrl: string, timeoutMs = 5000): Promise<void> {
  const { Redis: RedisClient } = requireLazily('ioredis') as typeof import('ioredis');
  const where = describeRedisUrl(redisUrl);
  let client: Redis;
  try {
    client = new RedisClient(redisUrl, {
      lazyConnect: true,
      connectTimeout: timeoutMs,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
  } catch (cause) {
    throw new UnavailableError(`REDIS_URL is not a usable Redis URL (${where}): ${errorMessage(cause)}.`, {
      cause,
    });
  }
  let socketError: unknown; // the connect failure itself arrives as an 'error' event
  client.on('error', (e) => {
    socketError ??= e;
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.connect().then(() => client.ping()),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (failure) {
    const cause = socketError ?? failure;
    const code = (cause as { code?: string }).code;
    throw new UnavailableError(
      `Cannot reach Redis at ${where} (REDIS_URL): ${code ?? errorMessage(cause).replace(/\.$/, '')}. ` +
        'Start Redis or fix REDIS_URL; unset it to run embedded (runs execute in this process).',
      { cause },
    );
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}
