import type { Storage } from '@llm-rag-yt/orchestrator';
import type { MonitoringDb } from '@llm-rag-yt/rag';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { createScrapeCollector } from './scrape-collector.ts';

/** Every metric name starts with this. */
export const METRIC_PREFIX = 'llm_rag_yt_';

export interface MetricsRegistryOptions {
  /** Orchestrator storage: runs by status, queue depth, run/step durations (event log), sensor ticks. */
  storage?: Pick<Storage, 'runs' | 'events' | 'instigators'> | null;
  /** The shared database: requests, stage timings, questions, alerts (RAG and monitoring tables). */
  database?: MonitoringDb | null;
  /** Process metrics (CPU, memory, event loop). Default true. */
  defaultMetrics?: boolean;
}

/** What the HTTP server mounts at /metrics, plus counters that in-process code (the bot) updates. */
export interface MetricsRegistry {
  readonly registry: Registry;
  readonly contentType: string;
  /** Refreshes the database-backed metrics (cheap queries) and renders the text exposition format. */
  metrics(): Promise<string>;
  readonly telegramMessages: Counter<'direction'>;
  readonly telegramErrors: Counter<'method'>;
}

const DURATION_BUCKETS = [0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 1800, 3600];
const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30];

/**
 * Builds the Prometheus registry. Gauges are read from the database on each scrape; histograms
 * are fed from rows and events that appeared since the previous scrape (so a process observes
 * what any worker recorded). Several web servers each expose the same series: aggregate with
 * max() or scrape one.
 *
 * @example
 * const metrics = createMetricsRegistry({ storage, database: handle });
 * app.get('/metrics', async (c) => c.body(await metrics.metrics(), 200, { 'content-type': metrics.contentType }));
 */
export function createMetricsRegistry(opts: MetricsRegistryOptions = {}): MetricsRegistry {
  const registry = new Registry();
  const p = METRIC_PREFIX;
  const m = {
    runs: new Gauge({
      name: `${p}runs`,
      help: 'Orchestrator runs by status.',
      labelNames: ['status'],
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: `${p}run_queue_depth`,
      help: 'Runs waiting in the queue (QUEUED).',
      registers: [registry],
    }),
    runDuration: new Histogram({
      name: `${p}run_duration_seconds`,
      help: 'Wall time of finished runs.',
      labelNames: ['job', 'status'],
      buckets: DURATION_BUCKETS,
      registers: [registry],
    }),
    stepDuration: new Histogram({
      name: `${p}step_duration_seconds`,
      help: 'Wall time of finished step attempts.',
      labelNames: ['step', 'status'],
      buckets: DURATION_BUCKETS,
      registers: [registry],
    }),
    sensorTickDuration: new Histogram({
      name: `${p}sensor_tick_duration_seconds`,
      help: 'Duration of sensor evaluations.',
      labelNames: ['sensor', 'status'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers: [registry],
    }),
    sensorTickFailures: new Counter({
      name: `${p}sensor_tick_failures_total`,
      help: 'Sensor evaluations that failed.',
      labelNames: ['sensor'],
      registers: [registry],
    }),
    requests: new Gauge({
      name: `${p}youtube_requests`,
      help: 'YouTube requests by status.',
      labelNames: ['status'],
      registers: [registry],
    }),
    stageDuration: new Histogram({
      name: `${p}stage_duration_seconds`,
      help: 'Per-stage processing time of finished requests (downloading, transcribing, embedding…).',
      labelNames: ['stage'],
      buckets: DURATION_BUCKETS,
      registers: [registry],
    }),
    questions: new Counter({
      name: `${p}questions_total`,
      help: 'Questions answered.',
      labelNames: ['source', 'mode'],
      registers: [registry],
    }),
    questionLatency: new Histogram({
      name: `${p}question_latency_seconds`,
      help: 'Time to answer a question.',
      labelNames: ['source'],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    alertsOpen: new Gauge({
      name: `${p}alerts_open`,
      help: 'Open or acknowledged alerts by severity.',
      labelNames: ['severity'],
      registers: [registry],
    }),
    alertDeliveries: new Gauge({
      name: `${p}alert_deliveries`,
      help: 'Alert deliveries by channel and status (pending, sent, failed).',
      labelNames: ['channel', 'status'],
      registers: [registry],
    }),
    scrapeErrors: new Counter({
      name: `${p}scrape_errors_total`,
      help: 'Metric sources that could not be read during a scrape.',
      labelNames: ['source'],
      registers: [registry],
    }),
  };
  const telegramMessages = new Counter({
    name: `${p}telegram_messages_total`,
    help: 'Telegram messages handled by the bot (in) and sent by it (out).',
    labelNames: ['direction'],
    registers: [registry],
  });
  const telegramErrors = new Counter({
    name: `${p}telegram_errors_total`,
    help: 'Failed Telegram Bot API calls.',
    labelNames: ['method'],
    registers: [registry],
  });
  if (opts.defaultMetrics ?? true) {
    collectDefaultMetrics({ register: registry, prefix: p });
    // prom-client names these gauges *_total, which `promtool check metrics` rejects;
    // nodejs_active_handles/_requests/_resources (without _total) carry the same numbers by type.
    for (const n of ['active_handles', 'active_requests', 'active_resources'])
      registry.removeSingleMetric(`${p}nodejs_${n}_total`);
  }
  // Series with zero values from the start, so dashboards and rules see them before the first event.
  for (const status of ['QUEUED', 'STARTING', 'STARTED', 'SUCCESS', 'FAILURE', 'CANCELING', 'CANCELED'])
    m.runs.set({ status }, 0);
  for (const severity of ['info', 'warning', 'error', 'critical']) m.alertsOpen.set({ severity }, 0);
  for (const direction of ['in', 'out']) telegramMessages.inc({ direction }, 0);

  const refresh = createScrapeCollector(opts, m);
  return Object.freeze({
    registry,
    contentType: registry.contentType,
    async metrics() {
      await refresh();
      return registry.metrics();
    },
    telegramMessages,
    telegramErrors,
  });
}

export type ScrapeMetrics = {
  runs: Gauge<'status'>;
  queueDepth: Gauge;
  runDuration: Histogram<'job' | 'status'>;
  stepDuration: Histogram<'step' | 'status'>;
  sensorTickDuration: Histogram<'sensor' | 'status'>;
  sensorTickFailures: Counter<'sensor'>;
  requests: Gauge<'status'>;
  stageDuration: Histogram<'stage'>;
  questions: Counter<'source' | 'mode'>;
  questionLatency: Histogram<'source'>;
  alertsOpen: Gauge<'severity'>;
  alertDeliveries: Gauge<'channel' | 'status'>;
  scrapeErrors: Counter<'source'>;
};
