import type { FeedReader, FeedReadResult } from '@llm-rag-yt/rag';
import { FeedParseError, parseFeed } from './parse-feed.ts';

/** The fetch a reader uses; the CLI passes the SSRF-guarded one (guardedFetch with the EgressPolicy). */
export type FeedFetch = (
  url: string,
  init: { headers: Record<string, string>; signal: AbortSignal },
) => Promise<Response>;

export interface HttpFeedReaderOptions {
  /** The fetch to use (e.g. one that refuses private addresses). Default: global fetch. */
  fetch?: FeedFetch;
  timeoutMs?: number;
  /** Larger bodies are refused (a feed of 10,000 entries is a few MB). */
  maxBytes?: number;
  userAgent?: string;
}

/** The feed could not be fetched (HTTP status, network); `status` is the HTTP status when there was one. */
export class FeedFetchError extends Error {
  readonly status: number | null;
  constructor(message: string, status: number | null, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FeedFetchError';
    this.status = status;
  }
}

/**
 * Reads RSS/Atom feeds with conditional requests: the ETag and Last-Modified of the previous
 * answer go back as If-None-Match / If-Modified-Since, and a 304 costs nothing to process.
 *
 * @example
 * const r = await new HttpFeedReader().read(url, { etag: sub.etag });
 * if (!r.notModified) for (const e of r.listing.entries) …
 */
export class HttpFeedReader implements FeedReader {
  readonly #fetch: FeedFetch;
  readonly #timeoutMs: number;
  readonly #maxBytes: number;
  readonly #userAgent: string;

  constructor(opts: HttpFeedReaderOptions = {}) {
    this.#fetch = opts.fetch ?? ((url, init) => fetch(url, init));
    this.#timeoutMs = opts.timeoutMs ?? 30_000;
    this.#maxBytes = opts.maxBytes ?? 20 * 1024 * 1024;
    this.#userAgent = opts.userAgent ?? 'llm-rag-yt feed reader';
  }

  async read(
    url: string,
    opts: { etag?: string | null; lastModified?: string | null; signal?: AbortSignal } = {},
  ): Promise<FeedReadResult> {
    const headers: Record<string, string> = {
      accept: 'application/atom+xml, application/rss+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1',
      'user-agent': this.#userAgent,
    };
    if (opts.etag) headers['if-none-match'] = opts.etag;
    if (opts.lastModified) headers['if-modified-since'] = opts.lastModified;
    const signal = opts.signal
      ? AbortSignal.any([opts.signal, AbortSignal.timeout(this.#timeoutMs)])
      : AbortSignal.timeout(this.#timeoutMs);
    let res: Response;
    try {
      res = await this.#fetch(url, { headers, signal });
    } catch (e) {
      if (opts.signal?.aborted) throw e;
      const why =
        (e as Error).name === 'TimeoutError' ? `no answer within ${this.#timeoutMs / 1000} s` : reason(e);
      throw new FeedFetchError(`Could not fetch the feed ${url}: ${why}.`, null, { cause: e });
    }
    if (res.status === 304) {
      await res.body?.cancel();
      return { notModified: true };
    }
    if (!res.ok) {
      await res.body?.cancel();
      const hint =
        res.status === 404 || res.status === 410
          ? ' Check the URL; a removed or private channel or playlist answers like this too.'
          : res.status === 401 || res.status === 403
            ? ' The feed is not public.'
            : res.status >= 500
              ? ' The server has a problem; the next check tries again.'
              : '';
      throw new FeedFetchError(
        `The feed ${url} answered ${res.status} ${res.statusText || ''}.`.replace(' .', '.') + hint,
        res.status,
      );
    }
    const declared = Number(res.headers.get('content-length') ?? 0);
    if (declared > this.#maxBytes) {
      await res.body?.cancel();
      throw new FeedFetchError(
        `The feed ${url} is ${Math.round(declared / 1048576)} MB, over the ${Math.round(this.#maxBytes / 1048576)} MB limit.`,
        res.status,
      );
    }
    const body = await readLimited(res, this.#maxBytes, url);
    try {
      const listing = parseFeed(body, res.url || url);
      return {
        notModified: false,
        etag: res.headers.get('etag'),
        lastModified: res.headers.get('last-modified'),
        listing,
      };
    } catch (e) {
      if (e instanceof FeedParseError) throw e;
      throw new FeedParseError(`The feed ${url} could not be read: ${reason(e)}.`);
    }
  }
}

async function readLimited(res: Response, max: number, url: string): Promise<string> {
  if (!res.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > max) {
      throw new FeedFetchError(
        `The feed ${url} is larger than the ${Math.round(max / 1048576)} MB limit.`,
        res.status,
      );
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function reason(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  return err.cause?.code ?? err.cause?.message ?? err.message ?? String(e);
}
