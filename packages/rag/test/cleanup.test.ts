import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSqlStorage } from '@llm-rag-yt/orchestrator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAlerts, syncAlerts } from '../src/alerts/alert-store.ts';
import { evaluateAlertRules, ruleScope } from '../src/alerts/rules.ts';
import { runCleanup } from '../src/monitoring/cleanup.ts';
import { createRagStore } from '../src/store/rag-store.ts';
import { openTestDb, quietMetrics } from './monitoring-helpers.ts';

let t: Awaited<ReturnType<typeof openTestDb>>;
beforeEach(async () => {
  t = await openTestDb();
});
afterEach(async () => t.cleanup());

const DAY = 86_400_000;

describe('runCleanup', () => {
  it('removes transcribed and old audio, old runs and resolved alerts, and keeps what is still needed', async () => {
    const now = Date.now();
    const audioDir = join(t.dir, 'audio');
    mkdirSync(audioDir);
    const file = (name: string, ageDays: number) => {
      const p = join(audioDir, name);
      writeFileSync(p, Buffer.alloc(1000));
      const at = (now - ageDays * DAY) / 1000;
      utimesSync(p, at, at);
      return p;
    };
    const transcribed = file('done.wav', 1);
    const waiting = file('waiting.wav', 60);
    const old = file('old.wav', 60);
    const fresh = file('fresh.wav', 0);
    const outside = join(t.dir, 'outside.wav');
    writeFileSync(outside, 'x');
    const row = (path: string, status: string) => ({
      video_id: 'v',
      path,
      status,
      created_at: now,
      updated_at: now,
    });
    await t.handle.db
      .insertInto('audio_files')
      .values([row(transcribed, 'completed'), row(waiting, 'pending'), row(outside, 'completed')])
      .execute();

    const storage = createSqlStorage(t.handle);
    await storage.migrate();
    const { run: oldRun } = await storage.runs.createRun({ jobName: 'j' }, now - 40 * DAY);
    await storage.runs.transitionRun(oldRun.runId, ['QUEUED'], 'CANCELED', now - 40 * DAY, {
      endedAt: now - 40 * DAY,
    });
    const { run: queued } = await storage.runs.createRun({ jobName: 'j' }, now - 40 * DAY);

    const scope = ruleScope({ withHealth: false });
    await syncAlerts(t.handle, evaluateAlertRules(quietMetrics({ ytFailed: 6 })), {
      now: now - 40 * DAY,
      scope,
    });
    await syncAlerts(t.handle, evaluateAlertRules(quietMetrics({ jobsPending: 50 })), {
      now: now - 40 * DAY,
      scope,
    });

    const dry = await runCleanup({
      ...t.handle,
      storage,
      audioDir,
      now,
      policy: { deleteAudioAfterTranscription: true, dryRun: true },
    });
    expect(dry).toMatchObject({
      audio_deleted_after_transcription: 1,
      old_files_deleted: 1,
      runs_deleted: 0,
    });
    expect(existsSync(transcribed) && existsSync(old)).toBe(true);

    const r = await runCleanup({
      ...t.handle,
      storage,
      audioDir,
      now,
      policy: { deleteAudioAfterTranscription: true },
    });
    expect(r).toMatchObject({
      audio_deleted_after_transcription: 1,
      old_files_deleted: 1,
      files_kept_in_use: 1,
      bytes_freed: 2000,
      runs_deleted: 1,
      alerts_deleted: 1,
    });
    expect(existsSync(transcribed)).toBe(false);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(waiting)).toBe(true);
    expect(existsSync(fresh)).toBe(true);
    expect(existsSync(outside)).toBe(true);
    expect(await storage.runs.getRun(oldRun.runId)).toBeUndefined();
    expect(await storage.runs.getRun(queued.runId)).toBeDefined();
    expect((await listAlerts(t.handle)).map((a) => a.status)).toEqual(['open']);
  });

  it('prunes API call records older than the retention, and none when it is off', async () => {
    const now = Date.now();
    const { apiLog } = createRagStore(t.handle);
    const call = { method: 'GET', path: '/api/runs', status: 200, durationMs: 1 };
    await apiLog.record({ ...call, createdAt: now - 40 * DAY });
    await apiLog.record({ ...call, path: '/api/assets', createdAt: now - 2 * DAY });
    const off = await runCleanup({ ...t.handle, audioDir: null, now, policy: { apiLogRetentionDays: null } });
    expect(off.api_log_deleted).toBe(0);
    expect(await apiLog.list()).toHaveLength(2);
    const dry = await runCleanup({ ...t.handle, audioDir: null, now, policy: { dryRun: true } });
    expect(dry.api_log_deleted).toBe(0);
    expect(await apiLog.list()).toHaveLength(2);
    const r = await runCleanup({ ...t.handle, audioDir: null, now, policy: { apiLogRetentionDays: 30 } });
    expect(r.api_log_deleted).toBe(1);
    expect((await apiLog.list()).map((e) => e.path)).toEqual(['/api/assets']);
  });

  it('keeps transcribed audio unless configured to delete it', async () => {
    const audioDir = join(t.dir, 'audio');
    mkdirSync(audioDir);
    const p = join(audioDir, 'a.wav');
    writeFileSync(p, 'x');
    await t.handle.db
      .insertInto('audio_files')
      .values({ video_id: 'v', path: p, status: 'completed', created_at: 0, updated_at: 0 })
      .execute();
    const r = await runCleanup({ ...t.handle, audioDir, now: Date.now() });
    expect(r.audio_deleted_after_transcription).toBe(0);
    expect(existsSync(p)).toBe(true);
  });
});
