import { readFile, rm } from 'node:fs/promises';
import { defineAsset, isPermanentFailure, NonRetriableError } from '@llm-rag-yt/orchestrator';
import { parseCaptions } from '../../captions/parse.ts';
import type { TranscriptSegment } from '../../ports.ts';
import { enterStage, forEachVideo, recordTiming, recordVideo } from '../progress.ts';
import { type RagResources, VIDEO_PARTITIONS } from '../resources.ts';
import type { MediaWork, TranscribedOutput, TranscriptWork, UnprocessedOutput } from '../work-items.ts';

/**
 * Turns each video's captions into segments, or transcribes its audio with the configured
 * transcriber (whisper.cpp / OpenAI-compatible / fake), and stores the segments with times.
 */
export function transcribedAudioFiles(_resources: RagResources) {
  const maxRetries = 1;
  return defineAsset<Record<string, never>, RagResources>({
    key: 'transcribed_audio_files',
    group: 'processing',
    deps: ['unprocessed_audio_files'],
    description: 'Transcribes audio to text (captions first, else Whisper / an OpenAI-compatible server).',
    partitions: { kind: 'dynamic', name: VIDEO_PARTITIONS },
    retry: { maxRetries, delaySeconds: 10, backoff: 'exponential', jitter: true },
    tags: { kind: 'asr' },
    compute: async (ctx): Promise<TranscribedOutput> => {
      const started = Date.now();
      const { store, transcriber, settings } = ctx.resources;
      const items = (ctx.inputs.unprocessed_audio_files as UnprocessedOutput | undefined)?.items ?? [];
      let words = 0;
      let audioSeconds = 0;
      const { done, failed } = await forEachVideo(
        ctx,
        store,
        items,
        { where: 'Transcribing', maxRetries },
        async (item: MediaWork): Promise<TranscriptWork> => {
          const t0 = Date.now();
          await enterStage(store, item.requestIds, 'transcribing');
          let segments: TranscriptSegment[];
          let source: string;
          let language: string | null = null;
          if (item.captions) {
            const text = await readFile(item.captions.path, 'utf8');
            segments = parseCaptions(text, {
              format: item.captions.format,
              filename: item.captions.path,
            }).segments;
            source = `captions:${item.captions.automatic ? 'auto' : 'manual'}`;
            language = item.captions.language;
          } else if (item.audioPath) {
            const transcript = await transcriber.transcribe(item.audioPath, {
              language: item.language || settings.languages[0] || 'auto',
              signal: ctx.signal,
              onProgress: (p) => p.message && ctx.log.debug(`${item.videoId}: ${p.message}`),
            });
            segments = transcript.segments;
            source = transcript.source;
            language = transcript.language;
          } else {
            throw new NonRetriableError(
              'Nothing to transcribe: no captions and no audio file were stored for this video.',
            );
          }
          segments = segments.filter((s) => s.text.trim() !== '');
          if (segments.length === 0) {
            throw new NonRetriableError(
              item.captions
                ? `The caption file ${item.captions.path} has no text.`
                : 'No speech was recognised in the audio (silence or music only?).',
            );
          }
          await store.videos.replaceSegments(item.videoId, segments);
          await store.videos.update(item.videoId, {
            status: 'transcribed',
            transcriptSource: source,
            language,
          });
          if (item.audioFileId !== null) {
            await store.audioFiles.setStatus(item.audioFileId, 'completed');
            if (settings.deleteAudioAfterTranscription && item.audioPath)
              await rm(item.audioPath, { force: true });
          }
          const videoWords = segments.reduce((n, s) => n + s.text.split(/\s+/).filter(Boolean).length, 0);
          const duration = segments[segments.length - 1]!.end;
          words += videoWords;
          audioSeconds += duration;
          const ms = Date.now() - t0;
          await recordTiming(store, item.requestIds, 'transcribing', ms);
          recordVideo(ctx, item.videoId, {
            source,
            language,
            segments: segments.length,
            words: videoWords,
            duration_seconds: Math.round(duration * 10) / 10,
            transcribe_ms: { type: 'duration_ms', value: ms },
            realtime_factor: duration > 0 ? Math.round((ms / 1000 / duration) * 1000) / 1000 : null,
          });
          return { ...item, segments: segments.length, source };
        },
      ).catch(async (error) => {
        // The audio row must not stay 'pending' forever once its transcription is given up.
        for (const item of items)
          if (item.audioFileId !== null && ctx.partitionKey === item.videoId) {
            if (ctx.attempt > maxRetries || isPermanentFailure(error))
              await store.audioFiles.setStatus(
                item.audioFileId,
                'failed',
                String((error as Error).message ?? error),
              );
          }
        throw error;
      });
      for (const f of failed)
        if (f.item.audioFileId !== null)
          await store.audioFiles.setStatus(
            f.item.audioFileId,
            'failed',
            String((f.error as Error)?.message ?? f.error),
          );
      if (ctx.partitionKey === null || items.length !== 1) {
        ctx.addMetadata({
          files: items.length,
          succeeded: done.length,
          failed: failed.length,
          words,
          audio_seconds: Math.round(audioSeconds),
          duration_ms: { type: 'duration_ms', value: Date.now() - started },
        });
      }
      if (done.length === 0 && failed.length > 0) {
        throw new NonRetriableError(
          `All ${failed.length} transcription(s) failed; reasons are stored on each request.`,
        );
      }
      return { videos: done };
    },
  });
}
