/*
 * POST JSON to an OpenAI-compatible server with retries on 429/5xx and network errors.
 * Shared by the embeddings and chat adapters. The API key goes only into the Authorization
 * header: it never appears in an error message or a log line.
 */

import { abortableSleep } from '@llm-rag-yt/orchestrator';

export interface OpenAiHttpOptions {
  /** e.g. https://api.openai.com/v1 or http://localhost:11434/v1 */
  baseUrl: string;
  apiKey?: string;
  /** Retries after the first attempt. Default 4. */
  maxRetries?: number;
  /** First backoff in ms, doubled each retry (jittered). Default 500. */
  backoffMs?: number;
  /** Per-attempt timeout. Default 60 000 ms. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export class OpenAiHttpError extends Error {
  readonly status: number | null;
  readonly retriable: boolean;
  constructor(message: string, status: number | null, retriable: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OpenAiHttpError';
    this.status = status;
    this.retriable = retriable;
  }
}

export async function postJson<T>(
  opts: OpenAiHttpOptions,
  path: string,
  body: unknown,
  signal?: AbortSignal,
): Promise<T> {
  const url = `${opts.baseUrl.replace(/\/+$/, '')}${path}`;
  const doFetch = opts.fetch ?? fetch;
  const maxRetries = opts.maxRetries ?? 4;
  const backoff = opts.backoffMs ?? 500;
  let lastError: OpenAiHttpError | undefined;
  for (let attempt = 0; attempt <= maxRetries; attempt++) {
    if (attempt > 0) await abortableSleep(retryDelay(lastError, backoff, attempt), signal);
    signal?.throwIfAborted();
    const timeout = AbortSignal.timeout(opts.timeoutMs ?? 60_000);
    let res: Response;
    try {
      res = await doFetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}),
        },
        body: JSON.stringify(body),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (cause) {
      if (signal?.aborted) throw cause;
      lastError = new OpenAiHttpError(
        `POST ${url} failed: ${causeText(cause)}. Is the server running?`,
        null,
        true,
        {
          cause,
        },
      );
      continue;
    }
    if (res.ok) return (await res.json()) as T;
    const detail = await errorDetail(res);
    const retriable = res.status === 429 || res.status >= 500;
    const hint =
      res.status === 401 || res.status === 403
        ? ' Check the API key.'
        : res.status === 404
          ? ' Check the base URL (it should end with /v1) and the model name.'
          : '';
    lastError = new OpenAiHttpError(
      `POST ${url} returned ${res.status}: ${detail}.${hint}`,
      res.status,
      retriable,
    );
    (lastError as { retryAfter?: number }).retryAfter = Number(res.headers.get('retry-after')) || undefined;
    if (!retriable) throw lastError;
  }
  throw new OpenAiHttpError(
    `${lastError?.message ?? `POST ${url} failed`} (gave up after ${maxRetries + 1} attempts)`,
    lastError?.status ?? null,
    true,
    { cause: lastError },
  );
}

function retryDelay(err: OpenAiHttpError | undefined, backoff: number, attempt: number): number {
  const retryAfter = (err as { retryAfter?: number } | undefined)?.retryAfter;
  if (retryAfter) return Math.min(retryAfter * 1000, 60_000);
  return backoff * 2 ** (attempt - 1) * (0.75 + Math.random() * 0.5);
}

async function errorDetail(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  try {
    const msg = (JSON.parse(text) as { error?: { message?: string } }).error?.message;
    if (msg) return msg.slice(0, 300);
  } catch {
    // not JSON
  }
  return text.slice(0, 300) || res.statusText;
}

function causeText(cause: unknown): string {
  const c = cause as { message?: string; cause?: { code?: string; message?: string } };
  return c.cause?.code ?? c.cause?.message ?? c.message ?? String(cause);
}
