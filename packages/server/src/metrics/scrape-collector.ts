import type { MetricsRegistryOptions, ScrapeMetrics } from './registry.ts';

const RUN_END = ['RUN_SUCCESS', 'RUN_FAILURE', 'RUN_CANCELED'] as const;
const STEP_END = ['STEP_SUCCESS', 'STEP_FAILURE'] as const;
const BATCH = 5000;

/**
 * Returns `refresh()`: reads gauges from the database and feeds histograms with what is new since
 * the last scrape (events after the last seen id, ticks after the last seen id, questions after
 * the last seen id). The first scrape only records where "now" is, so a restart does not replay history.
 * Concurrent scrapes share one refresh. A failing source counts in scrape_errors_total and never
 * fails the scrape.
 */
export function createScrapeCollector(opts: MetricsRegistryOptions, m: ScrapeMetrics): () => Promise<void> {
  const { storage, database } = opts;
  let lastEventId: number | null = null;
  let lastQueryId: number | null = null;
  let lastRequestUpdate: number | null = null;
  const lastTickId = new Map<string, number>();
  let ticksPrimed = false;
  let inflight: Promise<void> | null = null;

  const guard = async (source: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch {
      m.scrapeErrors.inc({ source });
    }
  };

  const runs = async () => {
    if (!storage) return;
    const byStatus = await storage.runs.countRunsByStatus();
    for (const [status, n] of Object.entries(byStatus)) m.runs.set({ status }, n);
    m.queueDepth.set(byStatus.QUEUED ?? 0);
  };

  const events = async () => {
    if (!storage) return;
    if (lastEventId === null) {
      lastEventId = await storage.events.maxEventId();
      return;
    }
    const batch = await storage.events.listEventsAfter(lastEventId, {
      limit: BATCH,
      types: [...RUN_END, ...STEP_END],
    });
    for (const e of batch) {
      lastEventId = Math.max(lastEventId, e.id);
      const ms = typeof e.data?.durationMs === 'number' ? e.data.durationMs : null;
      if (ms === null) continue;
      if ((RUN_END as readonly string[]).includes(e.type)) {
        const job = (await storage.runs.getRun(e.runId))?.jobName ?? 'unknown';
        m.runDuration.observe({ job, status: e.type.slice(4).toLowerCase() }, ms / 1000);
      } else {
        m.stepDuration.observe(
          { step: e.stepKey ?? 'unknown', status: e.type === 'STEP_SUCCESS' ? 'success' : 'failure' },
          ms / 1000,
        );
      }
    }
  };

  const ticks = async () => {
    if (!storage) return;
    for (const state of await storage.instigators.listStates()) {
      if (state.kind !== 'sensor') continue;
      // A sensor first seen after the first scrape is new: all its ticks count.
      const seen = lastTickId.get(state.name) ?? (ticksPrimed ? 0 : undefined);
      const recent = await storage.instigators.listTicks(state.name, { limit: 50 });
      const newest = recent[0]?.id ?? 0;
      lastTickId.set(state.name, Math.max(seen ?? 0, newest));
      if (seen === undefined) continue;
      for (const t of recent) {
        if (t.id <= seen || t.status === 'STARTED') continue;
        if (t.durationMs !== null)
          m.sensorTickDuration.observe(
            { sensor: t.name, status: t.status.toLowerCase() },
            t.durationMs / 1000,
          );
        if (t.status === 'FAILURE') m.sensorTickFailures.inc({ sensor: t.name });
      }
    }
    ticksPrimed = true;
  };

  const requests = async () => {
    if (!database) return;
    const rows = await database.db
      .selectFrom('youtube_requests')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('status')
      .execute();
    m.requests.reset();
    for (const s of ['pending', 'processing', 'completed', 'failed']) m.requests.set({ status: s }, 0);
    for (const r of rows) m.requests.set({ status: String(r.status) }, Number(r.n));
    // Stage timings of requests that completed since the last scrape.
    const since = lastRequestUpdate;
    const maxRow = await database.db
      .selectFrom('youtube_requests')
      .select((eb) => eb.fn.max<number>('updated_at').as('t'))
      .executeTakeFirst();
    lastRequestUpdate = maxRow?.t == null ? (since ?? 0) : Number(maxRow.t);
    if (since === null) return;
    const done = await database.db
      .selectFrom('youtube_requests')
      .select('timings')
      .where('status', '=', 'completed')
      .where('updated_at', '>', since)
      .where('updated_at', '<=', lastRequestUpdate)
      .limit(BATCH)
      .execute();
    for (const r of done) {
      let timings: Record<string, unknown> = {};
      try {
        timings = JSON.parse(String(r.timings ?? '{}'));
      } catch {
        continue;
      }
      for (const [stage, ms] of Object.entries(timings))
        if (typeof ms === 'number' && ms >= 0) m.stageDuration.observe({ stage }, ms / 1000);
    }
  };

  const questions = async () => {
    if (!database) return;
    if (lastQueryId === null) {
      const r = await database.db
        .selectFrom('user_queries')
        .select((eb) => eb.fn.max<number>('id').as('id'))
        .executeTakeFirst();
      lastQueryId = r?.id == null ? 0 : Number(r.id);
      return;
    }
    const rows = await database.db
      .selectFrom('user_queries')
      .select(['id', 'source', 'mode', 'latency_ms'])
      .where('id', '>', lastQueryId)
      .orderBy('id')
      .limit(BATCH)
      .execute();
    for (const r of rows) {
      lastQueryId = Math.max(lastQueryId, Number(r.id));
      const source = String(r.source ?? 'unknown');
      m.questions.inc({ source, mode: String(r.mode ?? 'unknown').split(':')[0]! });
      if (r.latency_ms != null) m.questionLatency.observe({ source }, Number(r.latency_ms) / 1000);
    }
  };

  const alerts = async () => {
    if (!database) return;
    const open = await database.db
      .selectFrom('system_alerts')
      .select(['severity', (eb) => eb.fn.countAll<number>().as('n')])
      .where('status', '<>', 'resolved')
      .groupBy('severity')
      .execute();
    for (const s of ['info', 'warning', 'error', 'critical']) m.alertsOpen.set({ severity: s }, 0);
    for (const r of open) m.alertsOpen.set({ severity: String(r.severity) }, Number(r.n));
    const deliveries = await database.db
      .selectFrom('alert_deliveries')
      .select(['channel', 'status', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy(['channel', 'status'])
      .execute();
    m.alertDeliveries.reset();
    for (const r of deliveries)
      m.alertDeliveries.set({ channel: String(r.channel), status: String(r.status) }, Number(r.n));
  };

  const refreshAll = async () => {
    await Promise.all([
      guard('runs', runs),
      guard('events', events),
      guard('sensor_ticks', ticks),
      guard('youtube_requests', requests),
      guard('user_queries', questions),
      guard('alerts', alerts),
    ]);
  };

  return () => {
    inflight ??= refreshAll().finally(() => {
      inflight = null;
    });
    return inflight;
  };
}
