import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Run } from '../runs/types.ts';
import {
  connectRedis,
  type RunJobData,
  type RunQueueAddress,
  requireLazily,
  resolveAddress,
  runJobId,
} from './bullmq-queue.ts';
import type { RunLauncher } from './types.ts';

/**
 * Launches runs by adding `{ runId }` jobs to a BullMQ queue that `startWorker` processes on any machine.
 * The job id is the run id plus the attempt, so an attempt is in the queue at most once and a run the
 * monitor re-queues after a worker crash is queued again at once (the dead worker's job stays locked in
 * Redis until BullMQ's stall check). Finished jobs are removed at once; the executor's compare-and-set
 * on the run status, and the worker's attempt check, keep a run from executing twice.
 *
 * The launcher does not follow the queue's events: runs execute in workers, so this process executes
 * none (`activeRunIds()` is empty), and the daemon learns that slots freed up from storage (on
 * PostgreSQL the statement that ends a run notifies its wake-up channel) — reading BullMQ's event
 * stream cost the daemon and Redis more per run than admitting the run did.
 */
export class BullMQLauncher implements RunLauncher {
  private readonly connection: Redis;
  private readonly queue: Queue<RunJobData>;
  private readonly cancelChannel: string;

  constructor(address: RunQueueAddress) {
    const a = resolveAddress(address);
    const { Queue } = requireLazily('bullmq') as typeof import('bullmq');
    this.connection = connectRedis(a.redisUrl);
    this.queue = new Queue<RunJobData>(a.queueName, { connection: this.connection, prefix: a.prefix });
    this.cancelChannel = a.cancelChannel;
  }

  /** Resolves when the queue's Redis connections are ready (useful before timing-sensitive tests). */
  async ready(): Promise<void> {
    await this.queue.waitUntilReady();
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

  /** Runs execute in worker processes, none in this one. */
  activeRunIds(): string[] {
    return [];
  }

  async close(): Promise<void> {
    await this.queue.close();
    await this.connection.quit().catch(() => {});
  }
}
