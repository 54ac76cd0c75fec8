import { basename, dirname } from 'node:path';
import type { Reranker } from '@llm-rag-yt/rag';

export interface TransformersRerankerOptions {
  /** Hub id of a cross-encoder with ONNX weights, e.g. 'Xenova/ms-marco-MiniLM-L-6-v2'. */
  model?: string;
  /** A local model folder (config.json, tokenizer.json, onnx/model*.onnx): nothing is downloaded. */
  modelPath?: string;
  cacheDir: string;
  dtype?: 'fp32' | 'q8';
}

const DEFAULT_MODEL = 'Xenova/ms-marco-MiniLM-L-6-v2';

interface Loaded {
  tokenizer: (q: string[], o: { text_pair: string[]; padding: boolean; truncation: boolean }) => unknown;
  model: (inputs: unknown) => Promise<{ logits: { data: ArrayLike<number>; dims: number[] } }>;
}

/**
 * A local cross-encoder with transformers.js: the question and each passage are read together
 * and the model's relevance logit is the score.
 */
export class TransformersReranker implements Reranker {
  readonly model: string;
  readonly #opts: TransformersRerankerOptions;
  readonly #modelId: string;
  #loaded: Promise<Loaded> | undefined;

  constructor(opts: TransformersRerankerOptions) {
    this.#opts = opts;
    this.#modelId = opts.modelPath
      ? basename(opts.modelPath.replace(/\/+$/, ''))
      : (opts.model ?? DEFAULT_MODEL);
    this.model = `transformers:${this.#modelId}`;
  }

  async rerank(query: string, passages: readonly string[], signal?: AbortSignal): Promise<number[]> {
    if (passages.length === 0) return [];
    const { tokenizer, model } = await this.#load();
    const scores: number[] = [];
    for (let i = 0; i < passages.length; i += 16) {
      signal?.throwIfAborted();
      const part = passages.slice(i, i + 16);
      const inputs = tokenizer(
        part.map(() => query),
        { text_pair: [...part], padding: true, truncation: true },
      );
      const { logits } = await model(inputs);
      const width = logits.dims[logits.dims.length - 1] ?? 1;
      // One logit per pair (ms-marco style); with two classes the second is "relevant".
      for (let r = 0; r < part.length; r++) scores.push(Number(logits.data[r * width + (width - 1)]));
    }
    return scores;
  }

  #load(): Promise<Loaded> {
    this.#loaded ??= this.#create().catch((e) => {
      this.#loaded = undefined;
      throw e;
    });
    return this.#loaded;
  }

  async #create(): Promise<Loaded> {
    const hf = await import('@huggingface/transformers');
    hf.env.cacheDir = this.#opts.cacheDir;
    if (this.#opts.modelPath) {
      hf.env.localModelPath = `${dirname(this.#opts.modelPath.replace(/\/+$/, ''))}/`;
      hf.env.allowLocalModels = true;
      hf.env.allowRemoteModels = false;
    }
    try {
      const opts = { cache_dir: this.#opts.cacheDir, local_files_only: Boolean(this.#opts.modelPath) };
      const tokenizer = await hf.AutoTokenizer.from_pretrained(this.#modelId, opts);
      const model = await hf.AutoModelForSequenceClassification.from_pretrained(this.#modelId, {
        ...opts,
        dtype: this.#opts.dtype ?? 'q8',
      });
      return {
        tokenizer: tokenizer as unknown as Loaded['tokenizer'],
        model: model as unknown as Loaded['model'],
      };
    } catch (cause) {
      throw new Error(
        `Cannot load reranker model '${this.#modelId}' ${this.#opts.modelPath ? `from ${this.#opts.modelPath}` : `into ${this.#opts.cacheDir}`}: ${cause instanceof Error ? cause.message : String(cause)}`,
        { cause },
      );
    }
  }
}
