import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NonRetriableError } from '@llm-rag-yt/orchestrator';
import type { DownloadOptions, ProgressEvent } from '@llm-rag-yt/rag';
import { parseCaptions } from '@llm-rag-yt/rag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EgressPolicy } from '../src/egress/index.ts';
import { FfmpegAudioConverter } from '../src/ffmpeg/index.ts';
import { DownloadFailedError, YtDlpDownloader } from '../src/ytdlp/index.ts';
import { startVideoPageServer, type VideoPageServer } from './helpers/video-page-server.ts';

const VTT = `WEBVTT

00:00:00.000 --> 00:00:01.500
Vectors point somewhere.

00:00:01.500 --> 00:00:03.000
Matrices &amp; friends.
`;

let site: VideoPageServer;
let dir: string;
// The local pages are on 127.0.0.1: allowed past the SSRF fence for these tests.
const dl = new YtDlpDownloader({
  converter: new FfmpegAudioConverter(),
  egressPolicy: new EgressPolicy({ allow: ['127.0.0.1'] }),
});
const opts = (extra: Partial<DownloadOptions> = {}): DownloadOptions => ({
  languages: ['en'],
  forceAudio: false,
  maxDurationSeconds: 3600,
  outputDir: mkdtempSync(join(dir, 'out-')),
  ...extra,
});
async function failure(p: Promise<unknown>): Promise<DownloadFailedError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DownloadFailedError);
  expect(e).toBeInstanceOf(NonRetriableError);
  return e as DownloadFailedError;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ytdlp-test-'));
  site = await startVideoPageServer({
    videos: [
      {
        id: 'captioned',
        title: 'Linear algebra: part 1/2 ../..',
        speech: 'Vectors point somewhere.',
        vttText: VTT,
      },
      { id: 'spoken', title: 'Spoken only', speech: 'The quick brown fox jumps over the lazy dog.' },
      { id: 'podcast', title: 'Audio only episode', speech: 'Audio only.', audioOnly: true },
    ],
  });
});
afterAll(async () => {
  await site?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('YtDlpDownloader against a local video page', () => {
  it('check() accepts the installed yt-dlp and explains how to install a current one otherwise', async () => {
    expect(await dl.check()).toMatchObject({
      name: 'yt-dlp',
      path: 'yt-dlp',
      version: expect.stringMatching(/^\d{4}\./),
    });
    const old = await failure(
      new YtDlpDownloader({
        converter: new FfmpegAudioConverter(),
        freshness: { minVersion: '2999.01.01' },
      }).check(),
    );
    expect(old.reason).toBe('not_installed');
    expect(old.message).toMatch(
      /too old \(older than 2999\.01\.01, YTDLP_MIN_VERSION.*pipx install yt-dlp.*pip install -U yt-dlp.*releases/s,
    );
    const missing = await failure(
      new YtDlpDownloader({ converter: new FfmpegAudioConverter(), ytDlpPath: '/nope/yt-dlp' }).check(),
    );
    expect(missing.message).toMatch(/'\/nope\/yt-dlp'.*pipx install yt-dlp/s);
  });

  it('captions path: uses the page subtitle track and skips the media download', async () => {
    const o = opts();
    const before = site.requests.length;
    const r = await dl.download(site.pageUrl('captioned'), o);
    expect(r.audioPath).toBeNull();
    expect(r.metadata).toMatchObject({
      source: 'html5mediaembed',
      title: 'Linear algebra: part 1/2 ../..',
      url: site.pageUrl('captioned'),
    });
    expect(r.metadata.videoId).toMatch(/^captioned-[0-9a-f]{8}$/);
    expect(r.captions).toMatchObject({ language: 'en', automatic: false, format: 'vtt' });
    const { segments } = parseCaptions(readFileSync(r.captions!.path, 'utf8'), { format: 'vtt' });
    expect(segments).toEqual([
      { start: 0, end: 1.5, text: 'Vectors point somewhere.' },
      { start: 1.5, end: 3, text: 'Matrices & friends.' },
    ]);
    const served = site.requests.slice(before);
    expect(served.some((p) => p.startsWith('/media/'))).toBe(false);
    // Named by id, never by the (hostile) title; no temp files left.
    expect(readdirSync(o.outputDir)).toEqual([`${r.metadata.videoId}.en.vtt`]);
    // expand() of the page names the same id, so the pipeline de-duplicates it.
    expect(await dl.expand(site.pageUrl('captioned'))).toEqual([
      { url: site.pageUrl('captioned'), videoId: r.metadata.videoId, title: expect.any(String) },
    ]);
  });

  it('audio path: no captions → 16 kHz mono WAV, with progress', async () => {
    const o = opts();
    const events: ProgressEvent[] = [];
    const r = await dl.download(site.pageUrl('spoken'), { ...o, onProgress: (p) => events.push(p) });
    expect(r.captions).toBeNull();
    expect(r.audioPath).toBe(join(o.outputDir, `${r.metadata.videoId}.wav`));
    const probe = execFileSync(
      'ffprobe',
      [
        '-v',
        'error',
        '-show_entries',
        'stream=codec_name,sample_rate,channels',
        '-of',
        'csv=p=0',
        r.audioPath!,
      ],
      { encoding: 'utf8' },
    ).trim();
    expect(probe).toBe('pcm_s16le,16000,1');
    expect(r.audioBytes).toBeGreaterThan(32_000);
    expect(r.metadata.durationSeconds).toBeGreaterThan(1.5);
    expect(readdirSync(o.outputDir)).toEqual([`${r.metadata.videoId}.wav`]);
    expect(events.some((e) => e.message?.startsWith('downloaded'))).toBe(true);
    expect(events.at(-1)).toEqual({ fraction: 1, message: 'audio ready' });
  });

  it('a download killed half-way leaves files a retry does not trust: it starts clean', async () => {
    const o = opts();
    const first = await dl.download(site.pageUrl('spoken'), o);
    const id = first.metadata.videoId;
    const bytes = first.audioBytes!;
    // What a SIGKILL mid-download leaves: a truncated source (yt-dlp writes it with --no-part, so it
    // would count as downloaded), a half-converted WAV and yt-dlp's own partial files.
    rmSync(first.audioPath!);
    writeFileSync(join(o.outputDir, `${id}.source.mp4`), Buffer.alloc(2048, 7));
    writeFileSync(join(o.outputDir, `${id}.wav.part`), Buffer.alloc(100, 1));
    writeFileSync(join(o.outputDir, `${id}.source.mp4.ytdl`), '{}');
    const again = await dl.download(site.pageUrl('spoken'), o);
    expect(again.audioBytes).toBe(bytes);
    expect(readdirSync(o.outputDir)).toEqual([`${id}.wav`]);
  });

  it('honours an AbortSignal', async () => {
    const ac = new AbortController();
    const p = dl.download(site.pageUrl('spoken'), opts({ signal: ac.signal }));
    setTimeout(() => ac.abort(new Error('run canceled')), 200);
    await expect(p).rejects.toThrow(/run canceled/);
  });

  it('expands a YouTube video link without touching the network', async () => {
    expect(await dl.expand('https://youtu.be/dQw4w9WgXcQ?t=5')).toEqual([
      { url: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ', videoId: 'dQw4w9WgXcQ' },
    ]);
  });
});
