import type { PipelineMetrics } from '../monitoring/metrics-types.ts';
import type { AlertSeverity } from '../ports.ts';

/** The seed's alert types ("Alert Types" table). */
export type AlertType =
  | 'processing_failures'
  | 'audio_processing_failures'
  | 'job_backlog'
  | 'storage_full'
  | 'system_error';

/** An alert a rule wants open now. The fingerprint names the condition, so it is stable across evaluations. */
export interface AlertCandidate {
  readonly type: AlertType;
  readonly severity: AlertSeverity;
  readonly fingerprint: string;
  readonly title: string;
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>>;
}

/** Every threshold is "alert when value > threshold", as the seed words them. */
export interface AlertThresholds {
  failedYoutubeRequests: number;
  failedAudioFiles: number;
  pendingJobs: number;
  pendingRequestMaxAgeMinutes: number;
  storageMb: number;
  /** 0..1 */
  errorRate: number;
  /** Below this many finished requests in the window the error rate is noise and not judged. */
  errorRateMinSamples: number;
}

/** The seed's "Alert Thresholds". */
export const DEFAULT_ALERT_THRESHOLDS: Readonly<AlertThresholds> = Object.freeze({
  failedYoutubeRequests: 5,
  failedAudioFiles: 3,
  pendingJobs: 10,
  pendingRequestMaxAgeMinutes: 60,
  storageMb: 1024,
  errorRate: 0.1,
  errorRateMinSamples: 10,
});

/** A component result of a health check, as far as the rules care. */
export interface HealthComponentResult {
  readonly ok: boolean;
  readonly detail: string;
}

/** Fingerprints of the metric rules (each resolves when its candidate disappears). */
export const METRIC_RULE_FINGERPRINTS = Object.freeze([
  'processing_failures:youtube_requests_failed',
  'audio_processing_failures:audio_files_failed',
  'job_backlog:pipeline_jobs_pending',
  'job_backlog:stale_pending_requests',
  'storage_full:audio_storage',
  'processing_failures:error_rate',
] as const);

export const HEALTH_FINGERPRINT_PREFIX = 'system_error:health:';

/**
 * Pure: which alerts should be open given these metrics (and, when given, the latest health check).
 *
 * @example
 * const candidates = evaluateAlertRules(metrics, { ...DEFAULT_ALERT_THRESHOLDS, storageMb: 5000 });
 */
export function evaluateAlertRules(
  metrics: PipelineMetrics,
  thresholds: Partial<AlertThresholds> = {},
  health?: Readonly<Record<string, HealthComponentResult>>,
): AlertCandidate[] {
  const t = { ...DEFAULT_ALERT_THRESHOLDS, ...thresholds };
  const out: AlertCandidate[] = [];
  const ps = metrics.processing_stats;
  const x = metrics.extra;

  if (ps.youtube_requests.failed > t.failedYoutubeRequests)
    out.push({
      type: 'processing_failures',
      severity: 'warning',
      fingerprint: 'processing_failures:youtube_requests_failed',
      title: 'Many failed YouTube requests',
      message: `${ps.youtube_requests.failed} YouTube requests have failed (threshold ${t.failedYoutubeRequests}). Check the failed requests' errors and retry or remove them.`,
      details: { failed: ps.youtube_requests.failed, threshold: t.failedYoutubeRequests },
    });

  if (ps.audio_files.failed > t.failedAudioFiles)
    out.push({
      type: 'audio_processing_failures',
      severity: 'error',
      fingerprint: 'audio_processing_failures:audio_files_failed',
      title: 'Audio transcription failures',
      message: `${ps.audio_files.failed} audio files failed to process (threshold ${t.failedAudioFiles}). Check the transcriber and ffmpeg.`,
      details: { failed: ps.audio_files.failed, threshold: t.failedAudioFiles },
    });

  if (ps.pipeline_jobs.pending > t.pendingJobs)
    out.push({
      type: 'job_backlog',
      severity: 'warning',
      fingerprint: 'job_backlog:pipeline_jobs_pending',
      title: 'Pipeline job backlog',
      message: `${ps.pipeline_jobs.pending} pipeline jobs are pending (threshold ${t.pendingJobs}). Is the daemon running and are workers keeping up?`,
      details: { pending: ps.pipeline_jobs.pending, threshold: t.pendingJobs },
    });

  if (x.oldest_pending_request_age_seconds > t.pendingRequestMaxAgeMinutes * 60)
    out.push({
      type: 'job_backlog',
      severity: 'warning',
      fingerprint: 'job_backlog:stale_pending_requests',
      title: 'Old pending YouTube requests',
      message: `The oldest pending YouTube request has waited ${Math.round(x.oldest_pending_request_age_seconds / 60)} min (threshold ${t.pendingRequestMaxAgeMinutes} min). Check that youtube_url_sensor is running.`,
      details: {
        oldest_age_seconds: x.oldest_pending_request_age_seconds,
        stale_requests: x.stale_pending_requests,
        threshold_minutes: t.pendingRequestMaxAgeMinutes,
      },
    });

  if (metrics.filesystem.audio_total_size_mb > t.storageMb)
    out.push({
      type: 'storage_full',
      severity: 'error',
      fingerprint: 'storage_full:audio_storage',
      title: 'Audio storage above limit',
      message: `Audio files use ${metrics.filesystem.audio_total_size_mb} MB (threshold ${t.storageMb} MB). Run cleanup_job or raise the threshold.`,
      details: { audio_total_size_mb: metrics.filesystem.audio_total_size_mb, threshold_mb: t.storageMb },
    });

  if (x.error_rate_samples >= t.errorRateMinSamples && x.error_rate > t.errorRate)
    out.push({
      type: 'processing_failures',
      severity: 'warning',
      fingerprint: 'processing_failures:error_rate',
      title: 'High processing error rate',
      message: `${(x.error_rate * 100).toFixed(1)} % of the last ${x.error_rate_samples} finished requests failed (threshold ${(t.errorRate * 100).toFixed(0)} %).`,
      details: { error_rate: x.error_rate, samples: x.error_rate_samples, threshold: t.errorRate },
    });

  for (const [component, result] of Object.entries(health ?? {})) {
    if (result.ok) continue;
    out.push({
      type: 'system_error',
      severity: 'critical',
      fingerprint: `${HEALTH_FINGERPRINT_PREFIX}${component}`,
      title: `Component failure: ${component}`,
      message: `Health check of ${component} failed: ${result.detail}`,
      details: { component, detail: result.detail },
    });
  }
  return out;
}

/** Which stored alerts a given evaluation is responsible for (and so may auto-resolve). */
export function ruleScope(opts: { withHealth: boolean }): (fingerprint: string) => boolean {
  const metric = new Set<string>(METRIC_RULE_FINGERPRINTS);
  return (fp) => metric.has(fp) || (opts.withHealth && fp.startsWith(HEALTH_FINGERPRINT_PREFIX));
}
