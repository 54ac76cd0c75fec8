// biome-ignore-all assist/source/organizeImports: exports are grouped by port, not sorted by path.
// Public entry point of the adapters package: one implementation per vendor, grouped by port.
// The only door into this package.

// — Outbound connections to user-named hosts (SSRF fence) —
export {
  EgressPolicy,
  type EgressPolicyOptions,
  type EgressProxy,
  EgressRefusedError,
  type GuardedFetchInit,
  guardedFetch,
  startEgressProxy,
} from './egress/index.ts';
export { FakeTranscriber, type FakeTranscriberConfig } from './fake-asr/index.ts';
// — Feeds (subscriptions) —
export {
  FeedFetchError,
  FeedParseError,
  HttpFeedReader,
  type HttpFeedReaderOptions,
  parseFeed,
} from './feeds/index.ts';
// — Download, audio and transcription (getting text out of videos) —
export {
  FfmpegAudioConverter,
  type FfmpegConfig,
  MediaError,
  type MediaProbe,
  type MediaProblem,
} from './ffmpeg/index.ts';
export { OpenAiChatModel, type OpenAiChatOptions } from './openai-chat/openai-chat-model.ts';
export { OpenAiEmbedder, type OpenAiEmbedderOptions } from './openai-embed/openai-embedder.ts';
export { OpenAiHttpError } from './shared/openai-http.ts';
export {
  OpenAiTranscriber,
  type OpenAiTranscriberConfig,
  TranscriptionServiceError,
} from './openai-transcribe/index.ts';
export { PostgresSearchIndex } from './postgres-search/postgres-search-index.ts';
export { POSTGRES_SEARCH_MIGRATIONS } from './postgres-search/migrations.ts';
export {
  HttpReranker,
  type HttpRerankerOptions,
  RerankerError,
  scoresFrom,
} from './rerank/http-reranker.ts';
export { TransformersReranker, type TransformersRerankerOptions } from './rerank/transformers-reranker.ts';
// — Search index and retrieval models —
export { SqliteSearchIndex } from './sqlite-search/sqlite-search-index.ts';
export { SQLITE_SEARCH_MIGRATIONS } from './sqlite-search/migrations.ts';
export {
  TransformersEmbedder,
  type TransformersEmbedderOptions,
} from './transformers-embed/transformers-embedder.ts';
export {
  DEFAULT_WHISPER_MODEL_BASE_URL,
  ensureWhisperModel,
  WHISPER_MODELS,
  type WhisperCppConfig,
  WhisperCppTranscriber,
} from './whisper-cpp/index.ts';
export {
  classifyYtDlpError,
  DEFAULT_MIN_YTDLP_VERSION,
  DEFAULT_YTDLP_MAX_AGE_DAYS,
  DEFAULT_YTDLP_RELEASE_URL,
  describeFreshness,
  DownloadFailedError,
  type DownloadFailure,
  type InstallProgress,
  installYtDlp,
  isOlderThan,
  type ManagedYtDlp,
  probeYtDlp,
  readManaged,
  requiredYtDlpVersion,
  type SharedSiteSlots,
  type SiteLeases,
  TransientDownloadError,
  versionAgeDays,
  videoIdFor,
  type YtDlpConfig,
  YtDlpDownloader,
  type YtDlpFreshness,
  YtDlpInstallError,
  YtDlpProvisioner,
  type YtDlpStatus,
  ytDlpTooOld,
} from './ytdlp/index.ts';

// — Alert notifiers —
export { createPagerDutyNotifier, type PagerDutyNotifierConfig } from './notify-pagerduty/index.ts';
export { createSlackNotifier, type SlackNotifierConfig } from './notify-slack/index.ts';
export {
  createTelegramMessenger,
  createTelegramNotifier,
  type TelegramNotifierConfig,
} from './notify-telegram/index.ts';
export { createWebhookNotifier, type WebhookNotifierConfig } from './notify-webhook/index.ts';

// — Local video site (demo and end-to-end tests) —
export { startVideoPageServer, type TestVideo, type VideoPageServer } from './local-video-site/index.ts';
