/**
 * The seed's `pipeline_metrics` JSON shape, exactly (see seed/dagster-pipeline.md "System Metrics"),
 * plus one additive `extra` object for numbers the seed's shape has no place for.
 *
 * `timestamp` is UTC ISO-8601 with seconds precision and a trailing `Z`, e.g. "2025-01-19T10:30:00Z":
 * the seed's example has no zone, which is ambiguous across machines; the `Z` makes it unambiguous
 * while keeping the seed's precision.
 */
export interface PipelineMetrics {
  timestamp: string;
  processing_stats: {
    /** pending counts both 'pending' and 'processing' rows: work not yet finished. */
    youtube_requests: { pending: number; completed: number; failed: number };
    audio_files: { pending: number; completed: number; failed: number };
    pipeline_jobs: { pending: number; running: number; completed: number };
  };
  user_stats: { total_queries: number; unique_users: number; avg_response_time_ms: number };
  filesystem: { audio_files_count: number; transcript_files_count: number; audio_total_size_mb: number };
  extra: PipelineMetricsExtra;
}

export interface PipelineMetricsExtra {
  /** Epoch ms of collection (the same instant as `timestamp`). */
  collected_at: number;
  youtube_requests_processing: number;
  pipeline_jobs_failed: number;
  /** Age of the oldest youtube_requests row still 'pending', 0 when none. */
  oldest_pending_request_age_seconds: number;
  /** Requests still 'pending' for longer than the stale threshold given to the collector. */
  stale_pending_requests: number;
  /** failed / (completed + failed) of youtube_requests finished within the error-rate window; 0 when none. */
  error_rate: number;
  error_rate_samples: number;
  error_rate_window_hours: number;
  transcript_total_size_mb: number;
  /** Orchestrator run counts by status and queued runs; null when no orchestrator storage was given. */
  orchestrator: { runs_by_status: Record<string, number>; queue_depth: number } | null;
}

/** The seed's keys, for checks that the shape did not drift. */
export const SEED_METRICS_KEYS = Object.freeze({
  top: ['timestamp', 'processing_stats', 'user_stats', 'filesystem'],
  processing_stats: ['youtube_requests', 'audio_files', 'pipeline_jobs'],
  youtube_requests: ['pending', 'completed', 'failed'],
  audio_files: ['pending', 'completed', 'failed'],
  pipeline_jobs: ['pending', 'running', 'completed'],
  user_stats: ['total_queries', 'unique_users', 'avg_response_time_ms'],
  filesystem: ['audio_files_count', 'transcript_files_count', 'audio_total_size_mb'],
});
