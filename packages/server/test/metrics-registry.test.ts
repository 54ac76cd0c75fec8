import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqlStorage, openDatabase } from '@llm-rag-yt/orchestrator';
import {
  evaluateAlertRules,
  migrateMonitoring,
  migrateRagStore,
  ruleScope,
  syncAlerts,
} from '@llm-rag-yt/rag';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { quietMetrics } from '../../rag/test/monitoring-helpers.ts';
import { createMetricsRegistry } from '../src/metrics/registry.ts';

const PROMTOOL = '/usr/bin/promtool';
let dir: string;
let handle: Awaited<ReturnType<typeof openDatabase>>;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'metrics-'));
  handle = await openDatabase(`sqlite:${join(dir, 'state.db')}`);
  await migrateRagStore(handle);
  await migrateMonitoring(handle);
});
afterEach(async () => {
  await handle.close();
  rmSync(dir, { recursive: true, force: true });
});

function promtool(args: string[], input?: string) {
  return spawnSync(PROMTOOL, args, { input, encoding: 'utf8' });
}

/** Value of one sample line, e.g. `llm_rag_yt_runs{status="QUEUED"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('Prometheus registry', () => {
  it.skipIf(!existsSync(PROMTOOL))(
    'exposes the pipeline metrics from the database and passes promtool check metrics',
    async () => {
      const storage = createSqlStorage(handle);
      await storage.migrate();
      const metrics = createMetricsRegistry({ storage, database: handle });
      const first = await metrics.metrics(); // baseline: history before the first scrape is not replayed

      const now = Date.now();
      const { run } = await storage.runs.createRun({ jobName: 'youtube_processing_job' }, now);
      await storage.runs.createRun({ jobName: 'cleanup_job' }, now);
      await storage.runs.transitionRun(run.runId, ['QUEUED'], 'STARTING', now);
      await storage.runs.transitionRun(run.runId, ['STARTING'], 'STARTED', now, { startedAt: now });
      await storage.events.appendEvents([
        {
          runId: run.runId,
          timestamp: now,
          type: 'STEP_SUCCESS',
          level: 'info',
          stepKey: 'downloaded_audio_files',
          message: 'ok',
          data: { durationMs: 1500 },
        },
        {
          runId: run.runId,
          timestamp: now,
          type: 'RUN_SUCCESS',
          level: 'info',
          stepKey: null,
          message: 'ok',
          data: { durationMs: 2000 },
        },
      ]);
      await storage.runs.transitionRun(run.runId, ['STARTED'], 'SUCCESS', now, { endedAt: now });
      await handle.db
        .insertInto('youtube_requests')
        .values([
          { url: 'u', status: 'pending', created_at: now, updated_at: now, timings: '{}' },
          {
            url: 'u',
            status: 'completed',
            created_at: now,
            updated_at: now + 1,
            timings: JSON.stringify({ downloading: 1200, embedding: 300 }),
          },
        ])
        .execute();
      await handle.db
        .insertInto('user_queries')
        .values({
          user_id: 1,
          query: 'q',
          answer: 'a',
          mode: 'llm:gpt',
          source: 'bot',
          latency_ms: 850,
          created_at: now,
        })
        .execute();
      await storage.instigators.addTick({
        name: 'youtube_url_sensor',
        kind: 'sensor',
        status: 'FAILURE',
        timestamp: now,
        durationMs: 40,
        runIds: [],
        runKeys: [],
        skipReason: null,
        cursor: null,
        error: { message: 'x', className: 'Error' },
      });
      await storage.instigators.setState('youtube_url_sensor', 'sensor', { lastTickAt: now }, now);
      await syncAlerts(handle, evaluateAlertRules(quietMetrics({ ytFailed: 6, audioFailed: 4 })), {
        now,
        scope: ruleScope({ withHealth: false }),
      });
      metrics.telegramMessages.inc({ direction: 'in' });
      metrics.telegramErrors.inc({ method: 'sendMessage' });

      const text = await metrics.metrics();
      expect(first).toContain('llm_rag_yt_runs{status="QUEUED"} 0');
      expect(sample(text, 'llm_rag_yt_runs{status="QUEUED"}')).toBe(1);
      expect(sample(text, 'llm_rag_yt_runs{status="SUCCESS"}')).toBe(1);
      expect(sample(text, 'llm_rag_yt_run_queue_depth')).toBe(1);
      expect(
        sample(text, 'llm_rag_yt_run_duration_seconds_count{job="youtube_processing_job",status="success"}'),
      ).toBe(1);
      expect(
        sample(text, 'llm_rag_yt_run_duration_seconds_sum{job="youtube_processing_job",status="success"}'),
      ).toBe(2);
      expect(
        sample(
          text,
          'llm_rag_yt_step_duration_seconds_count{step="downloaded_audio_files",status="success"}',
        ),
      ).toBe(1);
      expect(sample(text, 'llm_rag_yt_youtube_requests{status="pending"}')).toBe(1);
      expect(sample(text, 'llm_rag_yt_stage_duration_seconds_sum{stage="downloading"}')).toBe(1.2);
      expect(sample(text, 'llm_rag_yt_questions_total{source="bot",mode="llm"}')).toBe(1);
      expect(sample(text, 'llm_rag_yt_question_latency_seconds_sum{source="bot"}')).toBe(0.85);
      expect(sample(text, 'llm_rag_yt_sensor_tick_failures_total{sensor="youtube_url_sensor"}')).toBe(1);
      expect(sample(text, 'llm_rag_yt_alerts_open{severity="warning"}')).toBe(1);
      expect(sample(text, 'llm_rag_yt_alerts_open{severity="error"}')).toBe(1);
      expect(sample(text, 'llm_rag_yt_telegram_messages_total{direction="in"}')).toBe(1);
      expect(sample(text, 'llm_rag_yt_telegram_errors_total{method="sendMessage"}')).toBe(1);
      expect(text).toContain('llm_rag_yt_process_cpu_seconds_total');
      expect(text).not.toContain('llm_rag_yt_scrape_errors_total{');

      const check = promtool(['check', 'metrics'], text);
      expect(check.stderr + check.stdout).toBe('');
      expect(check.status).toBe(0);
    },
  );

  it('a missing table is counted as a scrape error, not a failed scrape', async () => {
    const bare = await openDatabase(`sqlite:${join(dir, 'bare.db')}`);
    try {
      const metrics = createMetricsRegistry({ database: bare, defaultMetrics: false });
      const text = await metrics.metrics();
      expect(sample(text, 'llm_rag_yt_scrape_errors_total{source="alerts"}')).toBe(1);
      expect(promtool(['check', 'metrics'], text).status).toBe(0);
    } finally {
      await bare.close();
    }
  });

  it.skipIf(!existsSync(PROMTOOL))(
    'deploy/prometheus/alerts.yml passes promtool check rules and uses only our metric names',
    async () => {
      const rules = join(import.meta.dirname, '../../../deploy/prometheus/alerts.yml');
      const r = promtool(['check', 'rules', rules]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const text = await createMetricsRegistry({ storage: null, database: null }).metrics();
      const exposed = new Set(
        text
          .split('\n')
          .filter((l) => l.startsWith('# TYPE '))
          .map((l) => l.split(' ')[2]!),
      );
      const { readFileSync } = await import('node:fs');
      for (const file of [rules, join(import.meta.dirname, '../../../deploy/grafana/dashboard.json')]) {
        const used = new Set(readFileSync(file, 'utf8').match(/llm_rag_yt_[a-z_]+/g) ?? []);
        expect(used.size).toBeGreaterThan(5);
        for (const name of used) {
          const base = name.replace(/_(bucket|sum|count)$/, '');
          expect(exposed.has(name) || exposed.has(base), `${file} uses unknown metric ${name}`).toBe(true);
        }
      }
    },
  );
});
