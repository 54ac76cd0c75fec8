import type { Storage } from '@llm-rag-yt/orchestrator';
import { folderUsage, toMb } from './files.ts';
import type { PipelineMetrics } from './metrics-types.ts';
import type { MonitoringDb } from './migrations.ts';

export interface CollectMetricsInput extends MonitoringDb {
  /** Orchestrator storage, for run counts and queue depth; omitted → `extra.orchestrator` is null. */
  storage?: Pick<Storage, 'runs'> | null;
  audioDir: string | null;
  transcriptDir: string | null;
  /** Epoch ms. */
  now: number;
  /** A pending request older than this counts as stale. Default 60 min (the seed's "> 1 hour"). */
  stalePendingMinutes?: number;
  /** Window of the error rate. Default 24 h. */
  errorRateWindowHours?: number;
}

/** "2025-01-19T10:30:00Z": the seed's precision, in UTC. */
export function formatMetricsTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

async function countByStatus(h: MonitoringDb, table: string): Promise<Record<string, number>> {
  const rows = await h.db
    .selectFrom(table)
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [String(r.status), Number(r.n)]));
}

/**
 * Collects the seed's `pipeline_metrics` from the database, the orchestrator and the media folders.
 * A few aggregate queries; safe to call every few minutes.
 */
export async function collectPipelineMetrics(input: CollectMetricsInput): Promise<PipelineMetrics> {
  const { now } = input;
  const staleMs = (input.stalePendingMinutes ?? 60) * 60_000;
  const windowHours = input.errorRateWindowHours ?? 24;
  const [yt, audio, jobs, queries, oldest, stale, window, audioUse, transcriptUse, orchestrator] =
    await Promise.all([
      countByStatus(input, 'youtube_requests'),
      countByStatus(input, 'audio_files'),
      countByStatus(input, 'pipeline_jobs'),
      input.db
        .selectFrom('user_queries')
        .select([
          (eb) => eb.fn.countAll<number>().as('total'),
          (eb) => eb.fn.count<number>('user_id').distinct().as('users'),
          (eb) => eb.fn.avg<number>('latency_ms').as('avg_latency'),
        ])
        .executeTakeFirstOrThrow(),
      input.db
        .selectFrom('youtube_requests')
        .select((eb) => eb.fn.min<number>('created_at').as('oldest'))
        .where('status', '=', 'pending')
        .executeTakeFirstOrThrow(),
      input.db
        .selectFrom('youtube_requests')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'pending')
        .where('created_at', '<', now - staleMs)
        .executeTakeFirstOrThrow(),
      input.db
        .selectFrom('youtube_requests')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('status', 'in', ['completed', 'failed'])
        .where('updated_at', '>=', now - windowHours * 3_600_000)
        .groupBy('status')
        .execute(),
      folderUsage(input.audioDir),
      folderUsage(input.transcriptDir),
      collectOrchestrator(input.storage ?? null),
    ]);
  const finished = Object.fromEntries(window.map((r) => [String(r.status), Number(r.n)]));
  const samples = (finished.completed ?? 0) + (finished.failed ?? 0);
  const oldestAt = oldest.oldest == null ? null : Number(oldest.oldest);
  return {
    timestamp: formatMetricsTimestamp(now),
    processing_stats: {
      youtube_requests: {
        pending: (yt.pending ?? 0) + (yt.processing ?? 0),
        completed: yt.completed ?? 0,
        failed: yt.failed ?? 0,
      },
      audio_files: {
        pending: audio.pending ?? 0,
        completed: audio.completed ?? 0,
        failed: audio.failed ?? 0,
      },
      pipeline_jobs: {
        pending: jobs.pending ?? 0,
        running: jobs.running ?? 0,
        completed: jobs.completed ?? 0,
      },
    },
    user_stats: {
      total_queries: Number(queries.total),
      unique_users: Number(queries.users),
      avg_response_time_ms: queries.avg_latency == null ? 0 : Math.round(Number(queries.avg_latency)),
    },
    filesystem: {
      audio_files_count: audioUse.files,
      transcript_files_count: transcriptUse.files,
      audio_total_size_mb: toMb(audioUse.bytes),
    },
    extra: {
      collected_at: now,
      youtube_requests_processing: yt.processing ?? 0,
      pipeline_jobs_failed: jobs.failed ?? 0,
      oldest_pending_request_age_seconds:
        oldestAt == null ? 0 : Math.max(0, Math.floor((now - oldestAt) / 1000)),
      stale_pending_requests: Number(stale.n),
      error_rate: samples === 0 ? 0 : (finished.failed ?? 0) / samples,
      error_rate_samples: samples,
      error_rate_window_hours: windowHours,
      transcript_total_size_mb: toMb(transcriptUse.bytes),
      orchestrator,
    },
  };
}

async function collectOrchestrator(
  storage: Pick<Storage, 'runs'> | null,
): Promise<PipelineMetrics['extra']['orchestrator']> {
  if (!storage) return null;
  const byStatus = await storage.runs.countRunsByStatus();
  return { runs_by_status: { ...byStatus }, queue_depth: byStatus.QUEUED ?? 0 };
}
