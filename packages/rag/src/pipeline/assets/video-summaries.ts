import { defineAsset, errorMessage } from '@llm-rag-yt/orchestrator';
import { summarize, transcriptHash } from '../../summaries/summarize.ts';
import { deepLink } from '../../youtube/url.ts';
import { recordVideo } from '../progress.ts';
import { type RagResources, VIDEO_PARTITIONS } from '../resources.ts';

/**
 * A summary per video, after it is indexed: the chat model's (short summary + key points with
 * timestamp links) or, without one, an extractive summary labelled as such. Kept while the
 * transcript is unchanged (same hash and mode); re-made when it changes. A failure here never
 * undoes the indexing: the video stays searchable and the step says why.
 */
export function videoSummaries(_resources: RagResources) {
  return defineAsset<Record<string, never>, RagResources>({
    key: 'video_summaries',
    group: 'processing',
    deps: ['embedded_content'],
    description:
      'Short summary and 5–10 key points with timestamp links per video (chat model, else extractive).',
    partitions: { kind: 'dynamic', name: VIDEO_PARTITIONS },
    compute: async (ctx) => {
      const { store, chat, settings } = ctx.resources;
      const upstream = ctx.inputs.embedded_content as { videos?: string[] } | undefined;
      // Materialized on its own (materialize-asset video_summaries --partition ID): that video.
      const videos = (upstream?.videos ?? (ctx.partitionKey ? [ctx.partitionKey] : [])).filter(
        (v): v is string => typeof v === 'string',
      );
      const made: string[] = [];
      for (const videoId of videos) {
        ctx.throwIfAborted();
        try {
          const segments = await store.videos.segments(videoId);
          if (segments.length === 0) continue;
          const hash = transcriptHash(segments);
          const existing = await store.summaries.get(videoId);
          const wantedMode = chat ? `llm:${chat.model}` : 'extractive';
          if (existing && existing.transcriptHash === hash && existing.mode === wantedMode) {
            recordVideo(ctx, videoId, { summary: 'unchanged', mode: existing.mode });
            continue;
          }
          const [chapters, video] = await Promise.all([
            store.videos.chapters(videoId),
            store.videos.get(videoId),
          ]);
          const draft = await summarize({
            segments,
            chapters,
            chat,
            contextChars: settings.summaryContextChars,
            signal: ctx.signal,
          });
          if (draft.fallbackReason)
            ctx.log.warn(
              `Chat model summary of ${videoId} failed, extractive instead: ${draft.fallbackReason}`,
            );
          await store.summaries.put({
            videoId,
            mode: draft.mode,
            summary: draft.summary,
            keyPoints: draft.keyPoints.map((p) => ({ ...p, url: deepLink(videoId, p.start, video?.url) })),
            chapters: draft.chapters,
            transcriptHash: hash,
          });
          made.push(videoId);
          recordVideo(ctx, videoId, {
            mode: draft.mode,
            key_points: draft.keyPoints.length,
            chapters_summarised: draft.chapters.length,
            ...(draft.fallbackReason ? { chat_error: draft.fallbackReason } : {}),
          });
        } catch (e) {
          if (ctx.signal.aborted) throw e;
          ctx.log.warn(`Summary of ${videoId} failed (the video stays indexed): ${errorMessage(e)}`);
        }
      }
      // Subscription entries of these videos can now be marked indexed and announced with their
      // summary: subscription_sensor does that (cheap reads), so ask for its tick now.
      if (videos.length > 0) await ctx.resources.wake?.('subscription_sensor').catch(() => {});
      return { videos: made };
    },
  });
}
