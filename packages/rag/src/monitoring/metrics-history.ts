import type { PipelineMetrics } from './metrics-types.ts';
import type { MonitoringDb } from './migrations.ts';

/** Stores one `pipeline_metrics` result so it can be charted over time. */
export async function saveMetricsSnapshot(h: MonitoringDb, metrics: PipelineMetrics): Promise<number> {
  const row = await h.db
    .insertInto('metrics_snapshots')
    .values({ timestamp: metrics.extra.collected_at, data: JSON.stringify(metrics) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/**
 * Snapshots between `from` and `to` (epoch ms), oldest first, for charts. When there are more than
 * `maxPoints`, evenly spaced ones are kept so a month of 10-minute snapshots still draws quickly.
 */
export async function listMetricsHistory(
  h: MonitoringDb,
  opts: { from?: number; to?: number; maxPoints?: number } = {},
): Promise<{ timestamp: number; metrics: PipelineMetrics }[]> {
  let q = h.db.selectFrom('metrics_snapshots').select(['timestamp', 'data']);
  if (opts.from !== undefined) q = q.where('timestamp', '>=', opts.from);
  if (opts.to !== undefined) q = q.where('timestamp', '<=', opts.to);
  const rows = await q.orderBy('timestamp').orderBy('id').execute();
  const max = opts.maxPoints ?? 500;
  const step = rows.length > max ? rows.length / max : 1;
  const picked = step === 1 ? rows : Array.from({ length: max }, (_, i) => rows[Math.floor(i * step)]!);
  return picked.map((r) => ({
    timestamp: Number(r.timestamp),
    metrics: JSON.parse(r.data) as PipelineMetrics,
  }));
}

export async function latestMetricsSnapshot(h: MonitoringDb): Promise<PipelineMetrics | undefined> {
  const r = await h.db
    .selectFrom('metrics_snapshots')
    .select('data')
    .orderBy('timestamp', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return r ? (JSON.parse(r.data) as PipelineMetrics) : undefined;
}

export async function pruneMetricsSnapshots(h: MonitoringDb, before: number): Promise<number> {
  const r = await h.db.deleteFrom('metrics_snapshots').where('timestamp', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}
