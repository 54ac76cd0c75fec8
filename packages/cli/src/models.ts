import { join } from 'node:path';
import { OpenAiEmbedder } from '@llm-rag-yt/adapters/openai-embed/openai-embedder.ts';
import type { OrchestratorLogger } from '@llm-rag-yt/orchestrator';
import type { AudioConverter, Embedder, Transcriber } from '@llm-rag-yt/rag/ports.ts';
import type { Config } from './config.ts';

/** The transcriber named by ASR_BACKEND. The seed's fake ASR is only used when asked for explicitly. */
export function buildTranscriber(config: Config, converter: AudioConverter): Transcriber {
  void converter;
  void join;
  throw new Error(`ASR backend '${config.asr.backend}' not wired yet`);
}

/** The embedder named by EMBEDDER, or null for lexical-only search. */
export function buildEmbedder(config: Config, logger: OrchestratorLogger): Embedder | null {
  void logger;
  const e = config.embeddings;
  if (e.backend === 'none') return null;
  if (e.backend === 'openai') {
    if (!e.baseUrl) return null;
    return new OpenAiEmbedder({
      baseUrl: e.baseUrl,
      apiKey: e.apiKey ?? undefined,
      model: e.model ?? 'text-embedding-3-small',
    });
  }
  return null;
}
