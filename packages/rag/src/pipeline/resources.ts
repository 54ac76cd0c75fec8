import type { PartitionStorage, RunStorage } from '@llm-rag-yt/orchestrator';
import type { ChunkOptions } from '../chunking/chunk-segments.ts';
import type {
  AudioConverter,
  ChatModel,
  Downloader,
  Embedder,
  FeedReader,
  Messenger,
  Notifier,
  Reranker,
  Transcriber,
} from '../ports.ts';
import type { SearchIndex } from '../search/types.ts';
import type { RagStore } from '../store/rag-store.ts';

/** Plain settings the pipeline reads; the CLI's config module builds them. */
export interface RagSettings {
  /** Root data folder (downloads, captions, models). */
  readonly dataDir: string;
  /** Folder watched by audio_file_sensor; media dropped here gets transcribed and indexed. */
  readonly audioDir: string;
  /** Extra folders run config may name files in (IMPORT_DIRS), besides the audio and imports folders. */
  readonly importDirs?: readonly string[];
  /** Wanted caption / transcription languages in order, e.g. ['en', 'ru'] or ['auto']. */
  readonly languages: readonly string[];
  /** Longer media is rejected (non-retriable) before transcription. */
  readonly maxDurationSeconds: number;
  /** Delete the WAV once its transcript is stored (saves disk; re-transcription then re-downloads). */
  readonly deleteAudioAfterTranscription: boolean;
  /** Step retries of the download (network) step. Default 2. */
  readonly downloadRetries?: number;
  /** Seconds before the first download retry (exponential). Default 5. */
  readonly retryDelaySeconds?: number;
  /** Chunking of transcripts. */
  readonly chunking?: ChunkOptions;
  /** How answers are retrieved and cited. */
  readonly retrieval?: RetrievalSettings;
  /** Requests turned into runs per youtube_url_sensor tick. Default 20. */
  readonly sensorBatch?: number;
  /** Subscriptions (channels, playlists, feeds). */
  readonly subscriptions?: SubscriptionSettings;
  /** Summaries: the model's context in characters (long transcripts are summarised chapter by chapter). */
  readonly summaryContextChars?: number;
}

export interface SubscriptionSettings {
  /** Seconds between checks of one subscription. Default 900 (15 min). */
  readonly intervalSeconds?: number;
  /** Backfill requests released per sensor tick, and the most subscription requests pending at once. Default 5. */
  readonly backfillPerTick?: number;
  /** Entries listed per check of a playlist/channel through yt-dlp. Default 500. */
  readonly maxEntries?: number;
  /** Hour (UTC, 0–23) daily digests are sent. Default 9. */
  readonly digestHourUtc?: number;
}

export interface RetrievalSettings {
  /**
   * Below this relevance (0..1, see search/rerank) the answer says nothing relevant was found
   * instead of citing a weak match. null = always cite the best match.
   */
  readonly minRelevance?: number | null;
}

/**
 * Everything the RAG definitions need at run time, passed as the orchestrator's `resources`.
 * `orchestrator` is optional: when present, the pipeline adds dynamic partitions for videos it
 * discovers inside a run (playlists, generic pages) and reconciles requests whose run died.
 */
export interface RagResources {
  readonly store: RagStore;
  readonly searchIndex: SearchIndex;
  readonly downloader: Downloader;
  readonly converter: AudioConverter;
  readonly transcriber: Transcriber;
  readonly embedder: Embedder | null;
  readonly chat: ChatModel | null;
  /** Second-stage re-scoring of search candidates; null = lexical re-scoring. */
  readonly reranker?: Reranker | null;
  readonly notifiers: readonly Notifier[];
  readonly settings: RagSettings;
  readonly orchestrator?: { readonly runs: RunStorage; readonly partitions: PartitionStorage } | null;
  /** Reads RSS/Atom feeds for subscriptions; without one only playlists/channels via yt-dlp work. */
  readonly feedReader?: FeedReader | null;
  /** Tells subscribers about new videos (Telegram); without one, notices are only logged. */
  readonly messenger?: Messenger | null;
  /** Wakes a sensor now (cross-process), e.g. the URL sensor after a check queued requests. */
  readonly wake?: (sensorName: string) => Promise<void>;
}

/** Name of the dynamic partitions definition used by every per-video asset. */
export const VIDEO_PARTITIONS = 'videos';
