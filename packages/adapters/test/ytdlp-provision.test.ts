import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DownloadOptions } from '@llm-rag-yt/rag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EgressPolicy } from '../src/egress/index.ts';
import { FfmpegAudioConverter } from '../src/ffmpeg/index.ts';
import {
  DownloadFailedError,
  readManaged,
  SiteLimiter,
  siteOf,
  YtDlpDownloader,
  YtDlpProvisioner,
} from '../src/ytdlp/index.ts';
import { loggingYtDlp, maxOverlap, SYSTEM_YTDLP as SYSTEM } from './helpers/logging-ytdlp.ts';
import { startVideoPageServer, type VideoPageServer } from './helpers/video-page-server.ts';

/*
 * yt-dlp made usable at download time: the configured one (the system's, older than the minimum,
 * or a path that does not exist) is replaced by the current release from a local stand-in release
 * server before the first download. The "release" reports a newer version and hands the real work
 * to the system yt-dlp, logging each call, so the downloads really run.
 */

const SYSTEM_VERSION = execFileSync(SYSTEM, ['--version'], { encoding: 'utf8' }).trim();
const MIN = '2099.01.01'; // newer than any system yt-dlp: it counts as too old
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

const dir = mkdtempSync(join(tmpdir(), 'ytdlp-provision-'));
const callLog = join(dir, 'calls.log');
const wrapper = (version: string) => loggingYtDlp(version, callLog);
const RELEASE = wrapper('2099.02.03');

let server: Server;
let base: string;
const hits: string[] = [];
let site: VideoPageServer;

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const [, kind, file] = (req.url ?? '').split('/');
    const send = (status: number, body: string, type = 'application/octet-stream') =>
      res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) }).end(body);
    const sums = `${sha(RELEASE)}  yt-dlp_linux\n`;
    if (kind === 'good') return file === 'SHA2-256SUMS' ? send(200, sums, 'text/plain') : send(200, RELEASE);
    if (kind === 'tampered')
      return file === 'SHA2-256SUMS' ? send(200, sums, 'text/plain') : send(200, wrapper('2099.09.09'));
    return send(404, 'Not Found', 'text/plain');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  site = await startVideoPageServer({
    videos: ['one', 'two', 'three'].map((id) => ({
      id,
      title: `Video ${id}`,
      speech: `Video ${id}.`,
      vttText: `WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nThis is video ${id}.\n`,
    })),
  });
}, 120_000);

afterAll(async () => {
  await new Promise((r) => server.close(r));
  await site?.close();
  rmSync(dir, { recursive: true, force: true });
});

const policy = new EgressPolicy({ allow: ['127.0.0.1'] });
const opts = (): DownloadOptions => ({
  languages: ['en'],
  forceAudio: false,
  maxDurationSeconds: 3600,
  outputDir: mkdtempSync(join(dir, 'out-')),
});
const logs = () => {
  const out: { level: string; message: string }[] = [];
  return { out, log: (level: string, message: string) => out.push({ level, message }) };
};
function downloader(p: YtDlpProvisioner, extra: { concurrencyPerSite?: number } = {}) {
  return new YtDlpDownloader({
    converter: new FfmpegAudioConverter(),
    egressPolicy: policy,
    ytDlpPath: p.current(),
    provisioner: p,
    ...extra,
  });
}

