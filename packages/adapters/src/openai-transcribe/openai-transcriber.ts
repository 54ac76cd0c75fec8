import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { abortableSleep, RetryAfterError } from '@llm-rag-yt/orchestrator';
import type { AudioConverter, OnProgress, Transcriber, Transcript, TranscriptSegment } from '@llm-rag-yt/rag';
import { httpError, TranscriptionServiceError } from './http-errors.ts';
import { toIsoLanguage } from './languages.ts';

export interface OpenAiTranscriberConfig {
  /** Server root, with or without `/v1`: 'https://api.openai.com', 'http://127.0.0.1:8000/v1'. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …`; never logged or put in errors. Optional for local servers. */
  apiKey?: string;
  /** Default 'whisper-1'. */
  model?: string;
  /** Splits long audio. */
  converter: AudioConverter;
  /** Largest file sent in one request. Default 24 MB (OpenAI's limit is 25 MB). */
  maxUploadBytes?: number;
  /** Per-request time limit. Default 10 minutes. */
  timeoutMs?: number;
  /** Rate limits asking for at most this wait are retried in place (so a split upload is not redone). Default 10 s. */
  maxInlineRetryMs?: number;
  /** Where split pieces are written. Default os.tmpdir(). */
  workDir?: string;
}

interface VerboseJson {
  text?: string;
  language?: string;
  duration?: number;
  segments?: { start?: number; end?: number; text?: string }[];
}

/** 16 kHz mono s16 WAV bytes per second; used to size pieces under the upload limit. */
const WAV_BYTES_PER_SECOND = 32_000;

/**
 * Transcriber for any OpenAI-compatible `POST {baseUrl}/v1/audio/transcriptions` (OpenAI,
 * faster-whisper-server, LocalAI, vLLM…). Audio above the upload limit is split with the
 * converter and segment times are shifted by each piece's offset.
 *
 * @example
 * const t = new OpenAiTranscriber({ baseUrl: 'https://api.openai.com', apiKey, converter: new FfmpegAudioConverter() });
 * const { segments } = await t.transcribe('/data/audio/abc.wav', { language: 'auto' });
 */
export class OpenAiTranscriber implements Transcriber {
  readonly name: string;
  private readonly endpoint: string;
  private readonly root: string;
  private readonly model: string;
  private readonly apiKey: string | undefined;
  private readonly converter: AudioConverter;
  private readonly maxUploadBytes: number;
  private readonly timeoutMs: number;
  private readonly maxInlineRetryMs: number;
  private readonly workDir: string;

  constructor(config: OpenAiTranscriberConfig) {
    this.root = config.baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
    this.endpoint = `${this.root}/v1/audio/transcriptions`;
    this.model = config.model ?? 'whisper-1';
    this.name = `openai:${this.model}`;
    this.apiKey = config.apiKey || undefined;
    this.converter = config.converter;
    this.maxUploadBytes = config.maxUploadBytes ?? 24 * 1024 * 1024;
    this.timeoutMs = config.timeoutMs ?? 10 * 60_000;
    this.maxInlineRetryMs = config.maxInlineRetryMs ?? 10_000;
    this.workDir = config.workDir ?? tmpdir();
  }

  async check(): Promise<{ name: string; version: string; detail?: string }> {
    // Reachability only: many compatible servers lack /v1/models, and a 404 still proves the server answers.
    try {
      const res = await fetch(`${this.root}/v1/models`, {
        headers: this.headers(),
        signal: AbortSignal.timeout(10_000),
      });
      if (res.status === 401 || res.status === 403)
        throw httpError(res.status, await res.text(), null, this.root);
    } catch (e) {
      if (e instanceof Error && e.name !== 'TypeError' && e.name !== 'TimeoutError') throw e;
      throw new TranscriptionServiceError(
        `Cannot reach the transcription server at ${this.root}: ${(e as Error).message}. Check its URL and that it is running.`,
        null,
        { cause: e },
      );
    }
    return { name: 'openai-transcribe', version: this.model, detail: this.endpoint };
  }

