import type { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Run } from '../runs/types.ts';
import {
  connectRedis,
  type RunJobData,
  type RunQueueAddress,
  requireLazily,
  resolveAddress,
  runIdOfJob,
  runJobId,
} from './bullmq-queue.ts';
import type { RunLauncher } from './types.ts';

/**
 * Launches runs by adding `{ runId }` jobs to a BullMQ queue that `startWorker` processes on any machine.
 * The job id is the run id plus the attempt, so an attempt is in the queue at most once and a run the
 * monitor re-queues after a worker crash is queued again at once (the dead worker's job stays locked in
 * Redis until BullMQ's stall check). Finished jobs are removed at once; the executor's compare-and-set
 * on the run status, and the worker's attempt check, keep a run from executing twice.
 */
export class BullMQLauncher implements RunLauncher {
  private readonly connection: Redis;
  private readonly queue: Queue<RunJobData>;
  private readonly queueEvents: QueueEvents;
  private readonly eventsConnection: Redis;
  private readonly cancelChannel: string;
  /** runId → BullMQ job id of the attempt launched last (an older attempt's job finishing must not clear it). */
  private readonly active = new Map<string, string>();

  constructor(address: RunQueueAddress) {
    const a = resolveAddress(address);
    const { Queue, QueueEvents } = requireLazily('bullmq') as typeof import('bullmq');
    this.connection = connectRedis(a.redisUrl);
    this.queue = new Queue<RunJobData>(a.queueName, { connection: this.connection, prefix: a.prefix });
    // QueueEvents blocks on XREAD, so it needs a connection of its own.
    this.eventsConnection = connectRedis(a.redisUrl);
    this.queueEvents = new QueueEvents(a.queueName, { connection: this.eventsConnection, prefix: a.prefix });
    const done = ({ jobId }: { jobId: string }) => {
      const runId = runIdOfJob(jobId);
      if (this.active.get(runId) === jobId) this.active.delete(runId);
    };
    this.queueEvents.on('completed', done);
    this.queueEvents.on('failed', done);
    this.queueEvents.on('removed', done);
    this.cancelChannel = a.cancelChannel;
  }

  /** Resolves when the queue's Redis connections are ready (useful before timing-sensitive tests). */
  async ready(): Promise<void> {
    await Promise.all([this.queue.waitUntilReady(), this.queueEvents.waitUntilReady()]);
  }

  async launch(run: Run): Promise<void> {
    const job = this.#job(run);
    await this.queue.add(job.name, job.data, job.opts);
  }

  /** `addBulk`: one Redis round trip (a MULTI) for the runs the queue admitted in one pass. */
  async launchMany(runs: readonly Run[]): Promise<void> {
    await this.queue.addBulk(runs.map((run) => this.#job(run)));
  }

  #job(run: Run) {
    const jobId = runJobId(run.runId, run.attempt);
    this.active.set(run.runId, jobId);
    return {
      name: 'run',
      data: { runId: run.runId, attempt: run.attempt },
      opts: { jobId, removeOnComplete: true, removeOnFail: true },
    };
  }

  /** Broadcasts the cancel to all workers; the one executing the run aborts it at once. */
  async cancel(runId: string): Promise<void> {
    await this.connection.publish(this.cancelChannel, runId);
  }

  activeRunIds(): string[] {
    return [...this.active.keys()];
  }

  async close(): Promise<void> {
    await this.queueEvents.close();
    await this.queue.close();
    await Promise.all([this.connection.quit().catch(() => {}), this.eventsConnection.quit().catch(() => {})]);
  }
}
