import type { DaemonHeartbeat } from '@llm-rag-yt/orchestrator';
import { describeDaemonHealth, HEARTBEAT_STALE_AFTER_MS } from '@llm-rag-yt/orchestrator';
import { Hono } from 'hono';
import { z } from 'zod';
import { HttpError } from '../http-error.ts';
import type { AppOptions } from '../types.ts';
import { qInt, readQuery } from '../validation.ts';

const DAY_MS = 24 * 3600 * 1000;

export function heartbeatJson(hb: DaemonHeartbeat, now: number, maxAgeMs: number) {
  const ageMs = Math.max(0, now - hb.timestamp);
  return { ...hb, ageMs, fresh: ageMs <= maxAgeMs };
}

/** Overview, daemon health and pipeline metrics. */
export function systemRoutes(opts: AppOptions): Hono {
  const { instance } = opts;
  const storage = instance.storage;
  const now = opts.now ?? Date.now;
  const maxAge = opts.heartbeatMaxAgeMs ?? HEARTBEAT_STALE_AFTER_MS;
  const app = new Hono();

  app.get('/daemon', async (c) => {
    const health = await describeDaemonHealth(storage, now(), { staleAfterMs: maxAge });
    return c.json({ ...health, heartbeatMaxAgeMs: maxAge });
  });

  app.get('/overview', async (c) => {
    const t = now();
    const [counts, queued, inProgress, failures, heartbeats, alerts] = await Promise.all([
      storage.runs.countRunsByStatus(t - DAY_MS),
      storage.runs.countRuns({ statuses: ['QUEUED'] }),
      storage.runs.listInProgressRuns(),
      storage.runs.listRuns({ statuses: ['FAILURE'], limit: 10 }),
      storage.daemon.listHeartbeats(),
      opts.rag ? opts.rag.listAlerts({ status: 'open', limit: 20 }).catch(() => null) : Promise.resolve(null),
    ]);
    return c.json({
      now: t,
      runsLast24h: counts,
      queueDepth: queued,
      inProgress: inProgress.length,
      recentFailures: failures,
      heartbeats: heartbeats.map((hb) => heartbeatJson(hb, t, maxAge)),
      openAlerts: alerts,
      ragConfigured: Boolean(opts.rag),
    });
  });

  app.get('/metrics/latest', async (c) => {
    if (!opts.metricsHistory) throw new HttpError(503, 'Pipeline metrics are not configured on this server.');
    return c.json({ snapshot: (await opts.metricsHistory.latest()) ?? null });
  });

  app.get('/metrics/history', async (c) => {
    if (!opts.metricsHistory) throw new HttpError(503, 'Pipeline metrics are not configured on this server.');
    const q = readQuery(
      c,
      z.object({ since: qInt(0, Number.MAX_SAFE_INTEGER).optional(), limit: qInt(1, 10_000).optional() }),
    );
    return c.json({
      snapshots: await opts.metricsHistory.history({
        since: q.since ?? now() - DAY_MS,
        limit: q.limit ?? 1000,
      }),
    });
  });

  return app;
}
