import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ConflictError,
  errorMessage,
  type Instance,
  InvalidInputError,
  isTerminal,
  NotFoundError,
} from '@llm-rag-yt/orchestrator';
import * as alerts from '../alerts/alert-store.ts';
import { answerQuestion } from '../answer/answer-question.ts';
import { toCitation } from '../answer/citations.ts';
import type { RagResources } from '../pipeline/resources.ts';
import { requestRunTags } from '../pipeline/sensors/youtube-url-sensor.ts';
import { type RetrieveDeps, type RetrieveOptions, retrieve } from '../search/retrieve.ts';
import { REQUEST } from '../store/request-lifecycle.ts';
import { summarizeRange } from '../summaries/range.ts';
import { videoPathSegment } from '../youtube/safe-file-name.ts';
import { importFile } from './import-file.ts';
import { importTranscripts } from './import-many.ts';
import { submitUrls } from './submit-urls.ts';
import type {
  AskOptions,
  AskResult,
  RagService,
  RequestStatus,
  SearchOptions,
  SearchResult,
  SubmitResult,
  YoutubeRequest,
} from './types.ts';

/** What submitUrls returns: the shared result, always with `alreadyIndexed`, plus how many requests are new. */
export interface RagSubmitResult extends SubmitResult {
  alreadyIndexed: string[];
  created: number;
}

export interface RagServiceDeps {
  resources: RagResources;
  /** The orchestrator (runs, wake-ups). Imports run through it so they show as runs. */
  instance: Instance;
  /** Clock, for tests. */
  now?: () => number;
}

const MAX_QUESTION_CHARS = 2000;
const MAX_TOP_K = 50;

function checkQuestion(question: string): string {
  const q = (question ?? '').trim();
  if (q.length > MAX_QUESTION_CHARS) {
    throw new InvalidInputError(
      `The question is ${q.length} characters long; ask in at most ${MAX_QUESTION_CHARS}.`,
    );
  }
  return q;
}

function clampTopK(topK: number | undefined): number {
  return Math.min(Math.max(1, Math.floor(topK ?? 5)), MAX_TOP_K);
}

function searchFilter(k: number, opts: SearchOptions) {
  return {
    k,
    ...(opts.videoId ? { videoIds: [opts.videoId] } : {}),
    ...(opts.channel ? { channel: opts.channel } : {}),
    signal: opts.signal,
  };
}

/**
 * The RAG use cases behind the CLI, the HTTP API and the Telegram bot.
 *
 * @example
 * const rag = createRagService({ resources, instance });
 * const { requests } = await rag.submitUrls(['https://youtu.be/dQw4w9WgXcQ'], { source: 'cli' });
 * const { answer, citations } = await rag.ask('what is the song about?');
 */
function retrieveOptions(k: number, opts: SearchOptions, minRelevance?: number | null): RetrieveOptions {
  return { ...searchFilter(k, opts), minRelevance: minRelevance ?? null };
}

