import type { MonitoringDb } from '@llm-rag-yt/rag';
import { latestMetricsSnapshot, listMetricsHistory } from '@llm-rag-yt/rag';
import type { MetricsHistory } from './types.ts';

/** The monitoring engineer's `metrics_snapshots` table as the API's MetricsHistory. */
export function createMetricsHistory(h: MonitoringDb): MetricsHistory {
  return {
    async latest() {
      const m = await latestMetricsSnapshot(h);
      if (!m) return undefined;
      const ts = (m as { extra?: { collected_at?: number } }).extra?.collected_at ?? Date.now();
      return { timestamp: ts, data: m as unknown as Record<string, unknown> };
    },
    async history({ since, limit }) {
      const rows = await listMetricsHistory(h, { from: since, maxPoints: limit });
      return rows.map((r) => ({
        timestamp: r.timestamp,
        data: r.metrics as unknown as Record<string, unknown>,
      }));
    },
  };
}
