import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EgressPolicy } from '../src/egress/index.ts';
import { FfmpegAudioConverter } from '../src/ffmpeg/index.ts';
import { OpenAiTranscriber } from '../src/openai-transcribe/index.ts';
import { YtDlpDownloader } from '../src/ytdlp/index.ts';
import { startTranscriptionServer, type TranscriptionServer } from './helpers/transcription-server.ts';
import { startVideoPageServer, type VideoPageServer } from './helpers/video-page-server.ts';

const SPEECH = 'Reciprocal rank fusion combines lexical and vector search results.';
let site: VideoPageServer;
let asr: TranscriptionServer;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'asr-path-'));
  [site, asr] = await Promise.all([
    startVideoPageServer({ videos: [{ id: 'talk', title: 'Search talk', speech: SPEECH }] }),
    startTranscriptionServer({ script: SPEECH, apiKey: 'sk-local', wordsPerSegment: 4 }),
  ]);
});
afterAll(async () => {
  await Promise.all([site?.close(), asr?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('ASR path: a video without captions is downloaded and transcribed', () => {
  it('yt-dlp → ffmpeg 16 kHz mono → OpenAI-compatible transcription with timed segments', async () => {
    const converter = new FfmpegAudioConverter();
    const downloaded = await new YtDlpDownloader({
      converter,
      egressPolicy: new EgressPolicy({ allow: ['127.0.0.1'] }),
    }).download(site.pageUrl('talk'), {
      languages: ['auto'],
      forceAudio: false,
      maxDurationSeconds: 600,
      outputDir: dir,
    });
    expect(downloaded.captions).toBeNull();
    expect(downloaded.audioPath).not.toBeNull();

    const transcript = await new OpenAiTranscriber({
      baseUrl: asr.baseUrl,
      apiKey: 'sk-local',
      converter,
    }).transcribe(downloaded.audioPath!, { language: 'en' });
    // The server received the espeak-ng speech itself: same length as the source media's audio.
    const sourceSeconds = Number(
      execFileSync(
        'ffprobe',
        [
          '-v',
          'error',
          '-select_streams',
          'a:0',
          '-show_entries',
          'stream=duration',
          '-of',
          'csv=p=0',
          site.mediaPath('talk'),
        ],
        { encoding: 'utf8' },
      ).trim(),
    );
    expect(asr.uploads).toHaveLength(1);
    expect(asr.uploads[0]).toMatchObject({ sampleRate: 16000, channels: 1, language: 'en' });
    expect(asr.uploads[0]!.durationSeconds).toBeCloseTo(sourceSeconds, 0);
    expect(transcript.segments.map((s) => s.text).join(' ')).toBe(SPEECH);
    expect(transcript.segments.at(-1)!.end).toBeCloseTo(asr.uploads[0]!.durationSeconds, 2);
    expect(transcript.language).toBe('en');
  });
});
