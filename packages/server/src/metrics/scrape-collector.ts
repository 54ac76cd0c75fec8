import { createScrapeSource } from '@llm-rag-yt/rag';
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
  // The RAG store's and monitoring's tables are read through their own code (rag's ScrapeSource).
  const source = database ? createScrapeSource(database) : null;
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
    if (!source) return;
    const rows = await source.requestsByStatus();
    m.requests.reset();
    for (const s of ['pending', 'processing', 'completed', 'failed']) m.requests.set({ status: s }, 0);
    for (const r of rows) m.requests.set({ status: r.status }, r.n);
    // Stage timings of requests that completed since the last scrape.
    const since = lastRequestUpdate;
    lastRequestUpdate = (await source.lastRequestUpdate()) ?? since ?? 0;
    if (since === null) return;
    for (const timings of await source.completedTimings(since, lastRequestUpdate, BATCH))
      for (const [stage, ms] of Object.entries(timings))
        if (typeof ms === 'number' && ms >= 0) m.stageDuration.observe({ stage }, ms / 1000);
  };

  const questions = async () => {
    if (!source) return;
    if (lastQueryId === null) {
      lastQueryId = await source.lastQuestionId();
      return;
    }
    for (const r of await source.questionsAfter(lastQueryId, BATCH)) {
      lastQueryId = Math.max(lastQueryId, r.id);
      m.questions.inc({ source: r.source, mode: r.mode.split(':')[0]! });
      if (r.latencyMs !== null) m.questionLatency.observe({ source: r.source }, r.latencyMs / 1000);
    }
  };

  const alerts = async () => {
    if (!source) return;
    const open = await source.openAlertsBySeverity();
    for (const s of ['info', 'warning', 'error', 'critical']) m.alertsOpen.set({ severity: s }, 0);
    for (const r of open) m.alertsOpen.set({ severity: r.severity }, r.n);
    const deliveries = await source.deliveriesByChannel();
    m.alertDeliveries.reset();
    for (const r of deliveries) m.alertDeliveries.set({ channel: r.channel, status: r.status }, r.n);
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
