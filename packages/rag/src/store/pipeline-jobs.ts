import type { Kysely } from 'kysely';
import { parseJson } from './requests.ts';

export type PipelineJobStatus = 'pending' | 'running' | 'completed' | 'failed';

export interface PipelineJob {
  id: number;
  jobType: string;
  jobData: Record<string, unknown>;
  priority: number;
  status: PipelineJobStatus;
  runId: string | null;
  error: string | null;
  createdAt: number;
  updatedAt: number;
}

/**
 * The seed's `pipeline_jobs` queue: external systems add jobs, the youtube_url_sensor turns
 * pending ones into requests/runs, highest priority first, first-in first-out within a priority.
 */
export class PipelineJobRepository {
  constructor(private readonly db: Kysely<any>) {}

  /**
   * Queues a job. Returns its id.
   * @example await store.addPipelineJob({ jobType: 'youtube_processing', jobData: { url }, priority: 5 })
   */
  async addPipelineJob(
    input: { jobType: string; jobData?: Record<string, unknown>; priority?: number },
    now = Date.now(),
  ): Promise<number> {
    if (!input.jobType?.trim())
      throw new Error('addPipelineJob: jobType is required, e.g. "youtube_processing".');
    const row = await this.db
      .insertInto('pipeline_jobs')
      .values({
        job_type: input.jobType,
        job_data: JSON.stringify(input.jobData ?? {}),
        priority: Math.trunc(input.priority ?? 0),
        status: 'pending',
        run_id: null,
        error: null,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(row.id);
  }

  /** Pending jobs by priority (desc), then age (FIFO). */
  async getPendingJobs(limit = 10): Promise<PipelineJob[]> {
    const rows = await this.db
      .selectFrom('pipeline_jobs')
      .selectAll()
      .where('status', '=', 'pending')
      .orderBy('priority', 'desc')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toJob);
  }

  async get(id: number): Promise<PipelineJob | undefined> {
    const row = await this.db.selectFrom('pipeline_jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toJob(row) : undefined;
  }

  async list(opts: { status?: PipelineJobStatus; limit?: number } = {}): Promise<PipelineJob[]> {
    let q = this.db.selectFrom('pipeline_jobs').selectAll();
    if (opts.status) q = q.where('status', '=', opts.status);
    const rows = await q
      .orderBy('id', 'desc')
      .limit(opts.limit ?? 100)
      .execute();
    return rows.map(toJob);
  }

  /** Compare-and-set: moves a job only from `from`; returns false when another process took it. */
  async transition(
    id: number,
    from: PipelineJobStatus,
    to: PipelineJobStatus,
    patch: { runId?: string | null; error?: string | null } = {},
    now = Date.now(),
  ): Promise<boolean> {
    const res = await this.db
      .updateTable('pipeline_jobs')
      .set({
        status: to,
        updated_at: now,
        ...(patch.runId !== undefined ? { run_id: patch.runId } : {}),
        ...(patch.error !== undefined ? { error: patch.error } : {}),
      })
      .where('id', '=', id)
      .where('status', '=', from)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  async countByStatus(): Promise<Record<PipelineJobStatus, number>> {
    const rows = await this.db
      .selectFrom('pipeline_jobs')
      .select(['status', (eb) => eb.fn.countAll().as('n')])
      .groupBy('status')
      .execute();
    const out: Record<PipelineJobStatus, number> = { pending: 0, running: 0, completed: 0, failed: 0 };
    for (const r of rows) out[r.status as PipelineJobStatus] = Number(r.n);
    return out;
  }
}

function toJob(r: any): PipelineJob {
  return {
    id: Number(r.id),
    jobType: r.job_type,
    jobData: parseJson(r.job_data, {}),
    priority: Number(r.priority),
    status: r.status,
    runId: r.run_id ?? null,
    error: r.error ?? null,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}
