import { defineOp } from '@llm-rag-yt/orchestrator';
import { syncAlerts } from '../../alerts/alert-store.ts';
import { deliverPendingAlerts } from '../../alerts/delivery.ts';
import { evaluateAlertRules, HEALTH_FINGERPRINT_PREFIX } from '../../alerts/rules.ts';
import { runCleanup } from '../../monitoring/cleanup.ts';
import { runHealthCheck, saveHealthCheck } from '../../monitoring/health.ts';
import type { PipelineMetrics } from '../../monitoring/metrics-types.ts';
import type { MonitoringDeps } from './deps.ts';

export function deliverAlertsOp(deps: MonitoringDeps) {
  return defineOp({
    key: 'deliver_alerts',
    description:
      'Sends undelivered alerts (firing and resolved) through every enabled channel; failures retry with backoff.',
    compute: async (ctx) => {
      const clock = deps.clock ?? Date.now;
      const r = await deliverPendingAlerts(deps.database, {
        notifiers: deps.channels,
        now: clock(),
        clock,
        policy: deps.deliveryPolicy,
        signal: ctx.signal,
      });
      for (const e of r.errors) ctx.log.warn(`Alert #${e.alertId} not delivered to ${e.channel}: ${e.error}`);
      ctx.addMetadata({
        sent: r.sent,
        failed: r.failed,
        abandoned: r.abandoned,
        channels: deps.channels.length,
      });
      return r;
    },
  });
}

export function cleanupOp(deps: MonitoringDeps) {
  return defineOp({
    key: 'cleanup',
    description:
      'Deletes transcribed audio (when configured), old media files, old finished runs and ticks, and old resolved alerts, snapshots, health checks and API call records.',
    compute: async (ctx) => {
      const r = await runCleanup({
        ...deps.database,
        storage: deps.storage ?? null,
        audioDir: deps.audioDir,
        policy: deps.cleanup,
        now: (deps.clock ?? Date.now)(),
      });
      ctx.addMetadata({
        ...r,
        mb_freed: { type: 'float', value: Math.round((r.bytes_freed / 1048576) * 10) / 10 },
      });
      ctx.log.info(`Cleanup freed ${r.bytes_freed} bytes`, { report: r });
      return r;
    },
  });
}

export function healthCheckOp(deps: MonitoringDeps) {
  return defineOp({
    key: 'health_check',
    description:
      'Checks the database, free disk, the search index, daemon heartbeats, yt-dlp, ffmpeg and the configured models.',
    compute: async (ctx) => {
      const now = (deps.clock ?? Date.now)();
      const storage = deps.storage;
      const report = await runHealthCheck({
        ...deps.database,
        now,
        dataDir: deps.dataDir,
        minFreeDiskMb: deps.health?.minFreeDiskMb,
        listHeartbeats: storage ? () => storage.daemon.listHeartbeats() : undefined,
        maxHeartbeatAgeMs: deps.health?.maxHeartbeatAgeMs,
        searchIndex: deps.health?.searchIndex,
        tools: deps.health?.tools,
        models: deps.health?.models,
      });
      const id = await saveHealthCheck(deps.database, report);
      // Component failures become system_error alerts right away, not only at the next monitoring run.
      const candidates = evaluateAlertRules(EMPTY_METRICS, {}, report.components);
      const s = await syncAlerts(deps.database, candidates, {
        now,
        scope: (fp) => fp.startsWith(HEALTH_FINGERPRINT_PREFIX),
      });
      const failing = Object.entries(report.components).filter(([, c]) => !c.ok);
      for (const [name, c] of Object.entries(report.components))
        ctx.log[c.ok ? 'info' : 'error'](`${c.ok ? '✓' : '✗'} ${name}: ${c.detail}`, {
          durationMs: c.duration_ms,
        });
      ctx.addMetadata({
        health_check_id: id,
        ok: report.ok,
        components: Object.keys(report.components).length,
        failing: failing.length,
        failing_components: failing.map(([n]) => n).join(', '),
        alerts_raised: s.raised.length,
        alerts_resolved: s.resolved.length,
      });
      return report;
    },
  });
}

// Metrics that trip no metric rule, so only the health part of the rules speaks.
const EMPTY_METRICS: PipelineMetrics = Object.freeze({
  timestamp: '',
  processing_stats: {
    youtube_requests: { pending: 0, completed: 0, failed: 0 },
    audio_files: { pending: 0, completed: 0, failed: 0 },
    pipeline_jobs: { pending: 0, running: 0, completed: 0 },
  },
  user_stats: { total_queries: 0, unique_users: 0, avg_response_time_ms: 0 },
  filesystem: { audio_files_count: 0, transcript_files_count: 0, audio_total_size_mb: 0 },
  extra: {
    collected_at: 0,
    youtube_requests_processing: 0,
    pipeline_jobs_failed: 0,
    oldest_pending_request_age_seconds: 0,
    stale_pending_requests: 0,
    error_rate: 0,
    error_rate_samples: 0,
    error_rate_window_hours: 0,
    transcript_total_size_mb: 0,
    orchestrator: null,
  },
}) as PipelineMetrics;