export function createRagService(deps: RagServiceDeps): RagService {
  const { resources, instance } = deps;
  const { store, searchIndex } = resources;
  const now = deps.now ?? Date.now;
  const minRelevance = resources.settings.retrieval?.minRelevance ?? null;

  /** What retrieval reads besides the index: video rows (titles, language) and transcript segments. */
  function retrieveDeps(embedder: RagResources['embedder']): RetrieveDeps {
    return {
      index: searchIndex,
      embedder,
      reranker: resources.reranker ?? null,
      videos: async (ids) => new Map((await store.videos.getMany(ids)).map((v) => [v.videoId, v])),
      segments: (id, from, to) => store.videos.segmentsBetween(id, from, to),
    };
  }

  /** Starts the URL sensor at once instead of within 30 s; never fails the caller's request. */
  async function wake(): Promise<void> {
    await instance.wake('youtube_url_sensor').catch(() => {});
  }

  async function cancelRunOf(r: YoutubeRequest): Promise<void> {
    const runId =
      r.runId ??
      (await instance.storage.runs.listRuns({ tags: requestRunTags(r), limit: 1 }))[0]?.runId ??
      null;
    if (!runId) return;
    const run = await instance.storage.runs.getRun(runId);
    if (run && !isTerminal(run.status)) await instance.cancelRun(runId).catch(() => {});
  }

  return {
    async submitUrls(urls, opts = {}): Promise<RagSubmitResult> {
      const result = await submitUrls(store, urls, opts);
      if (result.created > 0) await wake();
      return result;
    },

    getRequest: (id) => store.requests.get(id),

    listRequests: (opts = {}) => store.requests.list(opts),

    async retryRequest(id) {
      const r = await store.requests.get(id);
      if (!r) throw new NotFoundError(`Request ${id} does not exist.`);
      if (r.status !== 'failed') {
        throw new ConflictError(`Request ${id} is ${r.status}; only failed requests can be retried.`);
      }
      const updated = await store.requests.transition(id, REQUEST.retry, {
        stage: 'validating',
        error: null,
        errorPermanent: false,
        runId: null,
      });
      if (!updated) throw new ConflictError(`Request ${id} is no longer failed; it was retried already.`);
      await wake();
      return updated;
    },

    async cancelRequests(opts) {
      const targets: YoutubeRequest[] = [];
      if (opts.requestIds?.length) {
        for (const id of opts.requestIds) {
          const r = await store.requests.get(id);
          if (r && (opts.userId === undefined || r.userId === opts.userId)) targets.push(r);
        }
      } else if (opts.userId !== undefined) {
        targets.push(
          ...(await store.requests.list({
            userId: opts.userId,
            statuses: ['pending', 'processing'],
            limit: 1000,
          })),
        );
      } else {
        throw new InvalidInputError(
          'cancelRequests needs requestIds or a userId; refusing to cancel every request.',
        );
      }
      let n = 0;
      for (const r of targets) {
        const canceled = await store.requests.transition(r.id, REQUEST.cancel, {
          stage: 'failed',
          error: 'Canceled by the user.',
          errorPermanent: true,
        });
        if (!canceled) continue; // finished meanwhile
        await cancelRunOf(r);
        n++;
      }
      return n;
    },

    async ask(question: string, opts: AskOptions = {}): Promise<AskResult> {
      const started = now();
      const q = checkQuestion(question);
      const k = clampTopK(opts.topK);
      // Throws EmptyQuestionError (clear message) for empty or symbol-only questions; user text never reaches FTS syntax.
      const embedder = opts.retrieval === 'lexical' ? null : resources.embedder;
      let search = await retrieve(retrieveDeps(embedder), q, retrieveOptions(k, opts, minRelevance));
      const earlier = (opts.history ?? []).filter((t) => t.role === 'user').map((t) => t.content.trim());
      if (search.hits.length === 0 && earlier.length > 0) {
        // A follow-up ("and why?") names nothing itself: search again with what the user asked before.
        const context = `${earlier.slice(-2).join(' ')} ${q}`.slice(-MAX_QUESTION_CHARS);
        search = await retrieve(retrieveDeps(embedder), context, retrieveOptions(k, opts, minRelevance));
      }
      const answer = await answerQuestion({
        question: q,
        hits: search.hits,
        chat: resources.chat,
        retrieval: search.retrieval,
        retrievalNotice: search.notice,
        chapters: await store.videos.chaptersOf(search.hits.map((h) => h.videoId)),
        history: opts.history,
        belowThreshold: search.belowThreshold,
        signal: opts.signal,
      });
      const latencyMs = now() - started;
      const queryId = await store.queries.add({
        userId: opts.userId ?? null,
        query: q,
        answer: answer.answer,
        mode: answer.mode,
        retrieval: search.retrieval,
        latencyMs,
        source: opts.source ?? 'cli',
        citations: answer.citations,
      });
      if (opts.userId !== undefined) {
        await store.activity.add({
          userId: opts.userId,
          action: 'ask',
          details: { queryId, citations: answer.citations.length },
        });
      }
      return {
        question: q,
        answer: answer.answer,
        mode: answer.mode,
        retrieval: search.retrieval,
        citations: answer.citations,
        latencyMs,
        queryId,
      };
    },

    async search(query, opts = {}): Promise<SearchResult> {
      const q = checkQuestion(query);
      const result = await retrieve(
        retrieveDeps(resources.embedder),
        q,
        retrieveOptions(clampTopK(opts.topK), opts, minRelevance),
      );
      const chapters = await store.videos.chaptersOf(result.hits.map((h) => h.videoId));
      return {
        query: q,
        retrieval: result.retrieval,
        notice: result.notice,
        moments: result.hits.map((h) => toCitation(h, chapters.get(h.videoId))),
      };
    },

    async feedback(input) {
      if (input.rating !== 1 && input.rating !== -1) {
        throw new InvalidInputError(
          `Feedback rating must be 1 (helpful) or -1 (not helpful), got ${input.rating}.`,
        );
      }
      if (!(await store.queries.get(input.queryId)))
        throw new NotFoundError(`Query ${input.queryId} does not exist.`);
      await store.queries.addFeedback(input);
    },

    listVideos: (opts = {}) => store.videos.list(opts),

    getVideo: (videoId) => store.videos.get(videoId),

    async removeVideo(videoId) {
      const video = await store.videos.get(videoId);
      const hadChunks = await searchIndex.deleteVideo(videoId);
      const files = [
        ...(await store.audioFiles.deleteForVideo(videoId)).map((a) => a.path),
        ...(await store.videos.transcriptFiles(videoId)).map((t) => t.path),
      ];
      const existed = await store.videos.delete(videoId);
      for (const f of files) await rm(f, { force: true }).catch(() => {});
      const known = Boolean(video) || existed || hadChunks;
      // Only a video that existed has a downloads folder to clear; its name is the id's own
      // (reversible) segment, so no other video's folder can be meant.
      if (known)
        await rm(join(resources.settings.dataDir, 'downloads', videoPathSegment(videoId)), {
          recursive: true,
          force: true,
        });
      return known;
    },

    transcript: (videoId) => store.videos.segments(videoId),

    chapters: (videoId) => store.videos.chapters(videoId),

    summary: (videoId) => store.summaries.get(videoId),

    async summarizeRange(videoId, range, opts = {}) {
      const video = await store.videos.get(videoId);
      if (!video) throw new NotFoundError(`Unknown video '${videoId}'. List videos with: videos list`);
      const [segments, chapters] = await Promise.all([
        store.videos.segments(videoId),
        store.videos.chapters(videoId),
      ]);
      return summarizeRange({
        videoId,
        sourceUrl: video.url,
        segments,
        chapters,
        range,
        chat: resources.chat,
        contextChars: resources.settings.summaryContextChars,
        signal: opts.signal,
      });
    },

    async importFile(path, opts = {}) {
      return importFile(resources, instance, path, opts);
    },

    importTranscripts: (items) => importTranscripts(resources, instance, items),

    listAlerts: (opts = {}) => alerts.listAlerts(store.handle, opts),
    acknowledgeAlert: (id, by) => alerts.acknowledgeAlert(store.handle, id, by, now()),
    resolveAlert: (id) => alerts.resolveAlert(store.handle, id, now()),

    async stats() {
      const [videos, index, requests, queuedRuns] = await Promise.all([
        store.videos.count(),
        searchIndex.stats().catch((e) => {
          throw new Error(`Could not read the search index: ${errorMessage(e)}`);
        }),
        store.requests.countByStatus(),
        instance.storage.runs.countRuns({ statuses: ['QUEUED'] }),
      ]);
      return {
        videos,
        chunks: index.chunks,
        requests: requests as Record<RequestStatus, number>,
        queuedRuns,
        embedder: resources.embedder?.model ?? null,
      };
    },
  };
}
