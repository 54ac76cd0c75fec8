import { NonRetriableError, RetryAfterError } from '@llm-rag-yt/orchestrator';

/** Retry-After is either delta-seconds or an HTTP date. Returns ms, or null when absent/invalid. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number.parseFloat(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** The server's own explanation: OpenAI-style `{error:{message}}`, `{detail}`, `{message}` or text. */
export function serverMessage(body: string): string {
  try {
    const doc = JSON.parse(body) as {
      error?: { message?: string } | string;
      detail?: unknown;
      message?: string;
    };
    if (typeof doc.error === 'object' && doc.error?.message) return doc.error.message;
    if (typeof doc.error === 'string') return doc.error;
    if (typeof doc.detail === 'string') return doc.detail;
    if (doc.detail) return JSON.stringify(doc.detail);
    if (doc.message) return doc.message;
  } catch {
    // not JSON: fall through to the text
  }
  return body.trim().slice(0, 300) || '(empty response body)';
}

/** A 5xx or network failure: the run's retry policy may try again. */
export class TranscriptionServiceError extends Error {
  readonly status: number | null;
  constructor(message: string, status: number | null, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TranscriptionServiceError';
    this.status = status;
  }
}

/** Maps a non-2xx response to the error taxonomy. `where` names the endpoint, never the key. */
export function httpError(status: number, body: string, retryAfter: string | null, where: string): Error {
  const msg = serverMessage(body);
  if (status === 429) {
    const after = parseRetryAfter(retryAfter) ?? 30_000;
    return new RetryAfterError(
      `${where} is rate-limiting (HTTP 429): ${msg}. Retrying after ${Math.ceil(after / 1000)} s.`,
      after,
    );
  }
  if (status === 401 || status === 403) {
    return new NonRetriableError(
      `${where} rejected the API key (HTTP ${status}): ${msg}. Check the configured key for this server.`,
    );
  }
  if (status === 413) {
    return new NonRetriableError(
      `${where} refused the upload as too large (HTTP 413): ${msg}. Lower the transcription upload limit so audio is split into smaller pieces.`,
    );
  }
  if (status >= 400 && status < 500) {
    return new NonRetriableError(`${where} refused the request (HTTP ${status}): ${msg}.`);
  }
  return new TranscriptionServiceError(`${where} failed (HTTP ${status}): ${msg}.`, status);
}
