import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSqlStorage } from '@llm-rag-yt/orchestrator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectPipelineMetrics, formatMetricsTimestamp } from '../src/monitoring/metrics.ts';
import {
  latestMetricsSnapshot,
  listMetricsHistory,
  saveMetricsSnapshot,
} from '../src/monitoring/metrics-history.ts';
import { SEED_METRICS_KEYS } from '../src/monitoring/metrics-types.ts';
import { openTestDb } from './monitoring-helpers.ts';

let t: Awaited<ReturnType<typeof openTestDb>>;
beforeEach(async () => {
  t = await openTestDb();
});
afterEach(async () => t.cleanup());

const NOW = Date.parse('2025-01-19T10:30:00Z');
const HOUR = 3_600_000;

async function seed() {
  const db = t.handle.db;
  const req = (status: string, created: number, updated = created) => ({
    url: 'u',
    status,
    created_at: created,
    updated_at: updated,
  });
  await db
    .insertInto('youtube_requests')
    .values([
      req('pending', NOW - 2 * HOUR),
      req('pending', NOW - 10_000),
      req('processing', NOW - 1000),
      req('completed', NOW - 5 * HOUR),
      req('completed', NOW - 3 * HOUR),
      req('completed', NOW - 30 * HOUR), // outside the 24 h error-rate window
      req('failed', NOW - HOUR),
    ])
    .execute();
  const audio = (status: string) => ({ video_id: 'v', path: '/x', status, created_at: NOW, updated_at: NOW });
  await db
    .insertInto('audio_files')
    .values([audio('pending'), audio('completed'), audio('completed'), audio('failed')])
    .execute();
  const job = (status: string) => ({
    job_type: 'youtube_processing',
    job_data: '{}',
    priority: 0,
    status,
    created_at: NOW,
    updated_at: NOW,
  });
  await db
    .insertInto('pipeline_jobs')
    .values([job('pending'), job('pending'), job('running'), job('completed'), job('failed')])
    .execute();
  const q = (user_id: number, latency_ms: number) => ({
    user_id,
    query: 'q',
    answer: 'a',
    latency_ms,
    created_at: NOW,
  });
  await db
    .insertInto('user_queries')
    .values([q(1, 800), q(1, 900), q(2, 851)])
    .execute();
  const audioDir = join(t.dir, 'audio');
  const transcriptDir = join(t.dir, 'transcripts');
  mkdirSync(join(audioDir, 'sub'), { recursive: true });
  mkdirSync(transcriptDir);
  writeFileSync(join(audioDir, 'a.wav'), Buffer.alloc(1024 * 1024));
  writeFileSync(join(audioDir, 'sub', 'b.wav'), Buffer.alloc(512 * 1024));
  writeFileSync(join(audioDir, '.partial'), 'x');
  writeFileSync(join(transcriptDir, 'a.vtt'), 'WEBVTT');
  return { audioDir, transcriptDir };
}

describe('collectPipelineMetrics', () => {
  it("returns exactly the seed's JSON shape with the right counts", async () => {
    const dirs = await seed();
    const storage = createSqlStorage(t.handle);
    await storage.migrate();
    await storage.runs.createRun({ jobName: 'youtube_processing_job' }, NOW);
    const m = await collectPipelineMetrics({ ...t.handle, storage, ...dirs, now: NOW });

    const { extra, ...seedPart } = m;
    expect(Object.keys(seedPart)).toEqual(SEED_METRICS_KEYS.top);
    expect(Object.keys(m.processing_stats)).toEqual(SEED_METRICS_KEYS.processing_stats);
    expect(Object.keys(m.processing_stats.youtube_requests)).toEqual(SEED_METRICS_KEYS.youtube_requests);
    expect(Object.keys(m.processing_stats.audio_files)).toEqual(SEED_METRICS_KEYS.audio_files);
    expect(Object.keys(m.processing_stats.pipeline_jobs)).toEqual(SEED_METRICS_KEYS.pipeline_jobs);
    expect(Object.keys(m.user_stats)).toEqual(SEED_METRICS_KEYS.user_stats);
    expect(Object.keys(m.filesystem)).toEqual(SEED_METRICS_KEYS.filesystem);

    expect(seedPart).toEqual({
      timestamp: '2025-01-19T10:30:00Z',
      processing_stats: {
        youtube_requests: { pending: 3, completed: 3, failed: 1 },
        audio_files: { pending: 1, completed: 2, failed: 1 },
        pipeline_jobs: { pending: 2, running: 1, completed: 1 },
      },
      user_stats: { total_queries: 3, unique_users: 2, avg_response_time_ms: 850 },
      filesystem: { audio_files_count: 2, transcript_files_count: 1, audio_total_size_mb: 1.5 },
    });
    expect(extra).toMatchObject({
      collected_at: NOW,
      youtube_requests_processing: 1,
      pipeline_jobs_failed: 1,
      oldest_pending_request_age_seconds: 7200,
      stale_pending_requests: 1,
      error_rate_samples: 3,
      orchestrator: { queue_depth: 1, runs_by_status: expect.objectContaining({ QUEUED: 1, SUCCESS: 0 }) },
    });
    expect(extra.error_rate).toBeCloseTo(1 / 3);
  });

  it('works on an empty database with missing folders', async () => {
    const m = await collectPipelineMetrics({
      ...t.handle,
      audioDir: join(t.dir, 'nope'),
      transcriptDir: null,
      now: NOW,
    });
    expect(m.user_stats).toEqual({ total_queries: 0, unique_users: 0, avg_response_time_ms: 0 });
    expect(m.filesystem).toEqual({ audio_files_count: 0, transcript_files_count: 0, audio_total_size_mb: 0 });
    expect(m.extra.orchestrator).toBeNull();
  });

  it('stores snapshots and returns history oldest first, thinned to maxPoints', async () => {
    for (let i = 0; i < 10; i++) {
      const m = await collectPipelineMetrics({
        ...t.handle,
        audioDir: null,
        transcriptDir: null,
        now: NOW + i * 600_000,
      });
      await saveMetricsSnapshot(t.handle, m);
    }
    const all = await listMetricsHistory(t.handle);
    expect(all.map((s) => s.timestamp)).toEqual(Array.from({ length: 10 }, (_, i) => NOW + i * 600_000));
    expect(all[0]!.metrics.timestamp).toBe(formatMetricsTimestamp(NOW));
    expect(await listMetricsHistory(t.handle, { maxPoints: 5 })).toHaveLength(5);
    expect(await listMetricsHistory(t.handle, { from: NOW + 5 * 600_000 })).toHaveLength(5);
    expect((await latestMetricsSnapshot(t.handle))?.extra.collected_at).toBe(NOW + 9 * 600_000);
  });
});
