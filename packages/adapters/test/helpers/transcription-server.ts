/**
 * A local stand-in for an OpenAI-compatible transcription server (`POST /v1/audio/transcriptions`).
 * It really parses the multipart upload and the WAV header, records what it received, and answers
 * verbose_json. It cannot recognise speech: it answers with the `script` you give it, spread evenly
 * over the uploaded audio's duration (or with whatever `respond` returns).
 *
 * @example
 * const asr = await startTranscriptionServer({ script: 'the quick brown fox', apiKey: 'sk-test' });
 * const t = new OpenAiTranscriber({ baseUrl: asr.baseUrl, apiKey: 'sk-test', converter });
 * // …
 * expect(asr.uploads[0]).toMatchObject({ sampleRate: 16000, channels: 1, model: 'whisper-1' });
 * await asr.close();
 *
 * `failNext` queues canned failures answered before normal replies, e.g.
 * `asr.failNext.push({ status: 429, retryAfter: '1', message: 'slow down' })`.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';

export interface ReceivedUpload {
  model: string | null;
  language: string | null;
  responseFormat: string | null;
  fileName: string;
  bytes: number;
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  durationSeconds: number;
  /** The Authorization header as received (tests assert the bearer key arrives). */
  authorization: string | null;
}

export interface CannedFailure {
  status: number;
  retryAfter?: string;
  message?: string;
}

export interface TranscriptionServer {
  readonly baseUrl: string;
  readonly uploads: ReceivedUpload[];
  readonly failNext: CannedFailure[];
  close(): Promise<void>;
}

export interface TranscriptionServerOptions {
  /** Words returned as the transcript; default 'hello world'. */
  script?: string;
  /** Words per returned segment. Default 4. */
  wordsPerSegment?: number;
  /** When set, requests without `Authorization: Bearer <apiKey>` get 401. */
  apiKey?: string;
  /** Custom reply; return null to use the default. */
  respond?: (upload: ReceivedUpload, index: number) => object | null;
  /** Language name reported in verbose_json. Default 'english'. */
  language?: string;
}

export async function startTranscriptionServer(
  opts: TranscriptionServerOptions = {},
): Promise<TranscriptionServer> {
  const uploads: ReceivedUpload[] = [];
  const failNext: CannedFailure[] = [];
  const server = createServer((req, res) => {
    handle(req)
      .then(({ status, headers, body }) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      })
      .catch((e: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `stand-in server error: ${(e as Error).message}` } }));
      });
  });

  async function handle(
    req: IncomingMessage,
  ): Promise<{ status: number; headers?: Record<string, string>; body: object }> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method === 'GET' && path === '/v1/models')
      return { status: 200, body: { data: [{ id: 'whisper-1' }] } };
    if (req.method !== 'POST' || path !== '/v1/audio/transcriptions') {
      return { status: 404, body: { error: { message: `no route ${req.method} ${path}` } } };
    }
    const authorization = req.headers.authorization ?? null;
    if (opts.apiKey && authorization !== `Bearer ${opts.apiKey}`) {
      return { status: 401, body: { error: { message: 'Incorrect API key provided.' } } };
    }
    const request = new Request(`http://x${req.url}`, {
      method: 'POST',
      headers: req.headers as Record<string, string>,
      body: Readable.toWeb(req) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    const form = await request.formData();
    const file = form.get('file');
    if (!(file instanceof Blob))
      return { status: 400, body: { error: { message: "Missing required parameter: 'file'." } } };
    const wav = parseWavHeader(Buffer.from(await file.arrayBuffer()));
    if (!wav)
      return { status: 400, body: { error: { message: 'Invalid file format. Supported formats: wav' } } };
    const upload: ReceivedUpload = {
      model: str(form.get('model')),
      language: str(form.get('language')),
      responseFormat: str(form.get('response_format')),
      fileName: (file as File).name ?? 'blob',
      bytes: file.size,
      ...wav,
      authorization,
    };
    uploads.push(upload);
    const failure = failNext.shift();
    if (failure) {
      return {
        status: failure.status,
        headers: failure.retryAfter ? { 'retry-after': failure.retryAfter } : {},
        body: { error: { message: failure.message ?? `canned HTTP ${failure.status}` } },
      };
    }
    if (!upload.model)
      return { status: 400, body: { error: { message: "Missing required parameter: 'model'." } } };
    const custom = opts.respond?.(upload, uploads.length - 1);
    if (custom) return { status: 200, body: custom };
    return { status: 200, body: defaultReply(upload, opts) };
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    uploads,
    failNext,
    close: () => closeServer(server),
  };
}

function defaultReply(upload: ReceivedUpload, opts: TranscriptionServerOptions): object {
  const words = (opts.script ?? 'hello world').split(/\s+/).filter(Boolean);
  const per = opts.wordsPerSegment ?? 4;
  const groups: string[][] = [];
  for (let i = 0; i < words.length; i += per) groups.push(words.slice(i, i + per));
  const step = upload.durationSeconds / Math.max(1, groups.length);
  return {
    task: 'transcribe',
    language: opts.language ?? 'english',
    duration: upload.durationSeconds,
    text: words.join(' '),
    segments: groups.map((g, i) => ({
      id: i,
      start: i * step,
      end: (i + 1) * step,
      text: ` ${g.join(' ')}`,
    })),
  };
}

/** Reads the fmt and data chunks of a RIFF/WAVE file; null when it is not one. */
export function parseWavHeader(
  buf: Buffer,
): Omit<
  ReceivedUpload,
  'model' | 'language' | 'responseFormat' | 'fileName' | 'bytes' | 'authorization'
> | null {
  if (buf.length < 44 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE')
    return null;
  let pos = 12;
  let fmt: { channels: number; sampleRate: number; bitsPerSample: number } | null = null;
  while (pos + 8 <= buf.length) {
    const id = buf.toString('ascii', pos, pos + 4);
    const size = buf.readUInt32LE(pos + 4);
    if (id === 'fmt ') {
      fmt = {
        channels: buf.readUInt16LE(pos + 10),
        sampleRate: buf.readUInt32LE(pos + 12),
        bitsPerSample: buf.readUInt16LE(pos + 22),
      };
    } else if (id === 'data' && fmt) {
      const dataBytes = Math.min(size, buf.length - pos - 8);
      return {
        ...fmt,
        durationSeconds: dataBytes / (fmt.sampleRate * fmt.channels * (fmt.bitsPerSample / 8)),
      };
    }
    pos += 8 + size + (size % 2);
  }
  return null;
}

function str(v: FormDataEntryValue | null): string | null {
  return typeof v === 'string' ? v : null;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections?.();
    server.close(() => resolve());
  });
}
