import { defineAsset, NonRetriableError } from '@llm-rag-yt/orchestrator';
import { chunkSegments } from '../../chunking/chunk-segments.ts';
import { completeRequests, enterStage, forEachVideo, recordTiming, recordVideo } from '../progress.ts';
import { type RagResources, VIDEO_PARTITIONS } from '../resources.ts';
import type { TranscribedOutput } from '../work-items.ts';

const EMBED_BATCH = 32;

/**
 * Chunks each stored transcript by time and words and indexes it: full text always, vectors
 * when an embedder is configured. Re-processing a video replaces its chunks.
 */
export function embeddedContent(_resources: RagResources) {
  const maxRetries = 2;
  return defineAsset<Record<string, never>, RagResources>({
    key: 'embedded_content',
    group: 'processing',
    deps: ['transcribed_audio_files'],
    description: 'Creates embeddings and stores chunks in the search index (full-text + vectors).',
    partitions: { kind: 'dynamic', name: VIDEO_PARTITIONS },
    retry: { maxRetries, delaySeconds: 5, backoff: 'exponential', jitter: true },
    compute: async (ctx) => {
      const started = Date.now();
      const { store, searchIndex, embedder, settings } = ctx.resources;
      const videos = (ctx.inputs.transcribed_audio_files as TranscribedOutput | undefined)?.videos ?? [];
      let totalChunks = 0;
      const { done, failed } = await forEachVideo(
        ctx,
        store,
        videos,
        { where: 'Indexing', maxRetries },
        async (work) => {
          const t0 = Date.now();
          await enterStage(store, work.requestIds, 'processing');
          const segments = await store.videos.segments(work.videoId);
          const video = await store.videos.get(work.videoId);
          // A passage never runs across a chapter start when the video has chapters.
          const chapters = await store.videos.chapters(work.videoId);
          const chunks = chunkSegments(segments, { ...settings.chunking, chapters });
          if (chunks.length === 0)
            throw new NonRetriableError(`Video ${work.videoId} has no transcript text to index.`);
          const chunkMs = Date.now() - t0;
          await recordTiming(store, work.requestIds, 'processing', chunkMs);

          const t1 = Date.now();
          await enterStage(store, work.requestIds, 'embedding');
          let embeddings: Float32Array[] | null = null;
          let embedError: string | null = null;
          if (embedder) {
            try {
              embeddings = [];
              for (let i = 0; i < chunks.length; i += EMBED_BATCH) {
                ctx.throwIfAborted();
                const batch = chunks.slice(i, i + EMBED_BATCH).map((c) => c.text);
                embeddings.push(...(await embedder.embed(batch, 'passage', ctx.signal)));
              }
            } catch (e) {
              if (ctx.signal.aborted) throw e;
              // An unreachable embedding model must not make the video unsearchable: index it
              // lexically now; it is re-embedded once the model works (videosNeedingEmbedding).
              embeddings = null;
              embedError = e instanceof Error ? e.message : String(e);
              ctx.log.warn(
                `Embedding ${work.videoId} failed, indexed for lexical search only: ${embedError}`,
              );
            }
          }
          const embedMs = Date.now() - t1;
          const t2 = Date.now();
          const result = await searchIndex.indexVideo(
            work.videoId,
            chunks,
            embeddings,
            embeddings ? (embedder?.model ?? null) : null,
            { language: video?.language ?? null },
          );
          const indexMs = Date.now() - t2;
          await store.videos.update(work.videoId, {
            status: 'indexed',
            chunkCount: result.chunks,
            embeddingModel: result.embedded ? (embedder?.model ?? null) : null,
          });
          await recordTiming(store, work.requestIds, 'embedding', embedMs + indexMs);
          await completeRequests(store, work.requestIds);
          totalChunks += result.chunks;
          recordVideo(ctx, work.videoId, {
            chunks: result.chunks,
            embedded: result.embedded,
            dims: embedder?.dimensions ?? null,
            model: embedder?.model ?? 'none (lexical search only)',
            chunk_ms: { type: 'duration_ms', value: chunkMs },
            embed_ms: { type: 'duration_ms', value: embedMs },
            index_ms: { type: 'duration_ms', value: indexMs },
            ...(embedError ? { embedding_error: embedError } : {}),
          });
          return work.videoId;
        },
      );
      if (ctx.partitionKey === null || videos.length !== 1) {
        ctx.addMetadata({
          videos: videos.length,
          succeeded: done.length,
          failed: failed.length,
          chunks: totalChunks,
          dims: embedder?.dimensions ?? null,
          model: embedder?.model ?? 'none (lexical search only)',
          duration_ms: { type: 'duration_ms', value: Date.now() - started },
        });
      }
      if (done.length === 0 && failed.length > 0) {
        throw new NonRetriableError(
          `Indexing failed for all ${failed.length} video(s); reasons are stored on each request.`,
        );
      }
      return { videos: done };
    },
  });
}
