import { defineAsset, defineJob, defineSchedule } from '@llm-rag-yt/orchestrator';
import type { Kysely } from 'kysely';
import type { AlertMessage, Notifier } from '../../ports.ts';
import type { MonitoringDeps } from './deps.ts';

const DAY_MS = 86_400_000;

export interface DailyReport {
  readonly from: number;
  readonly to: number;
  readonly videosIndexed: number;
  readonly requestsCompleted: number;
  readonly requestsFailed: number;
  readonly questions: number;
  readonly avgResponseMs: number;
  readonly openAlerts: number;
}

/** Counts of the last 24 hours, from the shared database. */
export async function buildDailyReport(db: Kysely<any>, now: number): Promise<DailyReport> {
  const from = now - DAY_MS;
  const count = async (table: string, where: (q: any) => any) =>
    Number(
      (
        (await where(
          db.selectFrom(table).select((eb: any) => eb.fn.countAll().as('n')),
        ).executeTakeFirst()) as { n?: unknown }
      )?.n ?? 0,
    );
  const videosIndexed = await count('videos', (q) =>
    q.where('status', '=', 'indexed').where('updated_at', '>=', from),
  );
  const requestsCompleted = await count('youtube_requests', (q) =>
    q.where('status', '=', 'completed').where('updated_at', '>=', from),
  );
  const requestsFailed = await count('youtube_requests', (q) =>
    q.where('status', '=', 'failed').where('updated_at', '>=', from),
  );
  const q = (await db
    .selectFrom('user_queries')
    .select((eb: any) => [eb.fn.countAll().as('n'), eb.fn.avg('latency_ms').as('avg')])
    .where('created_at', '>=', from)
    .executeTakeFirst()) as { n?: unknown; avg?: unknown } | undefined;
  const openAlerts = await count('system_alerts', (qb) => qb.where('status', '!=', 'resolved'));
  return {
    from,
    to: now,
    videosIndexed,
    requestsCompleted,
    requestsFailed,
    questions: Number(q?.n ?? 0),
    avgResponseMs: Math.round(Number(q?.avg ?? 0)),
    openAlerts,
  };
}

export function dailyReportText(r: DailyReport): string {
  return [
    `Last 24 hours: ${r.videosIndexed} video(s) indexed, ${r.requestsCompleted} request(s) completed, ${r.requestsFailed} failed.`,
    `${r.questions} question(s) answered${r.questions ? `, ${r.avgResponseMs} ms on average` : ''}.`,
    `${r.openAlerts} open alert(s).`,
  ].join('\n');
}

/**
 * The seed's "Custom Schedules" example made real: `generate_daily_report_job` materializes
 * `daily_report` at 09:00 and sends the summary to every configured channel (whatever their
 * minimum alert severity: a report is not an alert).
 */
export function createDailyReportDefinitions(deps: MonitoringDeps) {
  const notifiers: Notifier[] = deps.channels.map((c) => ('notifier' in c ? c.notifier : c));
  const asset = defineAsset({
    key: 'daily_report',
    group: 'monitoring',
    deps: ['pipeline_metrics'],
    description:
      'Daily summary of the last 24 hours (videos, requests, questions, alerts), sent to the alert channels.',
    compute: async (ctx) => {
      const now = (deps.clock ?? Date.now)();
      const report = await buildDailyReport(deps.database.db, now);
      const message: AlertMessage = {
        alertId: 0,
        type: 'daily_report',
        severity: 'info',
        title: 'llm-rag-yt daily report',
        message: dailyReportText(report),
        details: { ...report },
        createdAt: now,
        state: 'firing',
      };
      let sent = 0;
      for (const n of notifiers) {
        try {
          await n.send(message, ctx.signal);
          sent++;
        } catch (e) {
          ctx.log.warn(
            `Daily report not delivered to ${n.channel}: ${e instanceof Error ? e.message : String(e)}`,
          );
        }
      }
      ctx.addMetadata({
        videos_indexed: report.videosIndexed,
        requests_completed: report.requestsCompleted,
        requests_failed: report.requestsFailed,
        questions: report.questions,
        avg_response_ms: report.avgResponseMs,
        open_alerts: report.openAlerts,
        channels_delivered: sent,
      });
      return report;
    },
  });
  const job = defineJob({
    name: 'generate_daily_report_job',
    description: 'Daily report: summary of the last 24 hours to the alert channels.',
    selection: ['daily_report'],
    tags: { kind: 'monitoring' },
    timeoutSeconds: 300,
  });
  const schedule = defineSchedule({
    name: 'daily_report_schedule',
    job: 'generate_daily_report_job',
    cron: '0 9 * * *',
    defaultStatus: 'RUNNING',
    description: '9 AM daily (the seed’s custom schedule example).',
  });
  return { asset, job, schedule };
}
