import type { DatabaseHandle } from '@llm-rag-yt/orchestrator';
import { AudioFileRepository } from './audio-files.ts';
import { migrateRagStore } from './migrations.ts';
import { PipelineJobRepository } from './pipeline-jobs.ts';
import { RequestRepository } from './requests.ts';
import { SubscriptionRepository } from './subscriptions.ts';
import { SummaryRepository } from './summaries.ts';
import { ActivityRepository, ApiLogRepository, QueryLogRepository, UserRepository } from './users.ts';
import { VideoRepository } from './videos.ts';

/** The RAG domain's tables over the shared database handle. */
export interface RagStore {
  readonly handle: DatabaseHandle;
  readonly requests: RequestRepository;
  readonly videos: VideoRepository;
  readonly audioFiles: AudioFileRepository;
  readonly pipelineJobs: PipelineJobRepository;
  readonly users: UserRepository;
  readonly queries: QueryLogRepository;
  readonly activity: ActivityRepository;
  readonly apiLog: ApiLogRepository;
  readonly summaries: SummaryRepository;
  readonly subscriptions: SubscriptionRepository;
  /** The seed's API: queue a pipeline job, returns its id. */
  addPipelineJob(input: {
    jobType: string;
    jobData?: Record<string, unknown>;
    priority?: number;
  }): Promise<number>;
  /** The seed's API: pending pipeline jobs, priority desc then FIFO. */
  getPendingJobs(limit?: number): ReturnType<PipelineJobRepository['getPendingJobs']>;
  /** Creates/updates the RAG tables (migration set 'rag_migrations'). Idempotent. */
  migrate(): Promise<void>;
}

/**
 * @example
 * const store = createRagStore(await openDatabase('sqlite:data/state.db'));
 * await store.migrate();
 * const id = await store.addPipelineJob({ jobType: 'youtube_processing', jobData: { url }, priority: 5 });
 */
export function createRagStore(handle: DatabaseHandle): RagStore {
  const db = handle.db;
  const pipelineJobs = new PipelineJobRepository(db);
  return Object.freeze({
    handle,
    requests: new RequestRepository(db, handle.dialect),
    videos: new VideoRepository(db),
    audioFiles: new AudioFileRepository(db),
    pipelineJobs,
    users: new UserRepository(db),
    queries: new QueryLogRepository(db),
    activity: new ActivityRepository(db),
    apiLog: new ApiLogRepository(db),
    summaries: new SummaryRepository(db),
    subscriptions: new SubscriptionRepository(db),
    addPipelineJob: (input: { jobType: string; jobData?: Record<string, unknown>; priority?: number }) =>
      pipelineJobs.addPipelineJob(input),
    getPendingJobs: (limit?: number) => pipelineJobs.getPendingJobs(limit),
    migrate: () => migrateRagStore(handle),
  });
}
