/*
 * Ports of the YouTube-RAG domain. Adapters (packages/adapters/<vendor>/) implement them;
 * no vendor type crosses a port. SQL (Kysely, the toolkit the orchestrator's storage uses too)
 * stays in the domain's repositories (store/, monitoring/). All long operations take an AbortSignal.
 */

export interface ProgressEvent {
  /** 0..1 within the current stage, when known. */
  fraction?: number;
  message?: string;
}
export type OnProgress = (p: ProgressEvent) => void;

// ── Download ──────────────────────────────────────────────────────────────

export interface VideoMetadata {
  videoId: string;
  /** 'youtube' for YouTube ids; otherwise yt-dlp's extractor key lowercased, e.g. 'generic'. */
  source: string;
  url: string;
  title: string;
  channel: string | null;
  channelId: string | null;
  durationSeconds: number | null;
  /** YYYY-MM-DD when known. */
  uploadDate: string | null;
  description: string | null;
  language: string | null;
  /** Chapters from the source's metadata (yt-dlp `chapters`); absent or empty when it has none. */
  chapters?: Chapter[];
}

/** A titled section of a video, in seconds from its start. */
export interface Chapter {
  start: number;
  end: number;
  title: string;
}

export interface CaptionTrack {
  language: string;
  /** true for YouTube's automatic captions. */
  automatic: boolean;
  format: 'vtt' | 'srt' | 'json3' | 'srv3';
  path: string;
}

export interface DownloadResult {
  metadata: VideoMetadata;
  /** 16 kHz mono WAV (or null when captions were used and audio was not requested). */
  audioPath: string | null;
  audioBytes: number | null;
  /** Best caption in the wanted languages: manual first, then automatic. */
  captions: CaptionTrack | null;
}

export interface DownloadOptions {
  /** Wanted caption languages in order, e.g. ['en', 'ru']; 'auto' = the video's language then English. */
  languages: readonly string[];
  /** Download audio even when captions exist. */
  forceAudio: boolean;
  /** Reject media longer than this. */
  maxDurationSeconds: number;
  outputDir: string;
  signal?: AbortSignal;
  onProgress?: OnProgress;
}

export interface Downloader {
  /** Expands a playlist/channel URL to video URLs; a single video URL returns itself. */
  expand(url: string, signal?: AbortSignal): Promise<{ url: string; videoId: string; title?: string }[]>;
  download(url: string, opts: DownloadOptions): Promise<DownloadResult>;
  /** Version of the underlying tool, or throws a clear error explaining how to install it. */
  check(): Promise<{ name: string; version: string; path: string }>;
  /**
   * Cheap listing of a playlist or channel (yt-dlp's flat listing): newest/first `limit` entries,
   * without downloading anything. Subscriptions use it.
   */
  listEntries?(url: string, opts: { limit: number; signal?: AbortSignal }): Promise<FeedListing>;
}

// ── Feeds (subscriptions) ──────────────────────────────────────────────────

/** One entry of a channel, playlist or RSS/Atom feed. */
export interface FeedEntry {
  /** Stable identity: the video id, the feed's guid/id, or the link. */
  key: string;
  /** What yt-dlp is given: the page, the media enclosure or the watch URL. */
  url: string;
  title: string | null;
  /** Epoch ms when the feed says. */
  publishedAt: number | null;
  durationSeconds: number | null;
  /** 'is_live' | 'is_upcoming' | 'was_live' | 'not_live' when known. */
  liveStatus?: string | null;
  /** True when the source marks it a short (a /shorts/ link). */
  isShort?: boolean;
}

export interface FeedListing {
  title: string | null;
  /** YouTube channel id when the listing knows it (used to watch a channel through its feed). */
  channelId?: string | null;
  entries: FeedEntry[];
  /** How many entries the source has, when more than were listed. */
  totalEntries?: number | null;
}

export type FeedReadResult =
  | { notModified: true }
  | { notModified: false; etag: string | null; lastModified: string | null; listing: FeedListing };

