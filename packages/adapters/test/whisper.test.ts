import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NonRetriableError } from '@llm-rag-yt/orchestrator';
import type { ProgressEvent } from '@llm-rag-yt/rag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FfmpegAudioConverter } from '../src/ffmpeg/index.ts';
import { ensureWhisperModel, WhisperCppTranscriber } from '../src/whisper-cpp/index.ts';

const MODEL_BYTES = Buffer.alloc(3 * 1024 * 1024, 7);
let dir: string;
let server: Server;
let baseUrl: string;
const hits: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'whisper-test-'));
  // A local stand-in for the model hub: serves ggml-tiny.bin, 404 otherwise.
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/models/ggml-tiny.bin') {
      res.writeHead(200, {
        'content-length': MODEL_BYTES.length,
        'content-type': 'application/octet-stream',
      });
      res.end(MODEL_BYTES);
    } else {
      res.writeHead(404).end('Entry not found');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/models`;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('whisper model file', () => {
  it('downloads once into <dataDir>/models with progress, concurrent callers share it', async () => {
    const events: ProgressEvent[] = [];
    const src = { model: 'tiny', dataDir: join(dir, 'data'), baseUrl };
    const [a, b] = await Promise.all([
      ensureWhisperModel(src, { onProgress: (p) => events.push(p) }),
      ensureWhisperModel(src),
    ]);
    expect(a).toBe(join(dir, 'data', 'models', 'ggml-tiny.bin'));
    expect(b).toBe(a);
    expect(readFileSync(a).equals(MODEL_BYTES)).toBe(true);
    expect(existsSync(`${a}.part`)).toBe(false);
    expect(events.at(-1)).toEqual({ fraction: 1, message: 'whisper model downloaded' });
    expect(events.some((e) => /downloading whisper model: .* of 3\.1 MB/.test(e.message ?? ''))).toBe(true);
    await ensureWhisperModel(src);
    expect(hits.filter((h) => h.endsWith('ggml-tiny.bin'))).toHaveLength(1);
  });

  it('a model missing on the server or a wrong configured path says how to fix it', async () => {
    const missing = await ensureWhisperModel({ model: 'small', dataDir: join(dir, 'data'), baseUrl }).catch(
      (e: unknown) => e,
    );
    expect(missing).toBeInstanceOf(NonRetriableError);
    expect((missing as Error).message).toMatch(
      /HTTP 404\. Download it manually from .*ggml-small\.bin to .*models\/ggml-small\.bin/,
    );
    const badPath = await ensureWhisperModel({
      model: 'base',
      modelPath: join(dir, 'nope.bin'),
      dataDir: dir,
    }).catch((e: unknown) => e);
    expect(badPath).toBeInstanceOf(NonRetriableError);
    expect((badPath as Error).message).toMatch(/nope\.bin' does not exist/);
    await expect(ensureWhisperModel({ model: '../../etc', dataDir: dir })).rejects.toThrow(
      /model name '..\/..\/etc' is invalid/,
    );
  });

  it('the real whisper.cpp binding rejects a file that is not a ggml model, clearly', async () => {
    const bogus = join(dir, 'bogus.bin');
    writeFileSync(bogus, Buffer.alloc(2048, 1));
    const t = new WhisperCppTranscriber({ model: 'base', modelPath: bogus, dataDir: dir });
    expect(await t.check()).toMatchObject({ name: 'whisper.cpp', detail: `model file ${bogus}` });
    const e = await t.transcribe(join(dir, 'x.wav'), { language: 'auto' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NonRetriableError);
    expect((e as Error).message).toMatch(/could not load the model .*bogus\.bin.*not a ggml whisper model/);
  });
});

const modelPath = process.env.WHISPER_MODEL_PATH;
describe.skipIf(!modelPath)('whisper.cpp transcription with a real model', () => {
  it('transcribes espeak-ng speech with timed segments', async () => {
    execFileSync('espeak-ng', [
      '-v',
      'en-us',
      '-s',
      '140',
      '-w',
      join(dir, 'speech-22k.wav'),
      'The quick brown fox jumps over the lazy dog.',
    ]);
    const wav = await new FfmpegAudioConverter().toWav16kMono(
      join(dir, 'speech-22k.wav'),
      join(dir, 'speech.wav'),
    );
    const t = new WhisperCppTranscriber({ model: 'configured', modelPath, dataDir: dir, threads: 2 });
    const progress: ProgressEvent[] = [];
    const result = await t.transcribe(wav.path, { language: 'en', onProgress: (p) => progress.push(p) });
    await t.release();
    const text = result.segments
      .map((s) => s.text)
      .join(' ')
      .toLowerCase();
    expect(text).toMatch(/quick|brown|fox|lazy|dog/);
    expect(result.segments[0]!.start).toBeGreaterThanOrEqual(0);
    expect(result.segments.at(-1)!.end).toBeLessThanOrEqual(wav.durationSeconds + 1);
    expect(result.source).toBe('whisper.cpp:configured');
  }, 120_000);
});
if (!modelPath) {
  describe('whisper.cpp transcription with a real model', () => {
    it.skip('skipped: set WHISPER_MODEL_PATH to a ggml model file (e.g. ggml-tiny.en.bin) to run it — no model can be downloaded here', () => {});
  });
}
