import type { MonitoringDb } from './migrations.ts';

/*
 * What the server's /metrics scrape reads of the RAG store's and monitoring's tables, as plain
 * data. The queries stay here, with the tables' owners; the server only turns rows into gauges and
 * histograms.
 */

export interface QuestionRow {
  id: number;
  source: string;
  mode: string;
  latencyMs: number | null;
}

export interface ScrapeSource {
  /** youtube_requests by status. */
  requestsByStatus(): Promise<{ status: string; n: number }[]>;
  /** The newest updated_at of any request; null when there are none. */
  lastRequestUpdate(): Promise<number | null>;
  /** Stage timings of the requests that completed in (since, until]. */
  completedTimings(since: number, until: number, limit: number): Promise<Record<string, unknown>[]>;
  /** The newest user_queries id (0 when there are none). */
  lastQuestionId(): Promise<number>;
  /** Questions after `afterId`, oldest first. */
  questionsAfter(afterId: number, limit: number): Promise<QuestionRow[]>;
  /** Alerts not resolved, by severity. */
  openAlertsBySeverity(): Promise<{ severity: string; n: number }[]>;
  /** Alert deliveries by channel and status. */
  deliveriesByChannel(): Promise<{ channel: string; status: string; n: number }[]>;
}

/** @example const source = createScrapeSource(handle); await source.requestsByStatus(); */
export function createScrapeSource(database: MonitoringDb): ScrapeSource {
  const { db } = database;
  return Object.freeze({
    async requestsByStatus() {
      const rows = await db
        .selectFrom('youtube_requests')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('status')
        .execute();
      return rows.map((r) => ({ status: String(r.status), n: Number(r.n) }));
    },
    async lastRequestUpdate() {
      const row = await db
        .selectFrom('youtube_requests')
        .select((eb) => eb.fn.max<number>('updated_at').as('t'))
        .executeTakeFirst();
      return row?.t == null ? null : Number(row.t);
    },
    async completedTimings(since: number, until: number, limit: number) {
      const rows = await db
        .selectFrom('youtube_requests')
        .select('timings')
        .where('status', '=', 'completed')
        .where('updated_at', '>', since)
        .where('updated_at', '<=', until)
        .limit(limit)
        .execute();
      const out: Record<string, unknown>[] = [];
      for (const r of rows) {
        try {
          out.push(JSON.parse(String(r.timings ?? '{}')));
        } catch {
          // A malformed timings value has nothing to observe.
        }
      }
      return out;
    },
    async lastQuestionId() {
      const r = await db
        .selectFrom('user_queries')
        .select((eb) => eb.fn.max<number>('id').as('id'))
        .executeTakeFirst();
      return r?.id == null ? 0 : Number(r.id);
    },
    async questionsAfter(afterId: number, limit: number) {
      const rows = await db
        .selectFrom('user_queries')
        .select(['id', 'source', 'mode', 'latency_ms'])
        .where('id', '>', afterId)
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        id: Number(r.id),
        source: String(r.source ?? 'unknown'),
        mode: String(r.mode ?? 'unknown'),
        latencyMs: r.latency_ms == null ? null : Number(r.latency_ms),
      }));
    },
    async openAlertsBySeverity() {
      const rows = await db
        .selectFrom('system_alerts')
        .select(['severity', (eb) => eb.fn.countAll<number>().as('n')])
        .where('status', '<>', 'resolved')
        .groupBy('severity')
        .execute();
      return rows.map((r) => ({ severity: String(r.severity), n: Number(r.n) }));
    },
    async deliveriesByChannel() {
      const rows = await db
        .selectFrom('alert_deliveries')
        .select(['channel', 'status', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy(['channel', 'status'])
        .execute();
      return rows.map((r) => ({ channel: String(r.channel), status: String(r.status), n: Number(r.n) }));
    },
  });
}