describe('yt-dlp installed at download time', () => {
  it('an older yt-dlp than the minimum is replaced by the verified release before the first download, once', async () => {
    const binDir = join(dir, 'old', 'bin');
    const { out, log } = logs();
    const p = new YtDlpProvisioner({
      path: SYSTEM,
      binDir,
      releaseUrl: `${base}/good`,
      minVersion: MIN,
      autoInstall: true,
      asset: 'yt-dlp_linux',
      log,
    });
    const progress: number[] = [];
    p.onProgress((e) => progress.push(e.received));
    const dl = downloader(p);
    hits.length = 0;
    // Two downloads at once share one check and one install.
    const [a, b] = await Promise.all([
      dl.download(site.pageUrl('one'), opts()),
      dl.download(site.pageUrl('two'), opts()),
    ]);
    expect(a.captions?.language).toBe('en');
    expect(b.captions?.language).toBe('en');
    expect(hits.filter((h) => h.endsWith('/yt-dlp_linux'))).toHaveLength(1);
    expect(progress.at(-1)).toBe(Buffer.byteLength(RELEASE));
    const installed = join(binDir, 'yt-dlp');
    expect(p.current()).toBe(installed);
    expect(dl.path).toBe(installed);
    expect((await readManaged(binDir))?.version).toBe('2099.02.03');
    // The downloads ran the installed release (it logs its calls), not the system's yt-dlp.
    expect(readFileSync(callLog, 'utf8')).toContain(installed);
    expect(
      out.find((l) =>
        /too old \(older than 2099\.01\.01, YTDLP_MIN_VERSION\): installed yt-dlp 2099\.02\.03/.test(
          l.message,
        ),
      ),
    ).toBeTruthy();
    await expect(dl.check()).resolves.toMatchObject({ version: '2099.02.03', path: installed });

    await dl.download(site.pageUrl('three'), opts());
    expect(hits.filter((h) => h.endsWith('/yt-dlp_linux'))).toHaveLength(1);
  }, 120_000);

  it('a missing yt-dlp is installed; without auto-install it stays a not_installed failure', async () => {
    const p = new YtDlpProvisioner({
      path: join(dir, 'nowhere', 'yt-dlp'),
      binDir: join(dir, 'missing', 'bin'),
      releaseUrl: `${base}/good`,
      minVersion: '2023.01.01',
      autoInstall: true,
      asset: 'yt-dlp_linux',
    });
    const r = await downloader(p).download(site.pageUrl('one'), opts());
    expect(r.captions).not.toBeNull();
    expect(p.current()).toBe(join(dir, 'missing', 'bin', 'yt-dlp'));

    const off = new YtDlpProvisioner({
      path: join(dir, 'nowhere', 'yt-dlp'),
      binDir: join(dir, 'off', 'bin'),
      releaseUrl: `${base}/good`,
      minVersion: '2023.01.01',
      autoInstall: false,
    });
    const e = await downloader(off)
      .download(site.pageUrl('one'), opts())
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DownloadFailedError);
    expect((e as DownloadFailedError).reason).toBe('not_installed');
  }, 120_000);

  it('a failed install is a clear warning and the previous yt-dlp stays in use; it is not retried on every download', async () => {
    let now = 1_000_000;
    const { out, log } = logs();
    const p = new YtDlpProvisioner({
      path: SYSTEM,
      binDir: join(dir, 'fail', 'bin'),
      releaseUrl: `${base}/missing`,
      minVersion: MIN,
      autoInstall: true,
      asset: 'yt-dlp_linux',
      retryAfterMs: 60_000,
      log,
      now: () => now,
    });
    const dl = downloader(p);
    hits.length = 0;
    const r = await dl.download(site.pageUrl('one'), opts());
    expect(r.captions).not.toBeNull();
    expect(p.current()).toBe(SYSTEM);
    const warning = out.find((l) => l.level === 'warn')?.message ?? '';
    expect(warning).toMatch(/answered HTTP 404 .*Check YTDLP_RELEASE_URL/);
    expect(warning).toContain(`Downloads go on with yt-dlp ${SYSTEM_VERSION}`);
    const tries = hits.length;
    await dl.download(site.pageUrl('two'), opts());
    expect(hits.length).toBe(tries); // within the retry window: no new attempt
    now += 61_000;
    await dl.download(site.pageUrl('two'), opts());
    expect(hits.length).toBeGreaterThan(tries);
    expect(out.filter((l) => l.level === 'warn')).toHaveLength(2);
  }, 120_000);

  it('by age: the same yt-dlp is current while young and replaced once it is over YTDLP_MAX_AGE_DAYS, also in a long-lived process', async () => {
    const [y, m, d] = SYSTEM_VERSION.split('.').map(Number) as [number, number, number];
    const released = Date.UTC(y, m - 1, d);
    let now = released + 30 * 86_400_000; // 30 days after the system yt-dlp's release
    const { out, log } = logs();
    hits.length = 0;
    const p = new YtDlpProvisioner({
      path: SYSTEM,
      binDir: join(dir, 'age', 'bin'),
      releaseUrl: `${base}/good`,
      maxAgeDays: 90,
      autoInstall: true,
      asset: 'yt-dlp_linux',
      log,
      now: () => now,
    });
    expect(await p.ensure()).toEqual({ path: SYSTEM, version: SYSTEM_VERSION });
    expect(hits).toEqual([]);
    now = released + 91 * 86_400_000; // the process lives on; its yt-dlp ages past the limit
    const r = await p.ensure();
    expect(r.version).toBe('2099.02.03');
    expect(hits.filter((h) => h.endsWith('/yt-dlp_linux'))).toHaveLength(1);
    expect(out.at(-1)?.message).toMatch(
      /yt-dlp \S+ at \S+ is too old \(91 days old, over the 90-day limit of YTDLP_MAX_AGE_DAYS\): installed yt-dlp 2099\.02\.03/,
    );
  }, 120_000);

  it('an unreachable release server (refused, or silent) fails fast with one warning; the old yt-dlp downloads on', async () => {
    // A port nothing listens on: connection refused, like an offline machine's failed DNS.
    const closed = createTcpServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const refusedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/download`;
    await new Promise((r) => closed.close(r));
    // A server that accepts and never answers: a black-holed network.
    const sockets = new Set<Socket>();
    const silent = createTcpServer((s) => sockets.add(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/download`;
    try {
      for (const [releaseUrl, limitMs] of [
        [refusedUrl, 2_000],
        [silentUrl, 3_000],
      ] as const) {
        const { out, log } = logs();
        const p = new YtDlpProvisioner({
          path: SYSTEM,
          binDir: join(dir, `offline-${limitMs}`, 'bin'),
          releaseUrl,
          maxAgeDays: 90,
          autoInstall: true,
          asset: 'yt-dlp_linux',
          sumsTimeoutMs: 1_000,
          log,
        });
        const t0 = performance.now();
        const first = await p.ensure();
        const firstMs = performance.now() - t0;
        expect(first).toEqual({ path: SYSTEM, version: SYSTEM_VERSION });
        expect(firstMs).toBeLessThan(limitMs);
        const t1 = performance.now();
        for (let i = 0; i < 5; i++) expect((await p.ensure()).path).toBe(SYSTEM);
        // Within the back-off: no new attempt, not even a --version probe.
        expect(performance.now() - t1).toBeLessThan(50);
        const warnings = out.filter((l) => l.level === 'warn');
        expect(warnings).toHaveLength(1);
        expect(warnings[0]!.message).toMatch(
          /days old, over the 90-day limit of YTDLP_MAX_AGE_DAYS\) and installing the current release failed: Cannot reach the yt-dlp release server .*Downloads go on with yt-dlp/,
        );
        const r = await downloader(p).download(site.pageUrl('one'), opts());
        expect(r.captions).not.toBeNull();
      }
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  }, 120_000);

  it('with no usable yt-dlp a failed install fails the download with both reasons', async () => {
    const p = new YtDlpProvisioner({
      path: join(dir, 'nowhere', 'yt-dlp'),
      binDir: join(dir, 'fail2', 'bin'),
      releaseUrl: `${base}/missing`,
      minVersion: MIN,
      autoInstall: true,
      asset: 'yt-dlp_linux',
    });
    const e = (await downloader(p)
      .download(site.pageUrl('one'), opts())
      .catch((x: unknown) => x)) as DownloadFailedError;
    expect(e).toBeInstanceOf(DownloadFailedError);
    expect(e.reason).toBe('not_installed');
    expect(e.message).toMatch(
      /yt-dlp is not usable at '.*nowhere\/yt-dlp'.*installing the current release from .* failed: .*HTTP 404/,
    );
  });

  it('a tampered release is refused and the previously installed (too old) yt-dlp stays in use', async () => {
    const binDir = join(dir, 'tamper', 'bin');
    mkdirSync(binDir, { recursive: true });
    const old = join(binDir, 'yt-dlp');
    writeFileSync(old, wrapper('2024.01.01'));
    chmodSync(old, 0o755);
    const { out, log } = logs();
    const p = new YtDlpProvisioner({
      path: old,
      binDir,
      releaseUrl: `${base}/tampered`,
      minVersion: MIN,
      autoInstall: true,
      asset: 'yt-dlp_linux',
      log,
    });
    const r = await downloader(p).download(site.pageUrl('one'), opts());
    expect(r.captions).not.toBeNull();
    expect(out.find((l) => l.level === 'warn')?.message).toMatch(/does not match its SHA2-256SUMS hash/);
    expect(execFileSync(old, ['--version'], { encoding: 'utf8' }).trim()).toBe('2024.01.01');
  }, 120_000);
});

