// Public entry point of the RAG domain, grouped by audience.

// — Captions (VTT, SRT, YouTube json3) —
export {
  type CaptionFormat,
  CaptionParseError,
  dedupeRollingCaptions,
  detectCaptionFormat,
  parseCaptions,
  SUPPORTED_CAPTION_FORMATS,
} from './captions/index.ts';
export { createRagDefinitions, type RagDefinitionSet } from './pipeline/definitions.ts';
export { isMediaFile, localVideoId, MEDIA_EXTENSIONS } from './pipeline/local-media.ts';
export type { RagResources, RagSettings } from './pipeline/resources.ts';
export { VIDEO_PARTITIONS } from './pipeline/resources.ts';
export { executePipelineJobs, YOUTUBE_JOB_TYPES } from './pipeline/sensors/pipeline-jobs-executor.ts';
// — Pipeline pieces (tests, tools) —
export { requestRunKey, requestRunTags } from './pipeline/sensors/youtube-url-sensor.ts';
export type * from './ports.ts';
export { createRagService, type RagServiceDeps, type RagSubmitResult } from './service/rag-service.ts';
export * from './service/types.ts';
// — Store rows and repositories (read models for the API and the bot) —
export type { AudioFile, AudioStatus } from './store/audio-files.ts';
export type { PipelineJob, PipelineJobStatus } from './store/pipeline-jobs.ts';
// — Composition (CLI, server, bot) —
export { createRagStore, type RagStore } from './store/rag-store.ts';
export type { NewRequest, RequestFilter, RequestPatch } from './store/requests.ts';
export type { ApiLogEntry, User, UserQuery } from './store/users.ts';
// — Links —
export { deepLink, InvalidVideoUrlError, isVideoId, parseVideoUrl, safeFileName } from './youtube/index.ts';
