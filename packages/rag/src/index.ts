// biome-ignore-all assist/source/organizeImports: exports are grouped by audience, not sorted by path.
// Public entry point of the RAG domain, grouped by audience. The only door into this package.

// — Ports (implemented by @llm-rag-yt/adapters) —
export type * from './ports.ts';
export type {
  IndexMeta,
  IndexStats,
  IndexVideoOptions,
  LexicalSearchOptions,
  SearchHit,
  SearchIndex,
  TermStats,
  VectorSearchOptions,
  VideoCatalog,
  VideoLabel,
} from './search/types.ts';
export type { DeliveryChannel } from './alerts/delivery.ts';

// — Helpers for search index adapters (query text, validation) —
export {
  allStems,
  EmptyQuestionError,
  type QueryTerm,
  queryTerms,
  searchText,
  stemWord,
  toFts5Match,
  toTsQuery,
} from './search/query.ts';
export { algorithmFor, stem, TEXT_SCHEME } from './search/stemming.ts';
export { searchScope, withVideoLabels } from './search/video-catalog.ts';
export {
  LEXICAL_WEIGHTS,
  type RetrievedHit,
  type RetrieveDeps,
  type RetrieveOptions,
  type RetrieveResult,
  retrieve,
} from './search/retrieve.ts';
export { type Sentence, splitIntoSentences } from './chunking/sentences.ts';
export { checkEmbeddings, countWords } from './search/validate.ts';
export { type Chunk, type ChunkOptions, chunkSegments } from './chunking/chunk-segments.ts';
export { hybridSearch, type HybridSearchOptions, type HybridSearchResult } from './search/hybrid.ts';
export { type Answer, type AnswerInput, answerQuestion } from './answer/answer-question.ts';
export { type CitedAnswer, citeClaims } from './answer/cite-claims.ts';

// — Answers: how citations are shown as text (MCP, OpenAI-compatible endpoint, bot) —
export { formatRange, formatSources, formatTime } from './answer/citations.ts';
// — Captions (VTT, SRT, YouTube json3) —
export {
  type CaptionFormat,
  CaptionParseError,
  dedupeRollingCaptions,
  detectCaptionFormat,
  parseCaptions,
  SUPPORTED_CAPTION_FORMATS,
} from './captions/index.ts';

// — Composition (CLI, server, bot) —
export { createRagDefinitions, type RagDefinitionSet } from './pipeline/definitions.ts';
export type { RagResources, RagSettings } from './pipeline/resources.ts';
export { VIDEO_PARTITIONS } from './pipeline/resources.ts';
export { REEMBED_TAG } from './pipeline/reembed.ts';
export { createMonitoringDefinitions } from './pipeline/monitoring/definitions.ts';
export { ALERT_DELIVERY_TAG, type MonitoringDeps } from './pipeline/monitoring/deps.ts';
export { createRagService, type RagServiceDeps, type RagSubmitResult } from './service/rag-service.ts';
export * from './service/types.ts';
export { createRagStore, type RagStore } from './store/rag-store.ts';
export { migrateRagStore, RAG_STORE_MIGRATIONS } from './store/migrations.ts';
export { MONITORING_MIGRATIONS, type MonitoringDb, migrateMonitoring } from './monitoring/migrations.ts';

// — Monitoring read models (server, bot) and alert tools (tests) —
export { latestMetricsSnapshot, listMetricsHistory } from './monitoring/metrics-history.ts';
export {
  createScrapeSource,
  type QuestionRow,
  type ScrapeSource,
} from './monitoring/scrape-source.ts';
export { syncAlerts } from './alerts/alert-store.ts';
export { evaluateAlertRules, ruleScope } from './alerts/rules.ts';
export {
  backoffDelayMs,
  deliverPendingAlerts,
  hasUndeliveredAlerts,
  listDeliveries,
} from './alerts/delivery.ts';

// — Pipeline pieces (tests, tools) —
export { isMediaFile, localVideoId, MEDIA_EXTENSIONS } from './pipeline/local-media.ts';
export { executePipelineJobs, YOUTUBE_JOB_TYPES } from './pipeline/sensors/pipeline-jobs-executor.ts';
export { requestRunKey, requestRunTags } from './pipeline/sensors/youtube-url-sensor.ts';

// — Store rows and repositories (read models for the API and the bot) —
export type { AudioFile, AudioStatus } from './store/audio-files.ts';
export type { PipelineJob, PipelineJobStatus } from './store/pipeline-jobs.ts';
export type { NewRequest, RequestFilter, RequestPatch } from './store/requests.ts';
export { REQUEST, canRequestTransition } from './store/request-lifecycle.ts';
export type { RequestTransition } from './store/request-lifecycle.ts';
export { intakeUrl } from './service/intake.ts';
export type { IntakeResult } from './service/intake.ts';
export type { ApiLogEntry, User, UserQuery } from './store/users.ts';

// — Subscriptions (channels, playlists, feeds) and summaries —
export type {
  EntryStatus,
  NotifyMode,
  Subscription,
  SubscriptionEntry,
  SubscriptionFilters,
  SubscriptionKind,
} from './store/subscriptions.ts';
export type { ChapterSummary, KeyPoint, VideoSummary } from './store/summaries.ts';
export { parseTimeRange, type RangeSummary, type TimeRange } from './summaries/range.ts';
export { chapterAt, chaptersFor, parseDescriptionChapters } from './chapters/chapters.ts';
export { BACKFILL_PRIORITY, FRESH_PRIORITY } from './subscriptions/check.ts';
export { resolveSubscriptionUrl } from './subscriptions/resolve.ts';
export {
  createSubscriptionService,
  DuplicateSubscriptionError,
  type SubscribeOptions,
  type SubscriptionService,
  type SubscriptionView,
} from './subscriptions/service.ts';
// — Links —
export {
  deepLink,
  IMPORT_ID_RULE,
  InvalidVideoUrlError,
  isValidImportId,
  isVideoId,
  parseVideoUrl,
  safeFileName,
  videoPathSegment,
} from './youtube/index.ts';
// — Evaluation (`llm-rag-yt eval`) and bulk import —
export {
  type EvalQuestion,
  type EvalSet,
  EvalSetError,
  loadEvalSet,
  readVideoManifest,
  sampleQuestions,
} from './eval/eval-set.ts';
export { type EvalMetrics, judge, LINK_SLACK_SECONDS, linkStart, summarise } from './eval/metrics.ts';
export {
  type EvalModeReport,
  type EvalQuestionDetail,
  type EvalReport,
  type RetrievalMode,
  runEval,
} from './eval/run-eval.ts';
export type { TranscriptImport } from './service/import-many.ts';
