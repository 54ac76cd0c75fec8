import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import type { EgressPolicy } from './policy.ts';

export interface GuardedFetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  signal?: AbortSignal;
  /** Redirects followed, each re-checked. Default 5. */
  maxRedirects?: number;
  /** Give up after this long per hop. Default 30 s. */
  timeoutMs?: number;
}

/**
 * `fetch` for URLs users supplied (feeds, pages): every hop — the first URL and each redirect —
 * is checked by the policy, and the connection goes to the address the check vetted (the
 * policy's `lookup`), so a DNS answer cannot change between check and connect.
 *
 * @example
 * const res = await guardedFetch('https://www.youtube.com/feeds/videos.xml?channel_id=UC…', {}, policy);
 */
export async function guardedFetch(
  url: string | URL,
  init: GuardedFetchInit,
  policy: EgressPolicy,
): Promise<Response> {
  let current = await policy.assertPublicUrl(url);
  let method = init.method ?? 'GET';
  let body = init.body;
  for (let hop = 0; ; hop++) {
    const res = await requestOnce(current, method, body, init, policy);
    const location = res.headers.location;
    if (res.statusCode && res.statusCode >= 300 && res.statusCode < 400 && location) {
      res.resume();
      if (hop >= (init.maxRedirects ?? 5)) throw new Error(`Too many redirects fetching ${String(url)}.`);
      current = await policy.assertPublicUrl(new URL(location, current));
      if (
        res.statusCode === 303 ||
        ((res.statusCode === 301 || res.statusCode === 302) && method === 'POST')
      ) {
        method = 'GET';
        body = undefined;
      }
      continue;
    }
    const headers = new Headers();
    for (const [k, v] of Object.entries(res.headers)) {
      if (Array.isArray(v)) for (const x of v) headers.append(k, x);
      else if (v !== undefined) headers.set(k, v);
    }
    const status = res.statusCode ?? 502;
    const nullBody = status === 204 || status === 304 || method === 'HEAD';
    return new Response(nullBody ? null : (Readable.toWeb(res) as ReadableStream), { status, headers });
  }
}

function requestOnce(
  url: URL,
  method: string,
  body: string | Buffer | undefined,
  init: GuardedFetchInit,
  policy: EgressPolicy,
): Promise<IncomingMessage> {
  const make = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = make(
      url,
      {
        method,
        headers: init.headers,
        lookup: policy.lookup,
        signal: init.signal,
        timeout: init.timeoutMs ?? 30_000,
      },
      resolve,
    );
    req.on('timeout', () => req.destroy(new Error(`Timed out fetching ${url.href}.`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}
