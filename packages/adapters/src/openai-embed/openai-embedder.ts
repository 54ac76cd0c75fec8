import type { Embedder } from '@llm-rag-yt/rag';
import { type OpenAiHttpOptions, postJson } from '../shared/openai-http.ts';

export interface OpenAiEmbedderOptions extends OpenAiHttpOptions {
  /** Model name as the server knows it, e.g. 'text-embedding-3-small' or 'nomic-embed-text'. */
  model: string;
  /** Inputs per request. Default 64. */
  batchSize?: number;
  /** Known dimensions; otherwise detected from the first response. */
  dimensions?: number;
  /** Prefixes for e5-style models served by the endpoint; none by default. */
  prefixes?: { query: string; passage: string };
}

interface EmbeddingsResponse {
  data: { index: number; embedding: number[] }[];
}

/**
 * Embeddings from any OpenAI-compatible POST /v1/embeddings (OpenAI, Ollama, vLLM, LocalAI…).
 * Vectors are re-normalised locally: not every server returns unit vectors.
 *
 * @example
 * const e = new OpenAiEmbedder({ baseUrl: 'http://localhost:11434/v1', model: 'nomic-embed-text' });
 * const [v] = await e.embed(['hello'], 'query');
 */
export class OpenAiEmbedder implements Embedder {
  readonly model: string;
  readonly #opts: OpenAiEmbedderOptions;
  #dimensions: number;

  constructor(opts: OpenAiEmbedderOptions) {
    if (!opts.baseUrl) throw new Error('OpenAiEmbedder needs a baseUrl, e.g. https://api.openai.com/v1');
    if (!opts.model) throw new Error('OpenAiEmbedder needs a model name, e.g. text-embedding-3-small');
    this.#opts = opts;
    this.model = `openai:${opts.model}`;
    this.#dimensions = opts.dimensions ?? 0;
  }

  /** 0 until the first response unless given in the options (see `probe`). */
  get dimensions(): number {
    return this.#dimensions;
  }

  /** Embeds one short text to learn the dimensions. */
  async probe(signal?: AbortSignal): Promise<number> {
    if (this.#dimensions === 0) await this.embed(['dimension probe'], 'query', signal);
    return this.#dimensions;
  }

  async embed(
    texts: readonly string[],
    kind: 'query' | 'passage',
    signal?: AbortSignal,
  ): Promise<Float32Array[]> {
    const prefix = this.#opts.prefixes?.[kind] ?? '';
    const batch = Math.max(1, this.#opts.batchSize ?? 64);
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += batch) {
      // Empty strings are rejected by OpenAI; a single space embeds as "nothing".
      const input = texts.slice(i, i + batch).map((t) => `${prefix}${t}`.trim() || ' ');
      const res = await postJson<EmbeddingsResponse>(
        this.#opts,
        '/embeddings',
        { model: this.#opts.model, input, encoding_format: 'float' },
        signal,
      );
      if (!Array.isArray(res?.data) || res.data.length !== input.length) {
        throw new Error(
          `Embeddings server at ${this.#opts.baseUrl} returned ${res?.data?.length ?? 'no'} vectors for ${input.length} inputs (model '${this.#opts.model}').`,
        );
      }
      for (const item of [...res.data].sort((a, b) => a.index - b.index))
        out.push(this.#vector(item.embedding));
    }
    return out;
  }

  #vector(values: number[]): Float32Array {
    if (this.#dimensions === 0) this.#dimensions = values.length;
    if (values.length !== this.#dimensions) {
      throw new Error(
        `Embedding model '${this.#opts.model}' returned ${values.length} dimensions, expected ${this.#dimensions}. Do not change the model behind a running index.`,
      );
    }
    return normalize(Float32Array.from(values));
  }
}

export function normalize(v: Float32Array): Float32Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i] * v[i];
  n = Math.sqrt(n);
  if (n > 0 && Math.abs(n - 1) > 1e-6) for (let i = 0; i < v.length; i++) v[i] /= n;
  return v;
}
