import { dirname } from 'node:path';
import type { DatabaseHandle } from '@llm-rag-yt/orchestrator';
import { openTestDatabase } from '@llm-rag-yt/testing';
import type { PipelineMetrics } from '../src/monitoring/metrics-types.ts';
import { migrateMonitoring } from '../src/monitoring/migrations.ts';
import { migrateRagStore } from '../src/store/migrations.ts';

/** A fresh SQLite file with the RAG store's and the monitoring tables; `cleanup()` removes it. */
export async function openTestDb(): Promise<{
  handle: DatabaseHandle;
  dir: string;
  cleanup(): Promise<void>;
}> {
  const db = await openTestDatabase('sqlite', { prefix: 'monitoring' });
  const handle = db.handle;
  await migrateRagStore(handle);
  await migrateMonitoring(handle);
  // The database's temp folder doubles as the data folder (audio, transcripts); cleanup removes it.
  return { handle, dir: dirname(db.url.slice('sqlite:'.length)), cleanup: () => db.cleanup() };
}

/** Metrics with everything quiet; override what a test is about. */
export function quietMetrics(
  over: {
    ytFailed?: number;
    audioFailed?: number;
    jobsPending?: number;
    oldestPendingSeconds?: number;
    audioMb?: number;
    errorRate?: number;
    samples?: number;
  } = {},
): PipelineMetrics {
  return {
    timestamp: '2025-01-19T10:30:00Z',
    processing_stats: {
      youtube_requests: { pending: 0, completed: 10, failed: over.ytFailed ?? 0 },
      audio_files: { pending: 0, completed: 10, failed: over.audioFailed ?? 0 },
      pipeline_jobs: { pending: over.jobsPending ?? 0, running: 0, completed: 3 },
    },
    user_stats: { total_queries: 0, unique_users: 0, avg_response_time_ms: 0 },
    filesystem: { audio_files_count: 0, transcript_files_count: 0, audio_total_size_mb: over.audioMb ?? 0 },
    extra: {
      collected_at: Date.parse('2025-01-19T10:30:00Z'),
      youtube_requests_processing: 0,
      pipeline_jobs_failed: 0,
      oldest_pending_request_age_seconds: over.oldestPendingSeconds ?? 0,
      stale_pending_requests: 0,
      error_rate: over.errorRate ?? 0,
      error_rate_samples: over.samples ?? 100,
      error_rate_window_hours: 24,
      transcript_total_size_mb: 0,
      orchestrator: null,
    },
  };
}
