import { defineAsset, defineJob, defineSensor, type SensorResult } from '@llm-rag-yt/orchestrator';
import type { Chunk } from '../chunking/chunk-segments.ts';
import type { RagResources } from './resources.ts';

/*
 * Re-embedding: videos indexed lexically only (the embedding model could not be loaded, e.g. no
 * network on first use) or with another model's vectors get vectors of the configured model,
 * from their stored chunks (no re-download, no re-transcription, no re-chunking).
 * A failure leaves the video's lexical index as it was; the sensor tries again later.
 */

/** Tag on every re-embed run; the sensor starts one only when none is queued or running. */
export const REEMBED_TAG = 'reembed';
const EMBED_BATCH = 32;
/** Videos per run, so one run stays well inside its timeout; the sensor starts the next. */
const MAX_VIDEOS_PER_RUN = 200;
const ACTIVE = ['QUEUED', 'STARTING', 'STARTED', 'CANCELING'] as const;

export interface ReembedResult {
  readonly model: string;
  readonly videos: number;
  readonly chunks: number;
  readonly failures: readonly { videoId: string; error: string }[];
}

/** An asset (not an op) so each pass's metadata — videos, chunks, model, failures — is kept in its history. */
export const reembeddedContent = defineAsset<Record<string, never>, RagResources>({
  key: 'reembedded_content',
  group: 'processing',
  description:
    "Embeds the stored chunks of videos without vectors of the configured model (lexical-only or another model's) and stores the vectors.",
  compute: async (ctx): Promise<ReembedResult> => {
    const { searchIndex, embedder, store } = ctx.resources;
    const started = Date.now();
    if (!embedder) {
      ctx.addMetadata({ videos: 0, chunks: 0, model: 'none (lexical search only)', failures: 0 });
      return { model: '', videos: 0, chunks: 0, failures: [] };
    }
    const todo = (await searchIndex.videosNeedingEmbedding(embedder.model)).slice(0, MAX_VIDEOS_PER_RUN);
    let videos = 0;
    let chunks = 0;
    const failures: { videoId: string; error: string }[] = [];
    for (const videoId of todo) {
      ctx.throwIfAborted();
      const stored = await searchIndex.videoChunks(videoId);
      if (stored.length === 0) continue;
      let vectors: Float32Array[];
      try {
        vectors = [];
        for (let i = 0; i < stored.length; i += EMBED_BATCH) {
          ctx.throwIfAborted();
          const batch = stored.slice(i, i + EMBED_BATCH).map((c) => c.text);
          vectors.push(...(await embedder.embed(batch, 'passage', ctx.signal)));
        }
      } catch (e) {
        if (ctx.signal.aborted) throw e;
        const error = e instanceof Error ? e.message : String(e);
        failures.push({ videoId, error });
        ctx.log.warn(`Re-embedding ${videoId} with ${embedder.model} failed; it stays lexical: ${error}`);
        continue;
      }
      // The video may have been re-processed meanwhile: never put back its old chunks.
      if (!sameChunks(stored, await searchIndex.videoChunks(videoId))) {
        ctx.log.info(`Skipped ${videoId}: its chunks changed while embedding (re-indexed meanwhile).`);
        continue;
      }
      const result = await searchIndex.indexVideo(videoId, stored, vectors, embedder.model);
      await store.videos.update(videoId, { embeddingModel: embedder.model });
      videos++;
      chunks += result.chunks;
    }
    ctx.addMetadata({
      videos,
      chunks,
      model: embedder.model,
      failures: failures.length,
      ...(failures.length > 0 ? { first_failure: `${failures[0].videoId}: ${failures[0].error}` } : {}),
      duration_ms: { type: 'duration_ms', value: Date.now() - started },
    });
    if (videos === 0 && failures.length > 0) {
      throw new Error(
        `Re-embedding with ${embedder.model} failed for all ${failures.length} video(s) (first: ${failures[0].error}). ` +
          'The videos stay searchable by full text; check the embedding model configuration.',
      );
    }
    return { model: embedder.model, videos, chunks, failures };
  },
});

export const reembedJob = defineJob({
  name: 'reembed_job',
  description:
    'Re-embeds videos indexed without vectors of the configured embedding model (model unavailable earlier, or changed).',
  selection: ['reembedded_content'],
  tags: { [REEMBED_TAG]: 'true' },
  timeoutSeconds: 4 * 3600,
});

/**
 * Every 10 minutes: when an embedder is configured and some videos lack its vectors, requests one
 * reembed_job run (none while another is queued or running).
 */
export const embeddingBackfillSensor = defineSensor<RagResources>({
  name: 'embedding_backfill_sensor',
  job: 'reembed_job',
  description: 'Requests re-embedding when videos lack vectors of the configured embedding model.',
  minimumIntervalSeconds: 600,
  defaultStatus: 'RUNNING',
  evaluate: async (ctx): Promise<SensorResult> => {
    const { embedder, searchIndex, orchestrator } = ctx.resources;
    if (!embedder) return { skipReason: 'No embedding model configured (lexical search only).' };
    const pending = await searchIndex.videosNeedingEmbedding(embedder.model);
    if (pending.length === 0) return { skipReason: `Every indexed video has ${embedder.model} vectors.` };
    const active = orchestrator
      ? await orchestrator.runs.listRuns({ tags: { [REEMBED_TAG]: 'true' }, statuses: [...ACTIVE], limit: 1 })
      : [];
    if (active.length > 0) {
      return { skipReason: `Re-embed run ${active[0].runId} is still ${active[0].status.toLowerCase()}.` };
    }
    return {
      runRequests: [
        {
          runKey: `reembed:${embedder.model}:${ctx.now}`,
          tags: { [REEMBED_TAG]: 'true', embedding_model: embedder.model },
        },
      ],
    };
  },
});

function sameChunks(a: readonly Chunk[], b: readonly Chunk[]): boolean {
  return a.length === b.length && a.every((c, i) => c.text === b[i].text && c.start === b[i].start);
}
