import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NonRetriableError } from '@llm-rag-yt/orchestrator';
import type { DownloadOptions } from '@llm-rag-yt/rag';
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
      { id: 'mute', title: 'Silent film', videoOnly: true },
    ],
  });
});
afterAll(async () => {
  await site?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('YtDlpDownloader: more media kinds and failures (local video page)', () => {
  it('forceAudio downloads audio even with captions; audio-only pages work too', async () => {
    const r = await dl.download(site.pageUrl('captioned'), opts({ forceAudio: true }));
    expect(r.captions).not.toBeNull();
    expect(r.audioPath).toMatch(/\.wav$/);
    const a = await dl.download(site.pageUrl('podcast'), opts());
    expect(a.audioPath).toMatch(/\.wav$/);
  });

  it('rejects media longer than the maximum and leaves no files', async () => {
    const o = opts({ maxDurationSeconds: 1 });
    const e = await failure(dl.download(site.pageUrl('spoken'), o));
    expect(e.reason).toBe('too_long');
    expect(e.message).toMatch(/'Spoken only' is \d\.\d s long, over the configured maximum of 1\.0 s/);
    expect(readdirSync(o.outputDir)).toEqual([]);
  });

  it('a video without an audio track (and no captions) is a clear non-retriable failure', async () => {
    const o = opts();
    const e = await failure(dl.download(site.pageUrl('mute'), o));
    expect(e.reason).toBe('no_audio');
    expect(e.message).toMatch(/'Silent film' \(http:.*\) has no audio track and no captions in en/);
    expect(readdirSync(o.outputDir)).toEqual([]);
  });

  it('maps a 404 page and a page without video to clear non-retriable reasons', async () => {
    const missing = await failure(dl.download(`${site.baseUrl}/videos/nothing-here.html`, opts()));
    expect(missing.reason).toBe('not_found');
    expect(missing.message).toMatch(/not found \(HTTP 404\)/);
    const plain = await failure(dl.download(`${site.baseUrl}/plain.html`, opts()));
    expect(plain.reason).toBe('unsupported_url');
    expect(plain.message).toMatch(/No video was found at this URL/);
  });
});
