import { readdir, stat, unlink } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { Storage } from '@llm-rag-yt/orchestrator';
import { pruneAlerts } from '../alerts/alert-store.ts';
import { ApiLogRepository } from '../store/users.ts';
import { pruneHealthChecks } from './health.ts';
import { pruneMetricsSnapshots } from './metrics-history.ts';
import type { MonitoringDb } from './migrations.ts';

/** What cleanup_job may remove. Every age is in days; null switches that part off. */
export interface CleanupPolicy {
  /** Delete an audio file once its transcription completed (audio_files.status = 'completed'). */
  deleteAudioAfterTranscription: boolean;
  /** Delete files in the audio folder older than this (never ones still waiting for transcription). */
  fileMaxAgeDays: number | null;
  /** Finished runs (and their events) older than this. */
  runRetentionDays: number | null;
  tickRetentionDays: number | null;
  tickKeepPerInstigator: number;
  /** Resolved (and stale acknowledged) alerts older than this. Open alerts are never pruned. */
  alertRetentionDays: number | null;
  metricsRetentionDays: number | null;
  healthRetentionDays: number | null;
  /** HTTP API calls (`api_log`) older than this. */
  apiLogRetentionDays: number | null;
  /** Report what would be removed without removing it. */
  dryRun: boolean;
}

export const DEFAULT_CLEANUP_POLICY: Readonly<CleanupPolicy> = Object.freeze({
  deleteAudioAfterTranscription: false,
  fileMaxAgeDays: 30,
  runRetentionDays: 30,
  tickRetentionDays: 7,
  tickKeepPerInstigator: 100,
  alertRetentionDays: 30,
  metricsRetentionDays: 90,
  healthRetentionDays: 7,
  apiLogRetentionDays: 30,
  dryRun: false,
});

export interface CleanupReport {
  audio_deleted_after_transcription: number;
  old_files_deleted: number;
  files_kept_in_use: number;
  bytes_freed: number;
  runs_deleted: number;
  ticks_deleted: number;
  alerts_deleted: number;
  metrics_snapshots_deleted: number;
  health_checks_deleted: number;
  api_log_deleted: number;
  dry_run: boolean;
}

export interface CleanupInput extends MonitoringDb {
  storage?: Pick<Storage, 'runs' | 'instigators'> | null;
  audioDir: string | null;
  policy?: Partial<CleanupPolicy>;
  now: number;
}

const DAY = 86_400_000;
// A file this fresh may still be being written by a download.
const IN_FLIGHT_MS = 60 * 60_000;

function inside(dir: string, path: string): boolean {
  const rel = relative(resolve(dir), resolve(path));
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep) && !rel.includes(`..${sep}`);
}

/**
 * Removes what is no longer needed: transcribed audio (when configured), old media files, old
 * finished runs, ticks, resolved alerts, snapshots, health checks and API call records. Never touches files outside
 * the audio folder, audio still waiting for transcription, running runs or open alerts.
 */
export async function runCleanup(input: CleanupInput): Promise<CleanupReport> {
  const p = { ...DEFAULT_CLEANUP_POLICY, ...input.policy };
  const { now } = input;
  const report: CleanupReport = {
    audio_deleted_after_transcription: 0,
    old_files_deleted: 0,
    files_kept_in_use: 0,
    bytes_freed: 0,
    runs_deleted: 0,
    ticks_deleted: 0,
    alerts_deleted: 0,
    metrics_snapshots_deleted: 0,
    health_checks_deleted: 0,
    api_log_deleted: 0,
    dry_run: p.dryRun,
  };
  const remove = async (path: string): Promise<boolean> => {
    const s = await stat(path).catch(() => null);
    if (!s?.isFile()) return false;
    if (!p.dryRun) await unlink(path);
    report.bytes_freed += s.size;
    return true;
  };

  const rows = (await input.db.selectFrom('audio_files').select(['path', 'status']).execute()) as {
    path: string;
    status: string;
  }[];
  const needed = new Set(rows.filter((r) => r.status === 'pending').map((r) => resolve(r.path)));
  if (input.audioDir) {
    const audioDir = input.audioDir;
    if (p.deleteAudioAfterTranscription) {
      for (const r of rows) {
        if (r.status !== 'completed' || !inside(audioDir, r.path) || needed.has(resolve(r.path))) continue;
        if (await remove(r.path)) report.audio_deleted_after_transcription++;
      }
    }
    if (p.fileMaxAgeDays !== null) {
      const cutoff = now - p.fileMaxAgeDays * DAY;
      for (const file of await listFiles(audioDir)) {
        const s = await stat(file).catch(() => null);
        if (!s?.isFile() || s.mtimeMs >= cutoff || s.mtimeMs > now - IN_FLIGHT_MS) continue;
        if (needed.has(resolve(file))) {
          report.files_kept_in_use++;
          continue;
        }
        if (await remove(file)) report.old_files_deleted++;
      }
    }
  }

  if (!p.dryRun) {
    if (input.storage && p.runRetentionDays !== null)
      report.runs_deleted = await input.storage.runs.deleteRunsEndedBefore(now - p.runRetentionDays * DAY);
    if (input.storage && p.tickRetentionDays !== null)
      report.ticks_deleted = await input.storage.instigators.pruneTicks({
        keepPerInstigator: p.tickKeepPerInstigator,
        before: now - p.tickRetentionDays * DAY,
      });
    if (p.alertRetentionDays !== null)
      report.alerts_deleted = await pruneAlerts(input, now - p.alertRetentionDays * DAY);
    if (p.metricsRetentionDays !== null)
      report.metrics_snapshots_deleted = await pruneMetricsSnapshots(
        input,
        now - p.metricsRetentionDays * DAY,
      );
    if (p.healthRetentionDays !== null)
      report.health_checks_deleted = await pruneHealthChecks(input, now - p.healthRetentionDays * DAY);
    if (p.apiLogRetentionDays !== null)
      report.api_log_deleted = await new ApiLogRepository(input.db).deleteBefore(
        now - p.apiLogRetentionDays * DAY,
      );
  }
  return report;
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    const entries = await readdir(d, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [];
      throw err;
    });
    for (const e of entries) {
      const path = join(d, e.name);
      if (e.isDirectory()) await walk(path);
      else if (e.isFile() && !e.name.startsWith('.')) out.push(path);
    }
  };
  await walk(dir);
  return out;
}
