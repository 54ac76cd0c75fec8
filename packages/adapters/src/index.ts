// Public entry point of the adapters package: one implementation per vendor, grouped by port.

export { OpenAiChatModel, type OpenAiChatOptions } from './openai-chat/openai-chat-model.ts';
export { OpenAiEmbedder, type OpenAiEmbedderOptions } from './openai-embed/openai-embedder.ts';
export { OpenAiHttpError } from './openai-embed/openai-http.ts';
export { PostgresSearchIndex } from './postgres-search/postgres-search-index.ts';
// — Search index and retrieval models —
export { SqliteSearchIndex } from './sqlite-search/sqlite-search-index.ts';
export {
  TransformersEmbedder,
  type TransformersEmbedderOptions,
} from './transformers-embed/transformers-embedder.ts';

// — Download, audio and transcription (getting text out of videos) —
export { FfmpegAudioConverter, type FfmpegConfig, MediaError, type MediaProblem, type MediaProbe } from './ffmpeg/index.ts';
export {
  YtDlpDownloader,
  type YtDlpConfig,
  DownloadFailedError,
  TransientDownloadError,
  type DownloadFailure,
  videoIdFor,
} from './ytdlp/index.ts';
export { OpenAiTranscriber, type OpenAiTranscriberConfig, TranscriptionServiceError } from './openai-transcribe/index.ts';
export {
  WhisperCppTranscriber,
  type WhisperCppConfig,
  ensureWhisperModel,
  DEFAULT_WHISPER_MODEL_BASE_URL,
  WHISPER_MODELS,
} from './whisper-cpp/index.ts';
export { FakeTranscriber, type FakeTranscriberConfig } from './fake-asr/index.ts';