/** Reads RSS/Atom feeds over HTTP, with conditional requests (ETag / Last-Modified). */
export interface FeedReader {
  read(
    url: string,
    opts?: { etag?: string | null; lastModified?: string | null; signal?: AbortSignal },
  ): Promise<FeedReadResult>;
}

// ── Audio / transcription ───────────────────────────────────────────────────

export interface AudioConverter {
  /** Converts any media file to 16 kHz mono WAV. Throws NonRetriableError for corrupt media or no audio track. */
  toWav16kMono(
    input: string,
    output: string,
    signal?: AbortSignal,
  ): Promise<{ path: string; durationSeconds: number; bytes: number }>;
  probeDuration(input: string, signal?: AbortSignal): Promise<number>;
  /** Splits a WAV into pieces of at most `maxSeconds` (for upload limits). */
  split(
    input: string,
    maxSeconds: number,
    outDir: string,
    signal?: AbortSignal,
  ): Promise<{ path: string; offsetSeconds: number }[]>;
  check(): Promise<{ name: string; version: string; path: string }>;
}

export interface TranscriptSegment {
  /** Seconds from the start of the video. */
  start: number;
  end: number;
  text: string;
}

export interface Transcript {
  language: string | null;
  segments: TranscriptSegment[];
  /** 'captions:manual' | 'captions:auto' | 'whisper.cpp:<model>' | 'openai:<model>' | 'fake' | 'import:<format>' */
  source: string;
}

export interface Transcriber {
  readonly name: string;
  /** language: ISO code or 'auto'. */
  transcribe(
    wavPath: string,
    opts: { language: string; signal?: AbortSignal; onProgress?: OnProgress },
  ): Promise<Transcript>;
  check(): Promise<{ name: string; version: string; detail?: string }>;
}

// ── Embeddings / search / answers ────────────────────────────────────────────

export interface Embedder {
  /** Stable identifier, e.g. 'transformers:Xenova/multilingual-e5-small'. Changing it re-embeds. */
  readonly model: string;
  readonly dimensions: number;
  /** kind distinguishes e5-style 'query: ' / 'passage: ' prefixes. Returns L2-normalised vectors. */
  embed(texts: readonly string[], kind: 'query' | 'passage', signal?: AbortSignal): Promise<Float32Array[]>;
}

/**
 * A second-stage scorer: reads the question with each candidate passage and scores how well the
 * passage answers it (a cross-encoder behind a /rerank endpoint, or a local model).
 */
export interface Reranker {
  /** e.g. 'http:BAAI/bge-reranker-base' or 'transformers:Xenova/ms-marco-MiniLM-L-6-v2'. */
  readonly model: string;
  /** One score per passage, same order; higher is more relevant (any scale). */
  rerank(query: string, passages: readonly string[], signal?: AbortSignal): Promise<number[]>;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatModel {
  readonly model: string;
  complete(
    messages: readonly ChatMessage[],
    opts?: { signal?: AbortSignal; maxTokens?: number; temperature?: number },
  ): Promise<string>;
}

// ── Notifications ────────────────────────────────────────────────────────────

export type AlertSeverity = 'info' | 'warning' | 'error' | 'critical';

export interface AlertMessage {
  alertId: number;
  type: string;
  severity: AlertSeverity;
  title: string;
  message: string;
  details: Record<string, unknown>;
  createdAt: number;
  /** 'firing' or 'resolved' */
  state: 'firing' | 'resolved';
  /** Stable name of the condition (e.g. PagerDuty's dedup_key); absent for ad-hoc messages. */
  fingerprint?: string;
}

export interface Notifier {
  /** Channel name: 'log' | 'telegram' | 'slack' | 'webhook' | 'pagerduty'. */
  readonly channel: string;
  send(alert: AlertMessage, signal?: AbortSignal): Promise<void>;
}

/** Sends a message to one Telegram chat (subscribers' new-video notices). `html`: Telegram's HTML subset. */
export interface Messenger {
  send(chatId: number, html: string, signal?: AbortSignal): Promise<void>;
}
