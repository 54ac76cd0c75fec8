import {
  type AssetDefinition,
  defineJob,
  defineOp,
  defineSchedule,
  type JobDefinition,
  type ScheduleDefinition,
  type SensorDefinition,
} from '@llm-rag-yt/orchestrator';
import { pipelineMetricsAsset, systemAlertsAsset } from './assets.ts';
import { createDailyReportDefinitions } from './daily-report.ts';
import { ALERT_DELIVERY_TAG, type MonitoringDeps } from './deps.ts';
import { cleanupOp, deliverAlertsOp, healthCheckOp } from './ops.ts';
import { cleanupSensor, pipelineHealthSensor, telegramAlertSensor } from './sensors.ts';

export { ALERT_DELIVERY_TAG, type MonitoringDeps } from './deps.ts';

export interface MonitoringDefinitionSet {
  readonly assets: readonly AssetDefinition[];
  readonly jobs: readonly JobDefinition[];
  readonly sensors: readonly SensorDefinition[];
  readonly schedules: readonly ScheduleDefinition[];
}

/**
 * The seed's monitoring definitions: assets pipeline_metrics and system_alerts; jobs
 * pipeline_monitoring_job, telegram_alert_job, cleanup_job, health_check_job; the three
 * monitoring sensors; and the monitoring (every 10 min), health check (every 5 min) and
 * cleanup (02:00, stopped) schedules.
 *
 * @example
 * const defs = createRagDefinitions(resources, [createMonitoringDefinitions({ database, storage, dataDir, audioDir, channels })]);
 */
export function createMonitoringDefinitions(deps: MonitoringDeps): MonitoringDefinitionSet {
  const daily = createDailyReportDefinitions(deps);
  const jobs = [
    daily.job,
    defineJob({
      name: 'pipeline_monitoring_job',
      description: 'Health checks and metrics collection: materializes pipeline_metrics and system_alerts.',
      selection: ['pipeline_metrics', 'system_alerts'],
      tags: { kind: 'monitoring' },
      timeoutSeconds: 300,
    }),
    defineJob({
      name: 'telegram_alert_job',
      description:
        'Alert distribution via Telegram and every other enabled channel (Slack, webhook, PagerDuty).',
      ops: [deliverAlertsOp(deps)],
      tags: { kind: 'monitoring', [ALERT_DELIVERY_TAG]: 'true' },
      timeoutSeconds: 600,
    }),
    defineJob({
      name: 'cleanup_job',
      description: 'File and database cleanup.',
      ops: [cleanupOp(deps)],
      tags: { kind: 'maintenance' },
      timeoutSeconds: 1800,
    }),
    defineJob({
      name: 'health_check_job',
      description: 'System health validation.',
      ops: [healthCheckOp(deps)],
      tags: { kind: 'monitoring' },
      timeoutSeconds: 120,
    }),
  ];
  const update = deps.ytDlpUpdate;
  if (update)
    jobs.push(
      defineJob({
        name: 'ytdlp_update_job',
        description:
          'Installs the current yt-dlp release when the one in use is missing, too old or a week old.',
        ops: [
          defineOp({
            key: 'ytdlp_update',
            description: 'Checks yt-dlp and installs the current release into the data folder when needed.',
            compute: async (ctx) => {
              const what = await update();
              ctx.log.info(what);
              ctx.addMetadata({ result: what });
            },
          }),
        ],
        tags: { kind: 'maintenance' },
        timeoutSeconds: 900,
      }),
    );
  return Object.freeze({
    assets: Object.freeze([pipelineMetricsAsset(deps), systemAlertsAsset(deps), daily.asset]),
    jobs: Object.freeze(jobs),
    sensors: Object.freeze([pipelineHealthSensor(deps), cleanupSensor(deps), telegramAlertSensor(deps)]),
    schedules: Object.freeze([
      daily.schedule,
      defineSchedule({
        name: 'monitoring_schedule',
        job: 'pipeline_monitoring_job',
        cron: '*/10 * * * *',
        defaultStatus: 'RUNNING',
        description: 'Monitor every 10 minutes.',
      }),
      defineSchedule({
        name: 'health_check_schedule',
        job: 'health_check_job',
        cron: '*/5 * * * *',
        defaultStatus: 'RUNNING',
        description: 'Health check every 5 minutes.',
      }),
      ...(update
        ? [
            defineSchedule({
              name: 'ytdlp_update_schedule',
              job: 'ytdlp_update_job',
              cron: '30 4 * * 1',
              defaultStatus: 'RUNNING' as const,
              description: 'Keeps yt-dlp current: Mondays at 04:30.',
            }),
          ]
        : []),
      defineSchedule({
        name: 'cleanup_schedule',
        job: 'cleanup_job',
        cron: '0 2 * * *',
        defaultStatus: 'STOPPED',
        description: 'Daily cleanup at 2 AM.',
      }),
    ]),
  });
}
