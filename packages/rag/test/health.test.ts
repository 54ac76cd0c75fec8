import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type HealthProbe,
  latestHealthCheck,
  runHealthCheck,
  saveHealthCheck,
} from '../src/monitoring/health.ts';
import { openTestDb } from './monitoring-helpers.ts';

let t: Awaited<ReturnType<typeof openTestDb>>;
beforeEach(async () => {
  t = await openTestDb();
});
afterEach(async () => t.cleanup());

// Real binaries, probed the way the Downloader/AudioConverter adapters' check() would.
const binaryProbe = (name: string, path: string, args: string[]): HealthProbe => ({
  name,
  async check() {
    const { stdout } = await promisify(execFile)(path, args);
    return { version: stdout.split('\n')[0]!.trim(), path };
  },
});

describe('runHealthCheck', () => {
  it('checks database, disk, daemon heartbeats, search index, tools and models; stores the result', async () => {
    const now = Date.now();
    const report = await runHealthCheck({
      ...t.handle,
      now,
      dataDir: t.dir,
      minFreeDiskMb: 1,
      listHeartbeats: async () => [{ daemonId: 'd1', daemonType: 'daemon', timestamp: now - 5000, info: {} }],
      searchIndex: async () => '0 chunks',
      tools: [
        binaryProbe('yt-dlp', '/usr/bin/yt-dlp', ['--version']),
        binaryProbe('ffmpeg', '/usr/bin/ffmpeg', ['-version']),
      ],
      models: [{ name: 'embedder', check: async () => ({ detail: 'lexical only: no embedder configured' }) }],
    });
    expect(Object.keys(report.components).sort()).toEqual(
      ['daemon', 'database', 'disk', 'ffmpeg', 'model:embedder', 'search_index', 'yt-dlp'].sort(),
    );
    expect(report.ok).toBe(true);
    expect(report.components.ffmpeg!.version).toMatch(/ffmpeg version/);
    expect(report.components['yt-dlp']!.version).toMatch(/^\d{4}\./);
    await saveHealthCheck(t.handle, report);
    expect(await latestHealthCheck(t.handle)).toEqual(report);
  });

  it('reports each failure with how to fix it, without hiding the healthy components', async () => {
    const now = Date.now();
    const report = await runHealthCheck({
      ...t.handle,
      now,
      dataDir: t.dir,
      minFreeDiskMb: 1e12,
      listHeartbeats: async () => [
        { daemonId: 'd1', daemonType: 'daemon', timestamp: now - 600_000, info: {} },
      ],
      tools: [binaryProbe('yt-dlp', '/nonexistent/yt-dlp', ['--version'])],
      models: [{ name: 'slow', check: () => new Promise(() => {}) }],
      probeTimeoutMs: 200,
    });
    expect(report.ok).toBe(false);
    expect(report.components.database!.ok).toBe(true);
    expect(report.components.disk).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/below .* MB\. Free space or run cleanup_job/),
    });
    expect(report.components.daemon).toMatchObject({ ok: false, detail: expect.stringMatching(/600 s ago/) });
    expect(report.components['yt-dlp']).toMatchObject({ ok: false, detail: expect.stringMatching(/ENOENT/) });
    expect(report.components['model:slow']).toMatchObject({ ok: false, detail: 'no answer within 200 ms' });
  });

  it('no daemon heartbeat at all says how to start one', async () => {
    const r = await runHealthCheck({
      ...t.handle,
      now: Date.now(),
      dataDir: null,
      listHeartbeats: async () => [],
    });
    expect(r.components.daemon!.detail).toMatch(/llm-rag-yt daemon/);
  });
});
