import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_THRESHOLDS, evaluateAlertRules } from '../src/alerts/rules.ts';
import { quietMetrics } from './monitoring-helpers.ts';

const fps = (m: ReturnType<typeof quietMetrics>, t = {}, health?: Parameters<typeof evaluateAlertRules>[2]) =>
  evaluateAlertRules(m, t, health).map((c) => c.fingerprint);

describe('evaluateAlertRules at and around the seed thresholds', () => {
  it('quiet metrics raise nothing', () => {
    expect(evaluateAlertRules(quietMetrics())).toEqual([]);
  });

  it('failed YouTube requests: 5 is fine, 6 raises processing_failures (warning)', () => {
    expect(fps(quietMetrics({ ytFailed: 5 }))).toEqual([]);
    const [c] = evaluateAlertRules(quietMetrics({ ytFailed: 6 }));
    expect(c).toMatchObject({
      type: 'processing_failures',
      severity: 'warning',
      fingerprint: 'processing_failures:youtube_requests_failed',
    });
  });

  it('failed audio: 3 is fine, 4 raises audio_processing_failures (error)', () => {
    expect(fps(quietMetrics({ audioFailed: 3 }))).toEqual([]);
    expect(evaluateAlertRules(quietMetrics({ audioFailed: 4 }))[0]).toMatchObject({
      type: 'audio_processing_failures',
      severity: 'error',
    });
  });

  it('pending jobs: 10 is fine, 11 raises job_backlog (warning)', () => {
    expect(fps(quietMetrics({ jobsPending: 10 }))).toEqual([]);
    expect(evaluateAlertRules(quietMetrics({ jobsPending: 11 }))[0]).toMatchObject({
      type: 'job_backlog',
      severity: 'warning',
      fingerprint: 'job_backlog:pipeline_jobs_pending',
    });
  });

  it('oldest pending request: 59 min fine, 60 min fine, 61 min raises job_backlog with its own fingerprint', () => {
    expect(fps(quietMetrics({ oldestPendingSeconds: 59 * 60 }))).toEqual([]);
    expect(fps(quietMetrics({ oldestPendingSeconds: 60 * 60 }))).toEqual([]);
    const [c] = evaluateAlertRules(quietMetrics({ oldestPendingSeconds: 61 * 60 }));
    expect(c).toMatchObject({
      type: 'job_backlog',
      severity: 'warning',
      fingerprint: 'job_backlog:stale_pending_requests',
    });
  });

  it('storage: 1024 MB (1 GB) fine, 1024.1 MB raises storage_full (error)', () => {
    expect(fps(quietMetrics({ audioMb: 1024 }))).toEqual([]);
    expect(evaluateAlertRules(quietMetrics({ audioMb: 1024.1 }))[0]).toMatchObject({
      type: 'storage_full',
      severity: 'error',
    });
  });

  it('error rate: 10 % fine, 11 % raises processing_failures with its own fingerprint; too few samples are not judged', () => {
    expect(fps(quietMetrics({ errorRate: 0.1, samples: 100 }))).toEqual([]);
    const [c] = evaluateAlertRules(quietMetrics({ errorRate: 0.11, samples: 100 }));
    expect(c).toMatchObject({
      type: 'processing_failures',
      severity: 'warning',
      fingerprint: 'processing_failures:error_rate',
    });
    expect(fps(quietMetrics({ errorRate: 1, samples: 9 }))).toEqual([]);
  });

  it('a failed health component raises system_error (critical), one per component', () => {
    const c = evaluateAlertRules(
      quietMetrics(),
      {},
      {
        database: { ok: true, detail: 'ok' },
        ffmpeg: { ok: false, detail: 'not found at /usr/bin/ffmpeg' },
      },
    );
    expect(c).toEqual([
      expect.objectContaining({
        type: 'system_error',
        severity: 'critical',
        fingerprint: 'system_error:health:ffmpeg',
      }),
    ]);
  });

  it('thresholds are configurable and defaults are the seed values', () => {
    expect(DEFAULT_ALERT_THRESHOLDS).toMatchObject({
      failedYoutubeRequests: 5,
      failedAudioFiles: 3,
      pendingJobs: 10,
      pendingRequestMaxAgeMinutes: 60,
      storageMb: 1024,
      errorRate: 0.1,
    });
    expect(fps(quietMetrics({ ytFailed: 6 }), { failedYoutubeRequests: 6 })).toEqual([]);
    expect(fps(quietMetrics({ ytFailed: 1 }), { failedYoutubeRequests: 0 })).toHaveLength(1);
  });

  it('fingerprints are stable across evaluations while the numbers change', () => {
    const a = fps(quietMetrics({ ytFailed: 6, audioFailed: 9, jobsPending: 50, audioMb: 5000 }));
    const b = fps(quietMetrics({ ytFailed: 60, audioFailed: 4, jobsPending: 12, audioMb: 2000 }));
    expect(a).toEqual(b);
    expect(new Set(a).size).toBe(4);
  });
});
