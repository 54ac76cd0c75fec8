import { defineAsset } from '@llm-rag-yt/orchestrator';
import { syncAlerts } from '../../alerts/alert-store.ts';
import { evaluateAlertRules, ruleScope } from '../../alerts/rules.ts';
import { latestHealthCheck } from '../../monitoring/health.ts';
import { collectPipelineMetrics } from '../../monitoring/metrics.ts';
import { saveMetricsSnapshot } from '../../monitoring/metrics-history.ts';
import type { PipelineMetrics } from '../../monitoring/metrics-types.ts';
import type { MonitoringDeps } from './deps.ts';

export const collect = (deps: MonitoringDeps, now: number): Promise<PipelineMetrics> =>
  collectPipelineMetrics({
    ...deps.database,
    storage: deps.storage ?? null,
    audioDir: deps.audioDir,
    transcriptDir: deps.transcriptDir ?? null,
    now,
    stalePendingMinutes: deps.thresholds?.pendingRequestMaxAgeMinutes,
  });

/** The latest health check's components, when recent enough to judge by. */
export async function recentHealth(deps: MonitoringDeps, now: number) {
  const report = await latestHealthCheck(
    deps.database,
    now - (deps.health?.maxAgeForAlertsMs ?? 15 * 60_000),
  );
  return report?.components;
}

export function pipelineMetricsAsset(deps: MonitoringDeps) {
  return defineAsset({
    key: 'pipeline_metrics',
    group: 'monitoring',
    description:
      "Collects system performance metrics (the seed's processing_stats, user_stats, filesystem) and stores a snapshot for history charts.",
    compute: async (ctx) => {
      const now = (deps.clock ?? Date.now)();
      const m = await collect(deps, now);
      const snapshotId = await saveMetricsSnapshot(deps.database, m);
      const ps = m.processing_stats;
      ctx.addMetadata({
        snapshot_id: snapshotId,
        youtube_pending: ps.youtube_requests.pending,
        youtube_completed: ps.youtube_requests.completed,
        youtube_failed: ps.youtube_requests.failed,
        audio_pending: ps.audio_files.pending,
        audio_completed: ps.audio_files.completed,
        audio_failed: ps.audio_files.failed,
        jobs_pending: ps.pipeline_jobs.pending,
        jobs_running: ps.pipeline_jobs.running,
        jobs_completed: ps.pipeline_jobs.completed,
        total_queries: m.user_stats.total_queries,
        unique_users: m.user_stats.unique_users,
        avg_response_time_ms: m.user_stats.avg_response_time_ms,
        audio_files_count: m.filesystem.audio_files_count,
        transcript_files_count: m.filesystem.transcript_files_count,
        audio_total_size_mb: { type: 'float', value: m.filesystem.audio_total_size_mb },
        error_rate: { type: 'float', value: m.extra.error_rate },
        queue_depth: m.extra.orchestrator?.queue_depth ?? 0,
      });
      ctx.log.info(`Collected pipeline metrics at ${m.timestamp}`, { metrics: m });
      return m;
    },
  });
}

export function systemAlertsAsset(deps: MonitoringDeps) {
  return defineAsset({
    key: 'system_alerts',
    group: 'monitoring',
    deps: ['pipeline_metrics'],
    description:
      "Applies the seed's alert thresholds to pipeline_metrics (and the latest health check): raises each condition once, updates it while it lasts, resolves it when it clears.",
    compute: async (ctx) => {
      const now = (deps.clock ?? Date.now)();
      const metrics =
        (ctx.inputs.pipeline_metrics as PipelineMetrics | undefined) ?? (await collect(deps, now));
      const health = await recentHealth(deps, now);
      const candidates = evaluateAlertRules(metrics, deps.thresholds, health);
      const r = await syncAlerts(deps.database, candidates, {
        now,
        scope: ruleScope({ withHealth: health !== undefined }),
      });
      const active = [...r.raised, ...r.updated];
      const count = (sev: string) => active.filter((a) => a.severity === sev).length;
      ctx.addMetadata({
        raised: r.raised.length,
        updated: r.updated.length,
        resolved: r.resolved.length,
        active: active.length,
        critical: count('critical'),
        error: count('error'),
        warning: count('warning'),
        health_considered: health !== undefined,
      });
      for (const a of r.raised)
        ctx.log.warn(`Alert raised: [${a.severity}] ${a.type} — ${a.message}`, { alertId: a.id });
      for (const a of r.resolved)
        ctx.log.info(`Alert resolved: ${a.type} (${a.fingerprint})`, { alertId: a.id });
      return {
        raised: r.raised.map((a) => a.id),
        resolved: r.resolved.map((a) => a.id),
        active: active.map((a) => a.id),
      };
    },
  });
}