describe('per-site download concurrency', () => {
  async function threeAtOnce(concurrencyPerSite: number): Promise<number> {
    const exe = join(dir, `limited-${concurrencyPerSite}`);
    writeFileSync(exe, wrapper('2099.02.03'));
    chmodSync(exe, 0o755);
    writeFileSync(callLog, '');
    const dl = new YtDlpDownloader({
      converter: new FfmpegAudioConverter(),
      egressPolicy: policy,
      ytDlpPath: exe,
      concurrencyPerSite,
    });
    const waits: string[] = [];
    await Promise.all(
      ['one', 'two', 'three'].map((id) =>
        dl.download(site.pageUrl(id), {
          ...opts(),
          onProgress: (e) => {
            if (e.message?.startsWith('waiting')) waits.push(e.message);
          },
        }),
      ),
    );
    if (concurrencyPerSite === 1) expect(waits[0]).toMatch(/waiting: 1 download\(s\) from 127\.0\.0\.1/);
    return maxOverlap(readFileSync(callLog, 'utf8'));
  }

  it('at most N downloads from one site run at once; without a limit they overlap', async () => {
    expect(await threeAtOnce(1)).toBe(1);
    expect(await threeAtOnce(0)).toBeGreaterThan(1);
  }, 180_000);

  it('a site is youtube.com for all its host names; a canceled waiter leaves the queue', async () => {
    expect(siteOf('https://www.youtube.com/watch?v=x')).toBe('youtube.com');
    expect(siteOf('https://youtu.be/x')).toBe('youtube.com');
    expect(siteOf('https://m.youtube.com/watch?v=x')).toBe('youtube.com');
    expect(siteOf('https://music.youtube.com/watch?v=x')).toBe('youtube.com');
    expect(siteOf('https://www.vimeo.com/1')).toBe('vimeo.com');
    expect(siteOf('http://127.0.0.1:8080/a')).toBe('127.0.0.1');

    const limiter = new SiteLimiter(1);
    let release!: () => void;
    const first = limiter.run('https://youtu.be/a', () => new Promise<void>((r) => (release = r)));
    const ac = new AbortController();
    const second = limiter.run('https://www.youtube.com/watch?v=b', async () => 'ran', ac.signal);
    const third = limiter.run('https://youtube.com/watch?v=c', async () => 'third');
    const other = await limiter.run('https://vimeo.com/1', async () => 'other site runs at once');
    expect(other).toBe('other site runs at once');
    expect(limiter.inFlight('youtube.com')).toBe(1);
    ac.abort(new Error('canceled'));
    await expect(second).rejects.toThrow('canceled');
    release();
    await first;
    await expect(third).resolves.toBe('third');
    expect(limiter.inFlight('youtube.com')).toBe(0);
  });
});
