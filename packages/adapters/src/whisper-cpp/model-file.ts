import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { NonRetriableError } from '@llm-rag-yt/orchestrator';
import type { OnProgress } from '@llm-rag-yt/rag';

/** Where whisper.cpp publishes its ggml models (`ggml-<name>.bin`). */
export const DEFAULT_WHISPER_MODEL_BASE_URL = 'https://huggingface.co/ggerganov/whisper.cpp/resolve/main';

/** Known model names; others are accepted too (any `ggml-<name>.bin` on the server). */
export const WHISPER_MODELS = [
  'tiny',
  'tiny.en',
  'base',
  'base.en',
  'small',
  'small.en',
  'medium',
  'medium.en',
  'large-v3',
  'large-v3-turbo',
] as const;

export interface WhisperModelSource {
  /** Model name ('base', 'small', …) used to build the file name and download URL. */
  model: string;
  /** An existing model file; when set nothing is downloaded. */
  modelPath?: string;
  /** Data folder; downloads go to `<dataDir>/models/ggml-<model>.bin`. */
  dataDir: string;
  baseUrl?: string;
}

/** Where the model file is (or will be) on disk, and where it would be downloaded from. */
export function whisperModelLocation(src: WhisperModelSource): { path: string; url: string | null } {
  if (src.modelPath) return { path: src.modelPath, url: null };
  if (!/^[A-Za-z0-9._-]+$/.test(src.model)) {
    throw new NonRetriableError(
      `Whisper model name '${src.model}' is invalid; use one of ${WHISPER_MODELS.join(', ')}.`,
    );
  }
  const file = `ggml-${src.model}.bin`;
  return {
    path: join(src.dataDir, 'models', file),
    url: `${(src.baseUrl ?? DEFAULT_WHISPER_MODEL_BASE_URL).replace(/\/+$/, '')}/${file}`,
  };
}

const inFlight = new Map<string, Promise<string>>();

/**
 * Returns the model file path, downloading it once on first use (concurrent callers share one
 * download; a partial file is never mistaken for a finished one).
 * @throws NonRetriableError when a configured model path does not exist; Error (retriable) when the download fails.
 */
export function ensureWhisperModel(
  src: WhisperModelSource,
  opts: { onProgress?: OnProgress; signal?: AbortSignal } = {},
): Promise<string> {
  let location: { path: string; url: string | null };
  try {
    location = whisperModelLocation(src);
  } catch (e) {
    return Promise.reject(e);
  }
  const { path, url } = location;
  const existing = inFlight.get(path);
  if (existing) return existing;
  const p = (async () => {
    if (await isNonEmptyFile(path)) return path;
    if (!url) {
      throw new NonRetriableError(
        `Whisper model file '${path}' does not exist. Fix the configured model path, or remove it to download the '${src.model}' model automatically.`,
      );
    }
    await download(url, path, opts.onProgress, opts.signal);
    return path;
  })().finally(() => inFlight.delete(path));
  inFlight.set(path, p);
  return p;
}

async function download(
  url: string,
  path: string,
  onProgress?: OnProgress,
  signal?: AbortSignal,
): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  const partial = `${path}.part`;
  const manual = `Download it manually from ${url} to ${path}, or configure an existing model path.`;
  let res: Response;
  try {
    res = await fetch(url, { signal, redirect: 'follow' });
  } catch (e) {
    if (signal?.aborted) throw signal.reason ?? e;
    throw new Error(`Could not download the whisper model from ${url}: ${(e as Error).message}. ${manual}`, {
      cause: e,
    });
  }
  if (!res.ok || !res.body) {
    const err = `Could not download the whisper model from ${url}: HTTP ${res.status}. ${manual}`;
    throw res.status === 404 ? new NonRetriableError(err) : new Error(err);
  }
  const total = Number(res.headers.get('content-length')) || null;
  let done = 0;
  let lastReport = 0;
  const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream);
  body.on('data', (chunk: Buffer) => {
    done += chunk.length;
    const now = Date.now();
    if (onProgress && (now - lastReport > 250 || done === total)) {
      lastReport = now;
      onProgress({
        ...(total ? { fraction: done / total } : {}),
        message: `downloading whisper model: ${(done / 1e6).toFixed(1)}${total ? ` of ${(total / 1e6).toFixed(1)}` : ''} MB`,
      });
    }
  });
  try {
    await pipeline(body, createWriteStream(partial), { signal });
    if (total !== null && done !== total)
      throw new Error(`Download of ${url} ended after ${done} of ${total} bytes. ${manual}`);
    await rename(partial, path);
  } catch (e) {
    await rm(partial, { force: true });
    throw e;
  }
  onProgress?.({ fraction: 1, message: 'whisper model downloaded' });
}

async function isNonEmptyFile(path: string): Promise<boolean> {
  try {
    const s = await stat(path);
    return s.isFile() && s.size > 0;
  } catch {
    return false;
  }
}
