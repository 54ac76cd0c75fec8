import type { AlertSeverity, Chapter, TranscriptSegment } from '../ports.ts';
import type { VideoSummary } from '../store/summaries.ts';
import type { RangeSummary, TimeRange } from '../summaries/range.ts';
import type { TranscriptImport } from './import-many.ts';

/*
 * The RAG application's use cases as the CLI, HTTP API and Telegram bot see them.
 * Implemented in service/rag-service.ts over the store, the search index and the orchestrator Instance.
 */

export type RequestStatus = 'pending' | 'processing' | 'completed' | 'failed';
/** Progress stages shown to users, with the bot's percentages. */
export type RequestStage =
  | 'validating'
  | 'downloading'
  | 'transcribing'
  | 'processing'
  | 'embedding'
  | 'done'
  | 'failed';

export const STAGE_PERCENT: Readonly<Record<RequestStage, number>> = Object.freeze({
  validating: 0,
  downloading: 20,
  transcribing: 50,
  processing: 70,
  embedding: 90,
  done: 100,
  failed: 100,
});

export interface YoutubeRequest {
  id: number;
  url: string;
  videoId: string | null;
  userId: number | null;
  /** Telegram chat to report progress to, when the request came from the bot. */
  chatId: number | null;
  status: RequestStatus;
  stage: RequestStage;
  error: string | null;
  /** true when retrying would not help (bad URL, private video, corrupt media). */
  errorPermanent: boolean;
  language: string;
  force: boolean;
  attempts: number;
  runId: string | null;
  source: 'cli' | 'api' | 'bot' | 'pipeline_jobs' | 'import' | 'web' | 'subscription';
  /** Queue order among pending requests (higher first): hand-sent 0, subscription uploads -10, backfill -20. */
  priority: number;
  createdAt: number;
  updatedAt: number;
  /** Per-stage timings in ms, e.g. { downloading: 1200 }. */
  timings: Record<string, number>;
}

