import { join } from 'node:path';
import {
  FakeTranscriber,
  OpenAiEmbedder,
  OpenAiTranscriber,
  TransformersEmbedder,
  WhisperCppTranscriber,
} from '@llm-rag-yt/adapters';
import type { OrchestratorLogger } from '@llm-rag-yt/orchestrator';
import type { AudioConverter, Embedder, Transcriber } from '@llm-rag-yt/rag';
import { type Config, ConfigError } from './config.ts';

/** The transcriber named by ASR_BACKEND. The seed's fake ASR is used only when asked for explicitly. */
export function buildTranscriber(
  config: Config,
  converter: AudioConverter,
  logger: OrchestratorLogger,
): Transcriber {
  const a = config.asr;
  switch (a.backend) {
    case 'openai':
      if (!a.baseUrl)
        throw new ConfigError(
          'ASR_BACKEND=openai needs TRANSCRIBE_BASE_URL (or OPENAI_BASE_URL), e.g. https://api.openai.com or a local faster-whisper server.',
        );
      return new OpenAiTranscriber({
        baseUrl: a.baseUrl,
        apiKey: a.apiKey ?? undefined,
        model: a.model,
        converter,
        workDir: join(config.dataDir, 'tmp'),
      });
    case 'fake':
      logger.warn(
        {},
        'ASR_BACKEND=fake: transcripts of videos without captions are placeholders (development only).',
      );
      return new FakeTranscriber();
    case 'whisper': {
      let lastLogged = -1;
      return new WhisperCppTranscriber({
        model: a.whisperModel,
        modelPath: a.whisperModelPath ?? undefined,
        dataDir: config.dataDir,
        onModelDownloadProgress: (p) => {
          const pct = Math.floor((p.fraction ?? 0) * 100);
          if (pct >= lastLogged + 10) {
            lastLogged = pct;
            logger.info(
              { model: a.whisperModel, percent: pct },
              `Downloading whisper model ${a.whisperModel}: ${pct}%`,
            );
          }
        },
      });
    }
  }
}

/** The embedder named by EMBEDDER, or null for lexical-only search. */
export function buildEmbedder(config: Config, logger: OrchestratorLogger): Embedder | null {
  const e = config.embeddings;
  switch (e.backend) {
    case 'none':
      return null;
    case 'openai':
      if (!e.baseUrl)
        throw new ConfigError('EMBEDDER=openai needs EMBEDDINGS_BASE_URL (or OPENAI_BASE_URL).');
      return new OpenAiEmbedder({
        baseUrl: e.baseUrl,
        apiKey: e.apiKey ?? undefined,
        model: e.model ?? 'text-embedding-3-small',
      });
    case 'transformers': {
      let lastLogged = -1;
      return new TransformersEmbedder({
        model: e.model ?? undefined,
        modelPath: e.modelPath ?? undefined,
        cacheDir: join(config.dataDir, 'models'),
        onProgress: (p) => {
          const pct = Math.floor((p.fraction ?? 0) * 100);
          if (pct >= lastLogged + 10) {
            lastLogged = pct;
            logger.info({ percent: pct }, `Downloading embedding model: ${pct}% ${p.message ?? ''}`);
          }
        },
      });
    }
  }
}
