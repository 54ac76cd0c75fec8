import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NonRetriableError, RetryAfterError } from '@llm-rag-yt/orchestrator';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FfmpegAudioConverter } from '../src/ffmpeg/index.ts';
import { OpenAiTranscriber, TranscriptionServiceError } from '../src/openai-transcribe/index.ts';
import { startTranscriptionServer, type TranscriptionServer } from './helpers/transcription-server.ts';

const KEY = 'sk-test-SECRET-1234567890';
const converter = new FfmpegAudioConverter();
let dir: string;
let speechWav: string;
let toneWav: string;
let asr: TranscriptionServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'asr-test-'));
  execFileSync('espeak-ng', [
    '-v',
    'en-us',
    '-w',
    join(dir, 'speech-22k.wav'),
    'Vectors have a direction and a length.',
  ]);
  speechWav = (await converter.toWav16kMono(join(dir, 'speech-22k.wav'), join(dir, 'speech.wav'))).path;
  execFileSync('ffmpeg', [
    '-nostdin',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=300:duration=5:sample_rate=16000',
    '-ac',
    '1',
    '-c:a',
    'pcm_s16le',
    join(dir, 'tone.wav'),
  ]);
  toneWav = join(dir, 'tone.wav');
});
afterEach(async () => {
  await asr?.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const transcriber = (extra: Partial<ConstructorParameters<typeof OpenAiTranscriber>[0]> = {}) =>
  new OpenAiTranscriber({ baseUrl: `${asr.baseUrl}/v1/`, apiKey: KEY, converter, workDir: dir, ...extra });

describe('OpenAiTranscriber against a local OpenAI-compatible server', () => {
  it('uploads 16 kHz mono WAV as multipart with model, language and verbose_json; returns timed segments', async () => {
    asr = await startTranscriptionServer({
      script: 'vectors have a direction and a length',
      apiKey: KEY,
      wordsPerSegment: 4,
    });
    const t = transcriber();
    const result = await t.transcribe(speechWav, { language: 'en' });
    expect(asr.uploads).toHaveLength(1);
    const up = asr.uploads[0]!;
    expect(up).toMatchObject({
      model: 'whisper-1',
      language: 'en',
      responseFormat: 'verbose_json',
      fileName: 'speech.wav',
      sampleRate: 16000,
      channels: 1,
      bitsPerSample: 16,
      authorization: `Bearer ${KEY}`,
    });
    expect(up.durationSeconds).toBeGreaterThan(1.5);
    expect(result.source).toBe('openai:whisper-1');
    expect(result.language).toBe('en');
    expect(result.segments.map((s) => s.text)).toEqual(['vectors have a direction', 'and a length']);
    expect(result.segments[0]!.start).toBe(0);
    expect(result.segments[1]!.end).toBeCloseTo(up.durationSeconds, 2);
    expect(await t.check()).toMatchObject({ name: 'openai-transcribe', version: 'whisper-1' });
  });

  it("sends no language for 'auto' and reports the detected one as an ISO code", async () => {
    asr = await startTranscriptionServer({ script: 'привет мир', language: 'russian' });
    const result = await transcriber({ apiKey: undefined }).transcribe(speechWav, { language: 'auto' });
    expect(asr.uploads[0]!.language).toBeNull();
    expect(asr.uploads[0]!.authorization).toBeNull();
    expect(result.language).toBe('ru');
  });

  it('429 with a short Retry-After is retried in place; a long one becomes RetryAfterError', async () => {
    asr = await startTranscriptionServer({ script: 'ok then' });
    asr.failNext.push({ status: 429, retryAfter: '1', message: 'Rate limit reached' });
    const started = Date.now();
    const result = await transcriber().transcribe(speechWav, { language: 'en' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(asr.uploads).toHaveLength(2);
    expect(result.segments.map((s) => s.text)).toEqual(['ok then']);

    asr.failNext.push({ status: 429, retryAfter: '120', message: 'Rate limit reached for requests' });
    const e = await transcriber()
      .transcribe(speechWav, { language: 'en' })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RetryAfterError);
    expect((e as RetryAfterError).afterMs).toBe(120_000);
    expect((e as Error).message).toMatch(/rate-limiting \(HTTP 429\): Rate limit reached for requests/);
  });

  it('4xx are non-retriable with the server message and never reveal the key; 5xx are retriable', async () => {
    asr = await startTranscriptionServer({ apiKey: 'the-right-key' });
    const bad = await transcriber()
      .transcribe(speechWav, { language: 'en' })
      .catch((x: unknown) => x);
    expect(bad).toBeInstanceOf(NonRetriableError);
    expect((bad as Error).message).toMatch(/rejected the API key \(HTTP 401\): Incorrect API key provided/);
    expect((bad as Error).message).not.toContain(KEY);
    expect(JSON.stringify(bad)).not.toContain(KEY);

    await asr.close();
    asr = await startTranscriptionServer();
    asr.failNext.push({
      status: 400,
      message: 'Audio file is too short. Minimum audio length is 0.1 seconds.',
    });
    const short = await transcriber()
      .transcribe(speechWav, { language: 'en' })
      .catch((x: unknown) => x);
    expect(short).toBeInstanceOf(NonRetriableError);
    expect((short as Error).message).toMatch(/HTTP 400\): Audio file is too short/);

    asr.failNext.push({ status: 503, message: 'overloaded' });
    const down = await transcriber()
      .transcribe(speechWav, { language: 'en' })
      .catch((x: unknown) => x);
    expect(down).toBeInstanceOf(TranscriptionServiceError);
    expect(down).not.toBeInstanceOf(NonRetriableError);
  });

  it('splits audio over the upload limit and offsets each piece', async () => {
    asr = await startTranscriptionServer({
      respond: (up, i) => ({
        language: 'english',
        duration: up.durationSeconds,
        segments: [{ start: 0.5, end: up.durationSeconds, text: `piece ${i}` }],
      }),
    });
    // 100 kB → pieces of 2 s of 16 kHz mono PCM (32 kB/s) for a 5 s file.
    const result = await transcriber({ maxUploadBytes: 100_000 }).transcribe(toneWav, { language: 'en' });
    expect(asr.uploads.map((u) => Math.round(u.durationSeconds))).toEqual([2, 2, 1]);
    expect(asr.uploads.every((u) => u.bytes <= 100_000)).toBe(true);
    // Each piece's times are shifted by where the piece starts (ffmpeg cuts at packet boundaries, ~2.05 s).
    let offset = 0;
    result.segments.forEach((seg, i) => {
      expect(seg.text).toBe(`piece ${i}`);
      expect(seg.start).toBeCloseTo(offset + 0.5, 2);
      offset += asr.uploads[i]!.durationSeconds;
      expect(seg.end).toBeCloseTo(offset, 2);
    });
    expect(offset).toBeCloseTo(5, 1);
    expect(readdirSync(dir).filter((f) => f.startsWith('asr-split-'))).toEqual([]);
  });

  it('an unreachable server is a retriable error naming the endpoint', async () => {
    asr = await startTranscriptionServer();
    const url = asr.baseUrl;
    await asr.close();
    const e = await new OpenAiTranscriber({ baseUrl: url, converter })
      .transcribe(speechWav, { language: 'en' })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TranscriptionServiceError);
    expect((e as Error).message).toContain(`${url}/v1/audio/transcriptions`);
    await expect(new OpenAiTranscriber({ baseUrl: url, converter }).check()).rejects.toThrow(
      /Cannot reach the transcription server/,
    );
  });
});
