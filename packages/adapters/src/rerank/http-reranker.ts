import type { Reranker } from '@llm-rag-yt/rag';

/*
 * Any `/rerank` endpoint in the common shape:
 * - Hugging Face TEI: POST /rerank {query, texts} → [{index, score}]
 * - Jina, Cohere, vLLM (/v1/rerank, /v2/rerank): {model, query, documents, top_n}
 *   → {results: [{index, relevance_score}]}
 * The request carries both `texts` and `documents` so one body suits every server; the
 * response shape is recognised by its fields. The API key goes only into the Authorization
 * header, never into an error message.
 */

export interface HttpRerankerOptions {
  /** The full endpoint, e.g. http://127.0.0.1:8080/rerank or https://api.jina.ai/v1/rerank. */
  url: string;
  model?: string;
  apiKey?: string;
  /** Per-request timeout. Default 10 000 ms (a slow reranker must not hold an answer long). */
  timeoutMs?: number;
  /** Passages per request (servers cap the batch; TEI's default is 32… we stay well inside). Default 32. */
  batchSize?: number;
  fetch?: typeof fetch;
}

export class RerankerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RerankerError';
  }
}

export class HttpReranker implements Reranker {
  readonly model: string;
  readonly #opts: HttpRerankerOptions;

  constructor(opts: HttpRerankerOptions) {
    let parsed: URL;
    try {
      parsed = new URL(opts.url);
    } catch {
      throw new RerankerError(`RERANK_URL '${opts.url}' is not a URL (e.g. http://127.0.0.1:8080/rerank).`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw new RerankerError(`RERANK_URL must be http(s), got '${parsed.protocol}'.`);
    this.#opts = opts;
    this.model = `http:${opts.model ?? parsed.host}`;
  }

  async rerank(query: string, passages: readonly string[], signal?: AbortSignal): Promise<number[]> {
    const batch = Math.max(1, this.#opts.batchSize ?? 32);
    const scores: number[] = [];
    for (let i = 0; i < passages.length; i += batch) {
      scores.push(...(await this.#request(query, passages.slice(i, i + batch), signal)));
    }
    return scores;
  }

  async #request(query: string, texts: readonly string[], signal?: AbortSignal): Promise<number[]> {
    const timeout = AbortSignal.timeout(this.#opts.timeoutMs ?? 10_000);
    const url = this.#opts.url;
    let res: Response;
    try {
      res = await (this.#opts.fetch ?? fetch)(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.#opts.apiKey ? { authorization: `Bearer ${this.#opts.apiKey}` } : {}),
        },
        body: JSON.stringify({
          ...(this.#opts.model ? { model: this.#opts.model } : {}),
          query,
          texts,
          documents: texts,
          top_n: texts.length,
          return_documents: false,
        }),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (cause) {
      if (signal?.aborted) throw cause;
      throw new RerankerError(
        `POST ${url} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
        {
          cause,
        },
      );
    }
    const body = await res.text();
    if (!res.ok)
      throw new RerankerError(
        `POST ${url} answered ${res.status}: ${body.slice(0, 200).replace(/\s+/g, ' ')}`,
      );
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new RerankerError(`POST ${url} did not answer JSON: ${body.slice(0, 120)}`);
    }
    return scoresFrom(json, texts.length, url);
  }
}

/** Scores in passage order from a TEI array or a Jina/Cohere/vLLM `results` list. */
export function scoresFrom(json: unknown, n: number, url = 'the reranker'): number[] {
  const list = Array.isArray(json) ? json : (json as { results?: unknown } | null)?.results;
  if (!Array.isArray(list))
    throw new RerankerError(
      `${url} answered neither [{index, score}] nor {results: [{index, relevance_score}]}.`,
    );
  const scores = new Array<number>(n).fill(Number.NEGATIVE_INFINITY);
  for (const item of list as { index?: unknown; score?: unknown; relevance_score?: unknown }[]) {
    const index = item?.index;
    const score = typeof item?.relevance_score === 'number' ? item.relevance_score : item?.score;
    if (typeof index !== 'number' || index < 0 || index >= n || typeof score !== 'number')
      throw new RerankerError(
        `${url} answered an item without a valid index and score: ${JSON.stringify(item).slice(0, 80)}`,
      );
    scores[index] = score;
  }
  return scores;
}
