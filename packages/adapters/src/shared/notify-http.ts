/*
 * The bit of HTTP every alert channel shares: POST JSON with a timeout, and errors that never
 * contain the secret parts of a URL (Slack webhook paths, Telegram bot tokens, routing keys).
 */

/** A channel could not deliver. `retryAfterMs` is set when the receiver asked us to wait (HTTP 429). */
export class NotifyError extends Error {
  readonly channel: string;
  readonly status: number | null;
  readonly retryAfterMs: number | null;
  constructor(
    channel: string,
    message: string,
    opts: { status?: number | null; retryAfterMs?: number | null } = {},
  ) {
    super(message);
    this.name = 'NotifyError';
    this.channel = channel;
    this.status = opts.status ?? null;
    this.retryAfterMs = opts.retryAfterMs ?? null;
  }
}

/** Replaces every secret (and its URL-encoded form) in `text` with `***`. */
export function redact(text: string, secrets: readonly (string | null | undefined)[]): string {
  let out = text;
  for (const s of secrets) {
    if (!s || s.length < 4) continue;
    for (const form of new Set([s, encodeURIComponent(s)])) out = out.split(form).join('***');
  }
  return out;
}

/** "https://hooks.slack.com" — what we may say about a URL whose path or query holds a key. */
export function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}

export interface PostResult {
  status: number;
  body: string;
  headers: Headers;
}

/** POSTs `body`; network errors become NotifyError with the secrets removed. */
export async function postJson(
  channel: string,
  url: string,
  body: string,
  opts: {
    headers?: Record<string, string>;
    timeoutMs?: number;
    signal?: AbortSignal;
    secrets: readonly (string | null | undefined)[];
  },
): Promise<PostResult> {
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? 10_000);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...opts.headers },
      body,
      signal,
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const reason = timeout.aborted
      ? `no answer within ${opts.timeoutMs ?? 10_000} ms`
      : (cause?.code ?? cause?.message ?? (err as Error).message);
    throw new NotifyError(
      channel,
      redact(
        `${channel}: cannot reach ${safeOrigin(url)}: ${reason}. Check the URL and that the service is reachable from this machine.`,
        opts.secrets,
      ),
    );
  }
  return { status: res.status, body: await res.text().catch(() => ''), headers: res.headers };
}

/** Retry-After header (seconds or HTTP date) in ms, or null. */
export function retryAfterHeaderMs(headers: Headers, now = Date.now()): number | null {
  const v = headers.get('retry-after');
  if (!v) return null;
  const secs = Number(v);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - now) : null;
}

/** Throws a NotifyError for a non-2xx answer: status, a short body excerpt, retry-after when given. */
export function checkStatus(
  channel: string,
  where: string,
  r: PostResult,
  secrets: readonly (string | null | undefined)[],
): void {
  if (r.status >= 200 && r.status < 300) return;
  const excerpt = r.body.length > 300 ? `${r.body.slice(0, 300)}…` : r.body;
  throw new NotifyError(
    channel,
    redact(`${channel}: ${where} answered HTTP ${r.status}: ${excerpt || '(empty body)'}`, secrets),
    {
      status: r.status,
      retryAfterMs: r.status === 429 || r.status === 503 ? retryAfterHeaderMs(r.headers) : null,
    },
  );
}

export const SEVERITY_EMOJI: Readonly<Record<string, string>> = Object.freeze({
  info: 'ℹ️',
  warning: '⚠️',
  error: '❌',
  critical: '🚨',
});
