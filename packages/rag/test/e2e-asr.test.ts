import { FfmpegAudioConverter, OpenAiTranscriber } from '@llm-rag-yt/adapters';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startTranscriptionServer,
  type TranscriptionServer,
} from '../../adapters/test/helpers/transcription-server.ts';
import { startVideoPageServer, type VideoPageServer } from '../../adapters/test/helpers/video-page-server.ts';
import { startRagEnv, waitFor } from './helpers-rag-env.ts';

const SPEECH =
  'Glaciers move slowly down the mountain valley. Emperor penguins huddle together to survive the polar winter.';
const SILENCE_SECONDS = 8;

describe('end to end, ASR path: a page without captions is transcribed through the daemon', () => {
  let env: Awaited<ReturnType<typeof startRagEnv>>;
  let site: VideoPageServer;
  let asr: TranscriptionServer;

  beforeAll(async () => {
    [site, asr] = await Promise.all([
      startVideoPageServer({
        videos: [
          { id: 'penguins', title: 'Ice and penguins', speech: SPEECH },
          { id: 'quiet', title: 'Eight seconds of nothing', silenceSeconds: SILENCE_SECONDS },
        ],
      }),
      startTranscriptionServer({
        script: SPEECH,
        apiKey: 'sk-local',
        wordsPerSegment: 4,
        // The stand-in cannot hear; like a real ASR server it returns no segments for the silent
        // file, which is recognised by its length (the speech is much shorter than 8 s).
        respond: (u) =>
          u.durationSeconds > SILENCE_SECONDS - 1
            ? { task: 'transcribe', language: 'english', duration: u.durationSeconds, text: '', segments: [] }
            : null,
      }),
    ]);
    const transcriber = new OpenAiTranscriber({
      baseUrl: asr.baseUrl,
      apiKey: 'sk-local',
      converter: new FfmpegAudioConverter(),
    });
    // Small chunks, so the spoken phrase has its own passage and time.
    env = await startRagEnv({ transcriber, settings: { chunking: { targetWords: 8, overlapWords: 0 } } });
  });
  afterAll(async () => {
    await env?.close();
    await Promise.all([site?.close(), asr?.close()]);
  });

  async function finished(id: number) {
    return waitFor(
      `request ${id} to finish`,
      async () => {
        const r = await env.store.requests.get(id);
        return r && (r.status === 'completed' || r.status === 'failed') ? r : null;
      },
      45_000,
    );
  }

  it('speech → yt-dlp → ffmpeg 16 kHz mono → transcription server → searchable with the right time', async () => {
    const submitted = await env.service.submitUrls([site.pageUrl('penguins')], { source: 'cli' });
    const done = await finished(submitted.requests[0]!.id);
    expect(done.error).toBeNull();
    expect(done).toMatchObject({ status: 'completed', stage: 'done' });
    // ASR really ran, on the downloaded media converted to 16 kHz mono.
    expect(site.requests.some((p) => p.startsWith('/media/'))).toBe(true);
    expect(asr.uploads).toHaveLength(1);
    expect(asr.uploads[0]).toMatchObject({ sampleRate: 16000, channels: 1, bitsPerSample: 16 });
    expect(asr.uploads[0]!.authorization).toBe('Bearer sk-local');
    const video = await env.service.getVideo(done.videoId!);
    expect(video?.transcriptSource).toMatch(/^openai:/);
    expect(video?.status).toBe('indexed');

    const segments = await env.service.transcript(done.videoId!);
    const spoken = segments.find((s) => /penguins/i.test(s.text))!;
    expect(spoken.start).toBeGreaterThan(0);
    const answer = await env.service.ask('do penguins huddle in winter?');
    const top = answer.citations[0]!;
    expect(top.snippet).toMatch(/penguins huddle/i);
    expect(top.title).toBe('Ice and penguins');
    // The passage starts where the phrase was spoken (within its segment), not at 0.
    expect(top.start).toBeGreaterThan(0);
    expect(Math.abs(top.start - spoken.start)).toBeLessThan(spoken.end - spoken.start + 0.01);
    expect(top.url).toContain(`#t=${Math.floor(top.start)}`);
  });

  it('silence: the request fails once with a clear stored reason, and is not retried forever', async () => {
    const before = asr.uploads.length;
    const submitted = await env.service.submitUrls([site.pageUrl('quiet')], { source: 'cli' });
    const done = await finished(submitted.requests[0]!.id);
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/No speech was recognised/);
    // Non-retriable: transcribed exactly once, and the run is over.
    expect(asr.uploads.length - before).toBe(1);
    const runs = await env.storage.runs.listRuns({ tags: { request_id: String(done.id) } });
    expect(runs.every((r) => ['SUCCESS', 'FAILURE'].includes(r.status))).toBe(true);
    await new Promise((r) => setTimeout(r, 500));
    expect(asr.uploads.length - before).toBe(1);
    expect((await env.store.requests.get(done.id))?.status).toBe('failed');
  });
});
