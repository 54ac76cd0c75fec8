import { defineSensor, type SensorResult } from '@llm-rag-yt/orchestrator';
import { listAlerts } from '../../alerts/alert-store.ts';
import { hasUndeliveredAlerts } from '../../alerts/delivery.ts';
import { DEFAULT_ALERT_THRESHOLDS, evaluateAlertRules, ruleScope } from '../../alerts/rules.ts';
import { DEFAULT_CLEANUP_POLICY } from '../../monitoring/cleanup.ts';
import { folderUsage, toMb } from '../../monitoring/files.ts';
import { ApiLogRepository } from '../../store/users.ts';
import { collect, recentHealth } from './assets.ts';
import { ALERT_DELIVERY_TAG, type MonitoringDeps } from './deps.ts';

/**
 * Every 5 min: collects metrics and requests a monitoring run when the set of crossed thresholds
 * differs from the alerts already open (a new condition, or one that cleared). Steady state costs
 * a few counts and no run.
 */
export function pipelineHealthSensor(deps: MonitoringDeps) {
  return defineSensor({
    name: 'pipeline_health_sensor',
    job: 'pipeline_monitoring_job',
    description:
      'Checks system health every 5 minutes and requests a monitoring run when alert thresholds are crossed or clear.',
    minimumIntervalSeconds: 300,
    defaultStatus: 'RUNNING',
    evaluate: async (ctx): Promise<SensorResult> => {
      const metrics = await collect(deps, ctx.now);
      const health = await recentHealth(deps, ctx.now);
      const wanted = evaluateAlertRules(metrics, deps.thresholds, health)
        .map((c) => c.fingerprint)
        .sort();
      const scope = ruleScope({ withHealth: health !== undefined });
      const open = (await listAlerts(deps.database, { status: ['open', 'acknowledged'], limit: 1000 }))
        .map((a) => a.fingerprint)
        .filter(scope)
        .sort();
      if (wanted.join('|') === open.join('|'))
        return {
          skipReason:
            wanted.length === 0
              ? 'All metrics within thresholds.'
              : `${wanted.length} alert condition(s) already open; nothing changed.`,
        };
      return {
        runRequests: [
          {
            runKey: `pipeline_health:${ctx.now}`,
            tags: { trigger: 'pipeline_health_sensor', conditions: String(wanted.length) },
          },
        ],
      };
    },
  });
}

const DAY = 86_400_000;

/**
 * Every hour: requests cleanup_job when media storage passes its threshold, and about once a day
 * when recorded API calls are a day past their retention (so api_log is pruned without a schedule).
 */
export function cleanupSensor(deps: MonitoringDeps) {
  const threshold =
    deps.cleanup?.storageThresholdMb ?? deps.thresholds?.storageMb ?? DEFAULT_ALERT_THRESHOLDS.storageMb;
  const apiLogDays =
    deps.cleanup?.apiLogRetentionDays === undefined
      ? DEFAULT_CLEANUP_POLICY.apiLogRetentionDays
      : deps.cleanup.apiLogRetentionDays;
  const apiLog = new ApiLogRepository(deps.database.db);
  return defineSensor({
    name: 'cleanup_sensor',
    job: 'cleanup_job',
    description: `Triggers cleanup when audio and transcript storage exceeds ${threshold} MB.`,
    minimumIntervalSeconds: 3600,
    defaultStatus: 'RUNNING',
    evaluate: async (ctx): Promise<SensorResult> => {
      const [audio, transcripts] = await Promise.all([
        folderUsage(deps.audioDir),
        folderUsage(deps.transcriptDir),
      ]);
      const mb = toMb(audio.bytes + transcripts.bytes);
      // One cleanup per hour at most, even if a run did not free enough.
      const runKey = `cleanup:${Math.floor(ctx.now / 3_600_000)}`;
      if (mb > threshold) return { runRequests: [{ runKey, tags: { storage_mb: String(mb) } }] };
      if (apiLogDays !== null && (await apiLog.hasBefore(ctx.now - (apiLogDays + 1) * DAY)))
        return { runRequests: [{ runKey, tags: { storage_mb: String(mb), retention: 'api_log' } }] };
      return { skipReason: `Storage ${mb} MB is within ${threshold} MB.` };
    },
  });
}

/** Every 2 min: requests telegram_alert_job when some alert still has to reach a channel. */
export function telegramAlertSensor(deps: MonitoringDeps) {
  return defineSensor({
    name: 'telegram_alert_sensor',
    job: 'telegram_alert_job',
    description: 'Sends alerts to Telegram (and every other enabled channel) when some are undelivered.',
    minimumIntervalSeconds: 120,
    defaultStatus: 'RUNNING',
    evaluate: async (ctx): Promise<SensorResult> => {
      if (deps.channels.length === 0) return { skipReason: 'No alert channels are enabled.' };
      if (!(await hasUndeliveredAlerts(deps.database, deps.channels, ctx.now)))
        return { skipReason: 'No undelivered alerts.' };
      return { runRequests: [{ runKey: `alerts:${ctx.now}`, tags: { [ALERT_DELIVERY_TAG]: 'true' } }] };
    },
  });
}