export interface Video {
  videoId: string;
  source: string;
  url: string;
  title: string;
  channel: string | null;
  durationSeconds: number | null;
  uploadDate: string | null;
  description?: string | null;
  language: string | null;
  transcriptSource: string | null;
  status: 'downloaded' | 'transcribed' | 'indexed' | 'failed';
  chunkCount: number;
  embeddingModel: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface Citation {
  videoId: string;
  title: string;
  channel: string | null;
  start: number;
  end: number;
  /** https://youtu.be/ID?t=123 (or the source URL with a time fragment for other sites). */
  url: string;
  snippet: string;
  score: number;
  chunkId: number;
  /** Title of the video's chapter this passage starts in; null when the video has no chapters. */
  chapter?: string | null;
  /**
   * The matched sentences: what `start`/`end` and `url` point at. `context` is the whole passage
   * the search found. Absent on citations stored before evidence spans existed.
   */
  evidence?: { start: number; end: number; text: string };
  context?: { start: number; end: number };
  /** 0..1: how much of the question the evidence covers (what the relevance threshold compares). */
  relevance?: number;
}

export interface AskResult {
  question: string;
  answer: string;
  /** 'llm:<model>' or 'extractive'. */
  mode: string;
  /** 'hybrid' | 'lexical' — lexical when no embedder is configured (the answer says so). */
  retrieval: 'hybrid' | 'lexical';
  citations: Citation[];
  latencyMs: number;
  queryId: number;
}

/** One earlier turn of a conversation (chat front ends send the whole conversation). */
export interface ConversationTurn {
  role: 'user' | 'assistant';
  content: string;
}

export interface AskOptions {
  /**
   * Earlier turns, oldest first: the chat model sees them as the conversation, and when the question
   * alone finds nothing (a follow-up like "and why?") the previous user turns join the search query.
   */
  history?: readonly ConversationTurn[];
  topK?: number;
  videoId?: string;
  channel?: string;
  userId?: number;
  source?: 'cli' | 'api' | 'bot' | 'web' | 'eval';
  /** 'lexical' searches full text only even when an embedder is configured (eval compares modes). */
  retrieval?: 'lexical' | 'hybrid';
  signal?: AbortSignal;
}

export interface SearchOptions {
  topK?: number;
  videoId?: string;
  channel?: string;
  signal?: AbortSignal;
}

/** Moments of videos matching a query (no answer is composed): what an assistant's `search` tool returns. */
export interface SearchResult {
  query: string;
  retrieval: 'hybrid' | 'lexical';
  /** Why search is lexical although an embedder exists; null otherwise. */
  notice: string | null;
  /** Best first; the same shape as an answer's citations (title, time range, deep link, snippet, score). */
  moments: Citation[];
}

export interface SubmitOptions {
  userId?: number;
  chatId?: number;
  language?: string;
  force?: boolean;
  source?: YoutubeRequest['source'];
}

export interface SubmitResult {
  /** One per video after playlist/channel expansion; duplicates of already-indexed videos are reported, not re-ingested (unless force). */
  requests: YoutubeRequest[];
  /** URLs rejected before download with the reason. */
  rejected: { url: string; reason: string }[];
  /** Video ids already indexed, so not queued again (submit with `force` to re-ingest). */
  alreadyIndexed?: string[];
}

export interface Alert {
  id: number;
  type: string;
  severity: AlertSeverity;
  title: string;
  message: string;
  details: Record<string, unknown>;
  fingerprint: string;
  status: 'open' | 'acknowledged' | 'resolved';
  createdAt: number;
  updatedAt: number;
  resolvedAt: number | null;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
}

export interface RagService {
  submitUrls(urls: readonly string[], opts?: SubmitOptions): Promise<SubmitResult>;
  getRequest(id: number): Promise<YoutubeRequest | undefined>;
  listRequests(opts?: { status?: RequestStatus; userId?: number; limit?: number }): Promise<YoutubeRequest[]>;
  /** Re-queues a failed request. */
  retryRequest(id: number): Promise<YoutubeRequest>;
  /** Cancels the user's pending/processing requests and their runs; returns how many. */
  cancelRequests(opts: { userId?: number; requestIds?: number[] }): Promise<number>;
  ask(question: string, opts?: AskOptions): Promise<AskResult>;
  /** Hybrid search without composing an answer (nothing is recorded in the query log). */
  search(query: string, opts?: SearchOptions): Promise<SearchResult>;
  feedback(input: { queryId: number; userId?: number; rating: 1 | -1; comment?: string }): Promise<void>;
  /** Newest first; `text` matches title or channel, case-insensitively. */
  listVideos(opts?: { limit?: number; channel?: string; text?: string }): Promise<Video[]>;
  getVideo(videoId: string): Promise<Video | undefined>;
  removeVideo(videoId: string): Promise<boolean>;
  transcript(videoId: string): Promise<TranscriptSegment[]>;
  /** The video's chapters (from its metadata or description timestamps); [] when none. */
  chapters(videoId: string): Promise<Chapter[]>;
  /** The video's stored summary (made by the video_summaries asset), if any. */
  summary(videoId: string): Promise<VideoSummary | undefined>;
  /**
   * A summary of part of a video (not stored), e.g. `/summary URL 10:00-20:00`.
   * @throws NotFoundError for an unknown video, InvalidInputError when nothing is said in the range
   */
  summarizeRange(videoId: string, range: TimeRange, opts?: { signal?: AbortSignal }): Promise<RangeSummary>;
  /** Imports a local media file or a transcript file (vtt/srt/json3). */
  importFile(
    path: string,
    opts?: { videoId?: string; title?: string; language?: string },
  ): Promise<YoutubeRequest>;
  /** Imports many transcript files as one run (a `videos.jsonl` manifest or a folder). */
  importTranscripts(
    items: readonly TranscriptImport[],
  ): Promise<{ runId: string | null; requests: YoutubeRequest[] }>;
  listAlerts(opts?: { status?: Alert['status']; limit?: number }): Promise<Alert[]>;
  acknowledgeAlert(id: number, by: string): Promise<Alert>;
  resolveAlert(id: number): Promise<Alert>;
  /** Counts for /status: videos, chunks, requests by status, queue depth. */
  stats(): Promise<{
    videos: number;
    chunks: number;
    requests: Record<RequestStatus, number>;
    queuedRuns: number;
    embedder: string | null;
  }>;
}
