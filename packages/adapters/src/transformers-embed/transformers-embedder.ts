import { basename, dirname } from 'node:path';
import type { Embedder, OnProgress } from '@llm-rag-yt/rag';

export interface TransformersEmbedderOptions {
  /** Hub model id. Default 'Xenova/multilingual-e5-small' (384 dims, Russian + English). */
  model?: string;
  /** Where downloaded models are cached; put it in the data folder so it survives restarts. */
  cacheDir: string;
  /**
   * A local model folder (config.json, tokenizer.json, onnx/model*.onnx). When set, nothing is
   * downloaded; the hub is never contacted.
   */
  modelPath?: string;
  /** Texts per forward pass. Default 16 (CPU-friendly). */
  batchSize?: number;
  /** ONNX weights precision. Default 'q8' (quantised: 4× smaller, near-identical ranking). */
  dtype?: 'fp32' | 'fp16' | 'q8' | 'int8' | 'uint8' | 'q4';
  /** Known dimensions of the model; default 384 for e5-small, else detected on first use. */
  dimensions?: number;
  /** Download progress, forwarded from transformers.js. */
  onProgress?: OnProgress;
}

type FeatureExtractor = (
  texts: string[],
  opts: { pooling: 'mean'; normalize: boolean },
) => Promise<{ data: Float32Array | number[]; dims: number[] }>;

const DEFAULT_MODEL = 'Xenova/multilingual-e5-small';

/**
 * Local embeddings with transformers.js (ONNX Runtime on CPU). The model is downloaded once
 * into `cacheDir` on first use. E5 models want 'query: ' / 'passage: ' prefixes; mean pooling
 * and L2 normalisation follow the model card.
 *
 * @example
 * const e = new TransformersEmbedder({ cacheDir: '/data/models' });
 * const [q] = await e.embed(['what is orbit?'], 'query');
 */
export class TransformersEmbedder implements Embedder {
  readonly model: string;
  readonly #opts: TransformersEmbedderOptions;
  readonly #modelId: string;
  #dimensions: number;
  #extractor: Promise<FeatureExtractor> | undefined;

  constructor(opts: TransformersEmbedderOptions) {
    this.#opts = opts;
    this.#modelId = opts.modelPath
      ? basename(opts.modelPath.replace(/\/+$/, ''))
      : (opts.model ?? DEFAULT_MODEL);
    this.model = `transformers:${opts.model ?? (opts.modelPath ? this.#modelId : DEFAULT_MODEL)}`;
    this.#dimensions = opts.dimensions ?? (/e5-small/i.test(this.#modelId) ? 384 : 0);
  }

  get dimensions(): number {
    return this.#dimensions;
  }

  async embed(
    texts: readonly string[],
    kind: 'query' | 'passage',
    signal?: AbortSignal,
  ): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const extract = await this.#load();
    const prefix = /e5/i.test(this.#modelId) ? `${kind}: ` : '';
    const batch = Math.max(1, this.#opts.batchSize ?? 16);
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += batch) {
      signal?.throwIfAborted();
      const input = texts.slice(i, i + batch).map((t) => `${prefix}${t}`);
      const tensor = await extract(input, { pooling: 'mean', normalize: true });
      const dims = tensor.dims[tensor.dims.length - 1];
      if (this.#dimensions === 0) this.#dimensions = dims;
      const data = tensor.data instanceof Float32Array ? tensor.data : Float32Array.from(tensor.data);
      // Copy each row: the tensor's buffer is reused by ONNX Runtime between calls.
      for (let r = 0; r < input.length; r++) out.push(data.slice(r * dims, (r + 1) * dims));
    }
    return out;
  }

  #load(): Promise<FeatureExtractor> {
    this.#extractor ??= this.#create().catch((err) => {
      this.#extractor = undefined; // allow a retry after e.g. a network error
      throw err;
    });
    return this.#extractor;
  }

  async #create(): Promise<FeatureExtractor> {
    const hf = await import('@huggingface/transformers');
    hf.env.cacheDir = this.#opts.cacheDir;
    if (this.#opts.modelPath) {
      hf.env.localModelPath = `${dirname(this.#opts.modelPath.replace(/\/+$/, ''))}/`;
      hf.env.allowLocalModels = true;
      hf.env.allowRemoteModels = false;
    }
    const onProgress = this.#opts.onProgress;
    try {
      const pipe = await hf.pipeline('feature-extraction', this.#modelId, {
        cache_dir: this.#opts.cacheDir,
        dtype: this.#opts.dtype ?? 'q8',
        local_files_only: Boolean(this.#opts.modelPath),
        progress_callback: onProgress
          ? (p: { status?: string; progress?: number; file?: string }) => {
              if (p.status === 'progress' && typeof p.progress === 'number') {
                onProgress({ fraction: p.progress / 100, message: `downloading ${p.file ?? this.#modelId}` });
              }
            }
          : undefined,
      });
      return pipe as unknown as FeatureExtractor;
    } catch (cause) {
      const where = this.#opts.modelPath
        ? `from the local folder ${this.#opts.modelPath} (it needs config.json, tokenizer.json and onnx/model${this.#opts.dtype && this.#opts.dtype !== 'fp32' ? `_${this.#opts.dtype === 'q8' ? 'quantized' : this.#opts.dtype}` : ''}.onnx)`
        : `from the Hugging Face hub into ${this.#opts.cacheDir} (no network? download it elsewhere and set the model path)`;
      throw new Error(
        `Cannot load embedding model '${this.#modelId}' ${where}: ${cause instanceof Error ? cause.message : String(cause)}`,
        { cause },
      );
    }
  }
}