  async transcribe(
    wavPath: string,
    opts: { language: string; signal?: AbortSignal; onProgress?: OnProgress },
  ): Promise<Transcript> {
    const size = (await stat(wavPath)).size;
    let pieces = [{ path: wavPath, offsetSeconds: 0 }];
    let pieceDir: string | null = null;
    if (size > this.maxUploadBytes) {
      await mkdir(this.workDir, { recursive: true });
      pieceDir = await mkdtemp(join(this.workDir, 'asr-split-'));
      // ffmpeg cuts at packet boundaries (pieces run a few KB long): keep a margin under the limit.
      const maxSeconds = Math.max(1, Math.floor((this.maxUploadBytes * 0.98 - 8192) / WAV_BYTES_PER_SECOND));
      pieces = await this.converter.split(wavPath, maxSeconds, pieceDir, opts.signal);
    }
    try {
      const segments: TranscriptSegment[] = [];
      let language: string | null = null;
      for (const [i, piece] of pieces.entries()) {
        opts.onProgress?.({
          fraction: i / pieces.length,
          message: `transcribing piece ${i + 1} of ${pieces.length}`,
        });
        const result = await this.uploadWithInlineRetry(piece.path, opts.language, opts.signal);
        language ??= toIsoLanguage(result.language);
        segments.push(...toSegments(result, piece.offsetSeconds));
      }
      opts.onProgress?.({ fraction: 1, message: 'transcribed' });
      return {
        language: language ?? (opts.language === 'auto' ? null : opts.language),
        segments,
        source: this.name,
      };
    } finally {
      if (pieceDir) await rm(pieceDir, { recursive: true, force: true });
    }
  }

  private async uploadWithInlineRetry(
    path: string,
    language: string,
    signal?: AbortSignal,
  ): Promise<VerboseJson> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.upload(path, language, signal);
      } catch (e) {
        if (!(e instanceof RetryAfterError) || e.afterMs > this.maxInlineRetryMs || attempt >= 3) throw e;
        await abortableSleep(e.afterMs, signal);
      }
    }
  }

  private async upload(path: string, language: string, signal?: AbortSignal): Promise<VerboseJson> {
    const form = new FormData();
    form.append('file', new Blob([await readFile(path)], { type: 'audio/wav' }), basename(path));
    form.append('model', this.model);
    form.append('response_format', 'verbose_json');
    form.append('timestamp_granularities[]', 'segment');
    if (language && language !== 'auto') form.append('language', language);
    const timeout = AbortSignal.timeout(this.timeoutMs);
    let res: Response;
    try {
      res = await fetch(this.endpoint, {
        method: 'POST',
        headers: this.headers(),
        body: form,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (e) {
      if (signal?.aborted) throw signal.reason ?? e;
      throw new TranscriptionServiceError(
        `Could not reach ${this.endpoint}: ${(e as Error).message}.`,
        null,
        { cause: e },
      );
    }
    const body = await res.text();
    if (!res.ok) throw httpError(res.status, body, res.headers.get('retry-after'), this.endpoint);
    try {
      return JSON.parse(body) as VerboseJson;
    } catch (e) {
      throw new TranscriptionServiceError(
        `${this.endpoint} answered HTTP ${res.status} but not with JSON: '${body.slice(0, 120)}'.`,
        res.status,
        { cause: e },
      );
    }
  }

  private headers(): Record<string, string> {
    return this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {};
  }
}

function toSegments(result: VerboseJson, offset: number): TranscriptSegment[] {
  const round = (x: number) => Math.round(x * 1000) / 1000;
  const raw = result.segments?.length
    ? result.segments
    : result.text?.trim()
      ? [{ start: 0, end: result.duration ?? 0, text: result.text }]
      : [];
  return raw
    .map((s) => ({
      start: round(offset + (s.start ?? 0)),
      end: round(offset + Math.max(s.end ?? s.start ?? 0, s.start ?? 0)),
      text: (s.text ?? '').replace(/\s+/g, ' ').trim(),
    }))
    .filter((s) => s.text);
}
