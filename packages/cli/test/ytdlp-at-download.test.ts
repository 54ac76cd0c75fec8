import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loggingYtDlp, maxOverlap } from '../../adapters/test/helpers/logging-ytdlp.ts';
import { startVideoPageServer, type VideoPageServer } from '../../adapters/test/helpers/video-page-server.ts';
import { main } from '../src/main.ts';
import { spawnCli } from './spawn-cli.ts';

/*
 * `ingest --wait` when the yt-dlp in use is older than YTDLP_MIN_VERSION: the pipeline's download
 * step installs the current release from a local stand-in release server (with a progress bar on a
 * terminal) and downloads with it; with YTDLP_CONCURRENCY_PER_SITE=1 the two videos' downloads do
 * not overlap. A release server that answers 404 leaves the old yt-dlp in use, with a warning.
 * The "release" reports a new version and runs the system's yt-dlp, logging each call.
 */

const dir = mkdtempSync(join(tmpdir(), 'ytdlp-at-download-'));
const callLog = join(dir, 'calls.log');
const RELEASE = loggingYtDlp('2099.02.03', callLog);
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

let server: Server;
let base: string;
/** A release URL nothing answers on (connection refused): an offline machine. */
let unreachable: string;
/** Requests to `${base}/counted/…` (answered 404): whether anything tried to install. */
let countedHits = 0;
let site: VideoPageServer;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url?.startsWith('/counted/')) countedHits++;
    const file = /^\/good\/([^/]+)$/.exec(req.url ?? '')?.[1];
    const body =
      file === 'SHA2-256SUMS'
        ? `${sha(RELEASE)}  yt-dlp\n${sha(RELEASE)}  yt-dlp_linux\n`
        : file === 'yt-dlp' || file === 'yt-dlp_linux'
          ? RELEASE
          : null;
    if (!body) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const closed = createTcpServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  unreachable = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/download`;
  await new Promise((r) => closed.close(r));
  site = await startVideoPageServer({
    videos: ['alpha', 'beta'].map((id) => ({
      id,
      title: `Talk ${id}`,
      speech: `Talk ${id}.`,
      vttText: `WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nThe ${id} talk is about lighthouses.\n`,
    })),
  });
}, 120_000);

afterAll(async () => {
  await new Promise((r) => server.close(r));
  await site?.close();
  rmSync(dir, { recursive: true, force: true });
});

const baseEnv = (home: string, releaseUrl: string) => ({
  PATH: process.env.PATH!,
  LLM_RAG_YT_HOME: join(dir, home),
  FETCH_ALLOW_HOSTS: '127.0.0.1',
  EMBEDDER: 'none',
  ASR_BACKEND: 'fake',
  LOG_LEVEL: 'error',
  YTDLP_RELEASE_URL: releaseUrl,
  YTDLP_AUTO_INSTALL: 'true', // on here (spawnCli's OFFLINE_CLI_ENV turns it off)
  YTDLP_MIN_VERSION: '2099.01.01', // the system's yt-dlp is older than this
});

describe('yt-dlp at download time', () => {
  it('ingest --wait installs the current release with a progress bar, downloads with it, one download per site at a time', async () => {
    writeFileSync(callLog, '');
    let stdout = '';
    let stderr = '';
    const env = { ...baseEnv('home-ok', `${base}/good`), YTDLP_CONCURRENCY_PER_SITE: '1' };
    const code = await main(['ingest', site.pageUrl('alpha'), site.pageUrl('beta'), '--wait'], {
      stdout: { write: (s: string) => (stdout += s) },
      // A terminal: the progress bars are drawn.
      stderr: { write: (s: string) => (stderr += s), isTTY: true, columns: 120 } as never,
      env,
      cwd: dir,
    });
    expect(stdout).not.toContain('✖');
    expect(code).toBe(0);
    expect(stdout.match(/indexed/g)).toHaveLength(2);
    expect(stderr).toMatch(/100% \| yt-dlp \| installing the current release/);

    let status = '';
    await main(['yt-dlp', 'status', '--json'], {
      stdout: { write: (s: string) => (status += s) },
      stderr: { write: () => {} },
      env,
      cwd: dir,
    });
    expect(JSON.parse(status)).toMatchObject({
      path: join(dir, 'home-ok', 'bin', 'yt-dlp'),
      version: '2099.02.03',
      source: 'managed',
      tooOld: false,
    });
    const calls = readFileSync(callLog, 'utf8');
    expect(calls.match(/^start/gm)?.length).toBeGreaterThanOrEqual(4); // metadata + captions per video
    expect(maxOverlap(calls)).toBe(1);
  }, 240_000);

  it('a release server that answers 404: a clear warning, and the old yt-dlp downloads the video', async () => {
    const p = spawnCli('ingest', ['ingest', site.pageUrl('alpha'), '--wait'], {
      ...baseEnv('home-404', `${base}/nothing-here`),
      LOG_LEVEL: 'warn',
    });
    const { code } = await p.exited;
    expect(p.stdout()).toMatch(/✔ alpha-\w+ indexed/);
    expect(code).toBe(0);
    const warning = p
      .stderr()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { component?: string; msg: string })
      .find((l) => l.component === 'yt-dlp');
    expect(warning?.msg).toMatch(
      /too old \(older than 2099\.01\.01, YTDLP_MIN_VERSION\) and installing the current release failed: .*HTTP 404/,
    );
    expect(warning?.msg).toMatch(/Downloads go on with yt-dlp \d{4}\./);
  }, 240_000);

  it('default rule, no network: the years-old system yt-dlp counts as too old, the install fails once with one warning, both videos download', async () => {
    const p = spawnCli('ingest', ['ingest', site.pageUrl('alpha'), site.pageUrl('beta'), '--wait'], {
      LLM_RAG_YT_HOME: join(dir, 'home-offline'),
      EMBEDDER: 'none',
      ASR_BACKEND: 'fake',
      LOG_LEVEL: 'warn',
      YTDLP_AUTO_INSTALL: 'true', // the default, which spawnCli's OFFLINE_CLI_ENV turns off
      YTDLP_RELEASE_URL: unreachable,
    });
    const { code } = await p.exited;
    expect(p.stdout().match(/✔ \w+-\w+ indexed/g)).toHaveLength(2);
    expect(code).toBe(0);
    const warnings = p
      .stderr()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { component?: string; msg: string })
      .filter((l) => l.component === 'yt-dlp');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.msg).toMatch(
      /too old \(\d+ days old, over the 90-day limit of YTDLP_MAX_AGE_DAYS\) and installing the current release failed: Cannot reach the yt-dlp release server .*Downloads go on with yt-dlp/,
    );
  }, 240_000);

  it('demo with a too-old yt-dlp and no network: one note line, no install attempt, the demo works offline', async () => {
    let stdout = '';
    let stderr = '';
    const code = await main(['demo'], {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
      env: {
        PATH: process.env.PATH!,
        LLM_RAG_YT_HOME: join(dir, 'home-demo'),
        EMBEDDER: 'none',
        YTDLP_RELEASE_URL: `${base}/counted`,
      },
      cwd: dir,
    });
    expect(stdout).toMatch(/✔ indexed/);
    expect(countedHits).toBe(0); // the demo's download did not try to install
    expect(code).toBe(0);
    const lines = stderr.split('\n').filter((l) => /yt-dlp/.test(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^note: yt-dlp \S+ is too old for YouTube \(.*\); fine for this local demo\. .*llm-rag-yt yt-dlp update/,
    );
    expect(stderr).not.toMatch(/fail|Cannot reach/i);
  }, 240_000);
});
