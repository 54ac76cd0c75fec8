import { createRequire } from 'node:module';
import { NonRetriableError } from '@llm-rag-yt/orchestrator';
import type { OnProgress, Transcriber, Transcript } from '@llm-rag-yt/rag';
import { ensureWhisperModel, type WhisperModelSource, whisperModelLocation } from './model-file.ts';

/** The slice of @fugood/whisper.node we use; its types stay inside this folder. */
interface WhisperContextLike {
  transcribeFile(
    path: string,
    options: {
      language?: string;
      maxThreads?: number;
      temperature?: number;
      onProgress?: (p: number) => void;
    },
  ): {
    stop: () => Promise<void>;
    promise: Promise<{
      language?: string;
      result: string;
      segments: { text: string; t0: number; t1: number }[];
      isAborted: boolean;
    }>;
  };
  release(): Promise<void>;
}

export interface WhisperCppConfig extends WhisperModelSource {
  /** CPU threads for inference. Default: 4. */
  threads?: number;
  useGpu?: boolean;
  /** Progress of the one-time model download (e.g. to draw a progress bar). */
  onModelDownloadProgress?: OnProgress;
}

/**
 * Local speech recognition with whisper.cpp through @fugood/whisper.node. The model file comes
 * from `modelPath`, or is downloaded once into `<dataDir>/models` on first use. One context is
 * loaded lazily and reused; transcriptions run one at a time (a context is not re-entrant).
 *
 * @example
 * const t = new WhisperCppTranscriber({ model: 'base', dataDir: '/data' });
 * const { segments } = await t.transcribe('/data/audio/abc.wav', { language: 'auto' });
 */
export class WhisperCppTranscriber implements Transcriber {
  readonly name: string;
  private readonly config: WhisperCppConfig;
  private context: Promise<WhisperContextLike> | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(config: WhisperCppConfig) {
    this.config = config;
    this.name = `whisper.cpp:${config.model}`;
  }

  async check(): Promise<{ name: string; version: string; detail?: string }> {
    const { path, url } = whisperModelLocation(this.config);
    return {
      name: 'whisper.cpp',
      version: bindingVersion(),
      detail: url
        ? `model ${this.config.model} at ${path} (downloaded from ${url} on first use if missing)`
        : `model file ${path}`,
    };
  }

  transcribe(
    wavPath: string,
    opts: { language: string; signal?: AbortSignal; onProgress?: OnProgress },
  ): Promise<Transcript> {
    const run = this.queue.then(() => this.run(wavPath, opts));
    this.queue = run.catch(() => {});
    return run;
  }

  /** Frees the native model memory; the next transcribe loads it again. */
  async release(): Promise<void> {
    const ctx = this.context;
    this.context = null;
    if (ctx) await (await ctx.catch(() => null))?.release();
  }

  private async run(
    wavPath: string,
    opts: { language: string; signal?: AbortSignal; onProgress?: OnProgress },
  ): Promise<Transcript> {
    opts.signal?.throwIfAborted();
    const ctx = await this.load(opts.signal);
    const language = !opts.language || opts.language === 'auto' ? 'auto' : opts.language;
    const { stop, promise } = ctx.transcribeFile(wavPath, {
      language,
      maxThreads: this.config.threads ?? 4,
      temperature: 0,
      onProgress: (p) =>
        opts.onProgress?.({ fraction: Math.min(1, p / 100), message: `transcribing ${Math.round(p)}%` }),
    });
    const onAbort = () => void stop().catch(() => {});
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const result = await promise;
      if (result.isAborted || opts.signal?.aborted)
        throw opts.signal?.reason ?? new Error('whisper.cpp transcription was stopped');
      return {
        language:
          result.language && result.language !== 'auto'
            ? result.language
            : language === 'auto'
              ? null
              : language,
        // whisper.node reports t0/t1 in milliseconds.
        segments: result.segments
          .map((s) => ({ start: s.t0 / 1000, end: s.t1 / 1000, text: s.text.replace(/\s+/g, ' ').trim() }))
          .filter((s) => s.text && !/^\[(BLANK_AUDIO|MUSIC|NO SPEECH)\]$/i.test(s.text)),
        source: this.name,
      };
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
    }
  }

  private load(signal?: AbortSignal): Promise<WhisperContextLike> {
    this.context ??= (async () => {
      const modelPath = await ensureWhisperModel(this.config, {
        onProgress: this.config.onModelDownloadProgress,
        signal,
      });
      const { initWhisper } = await import('@fugood/whisper.node');
      try {
        return (await initWhisper({
          filePath: modelPath,
          useGpu: this.config.useGpu ?? false,
        })) as unknown as WhisperContextLike;
      } catch (e) {
        throw new NonRetriableError(
          `whisper.cpp could not load the model '${modelPath}': ${(e as Error).message}. The file may be corrupt or not a ggml whisper model; delete it to download again.`,
          { cause: e },
        );
      }
    })();
    // A failed load must not stick: the next call tries again (e.g. after the network returns).
    this.context.catch(() => {
      this.context = null;
    });
    return this.context;
  }
}

function bindingVersion(): string {
  try {
    return (createRequire(import.meta.url)('@fugood/whisper.node/package.json') as { version: string })
      .version;
  } catch {
    return 'unknown';
  }
}
