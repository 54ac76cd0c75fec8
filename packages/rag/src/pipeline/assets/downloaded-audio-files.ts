import { join } from 'node:path';
import { defineAsset, NonRetriableError } from '@llm-rag-yt/orchestrator';
import { chaptersFor } from '../../chapters/chapters.ts';
import { videoPathSegment } from '../../youtube/safe-file-name.ts';
import { enterStage, forEachVideo, recordTiming, recordVideo } from '../progress.ts';
import { type RagResources, VIDEO_PARTITIONS } from '../resources.ts';
import type { DownloadedOutput, MediaWork, YoutubeUrlsOutput } from '../work-items.ts';

/**
 * Downloads each video with captions first: when subtitles or auto-captions exist in the wanted
 * languages they become the transcript and no audio is fetched; otherwise the audio is converted
 * to 16 kHz mono WAV. Stores the video's metadata, the audio_files row and the caption file.
 */
export function downloadedAudioFiles(resources: RagResources) {
  const maxRetries = resources.settings.downloadRetries ?? 2;
  return defineAsset<Record<string, never>, RagResources>({
    key: 'downloaded_audio_files',
    group: 'ingestion',
    deps: ['youtube_urls_to_process'],
    description: 'Downloads captions (preferred) or audio for each video with yt-dlp; stores metadata.',
    partitions: { kind: 'dynamic', name: VIDEO_PARTITIONS },
    retry: {
      maxRetries,
      delaySeconds: resources.settings.retryDelaySeconds ?? 5,
      backoff: 'exponential',
      jitter: true,
    },
    tags: { kind: 'network' },
    compute: async (ctx): Promise<DownloadedOutput> => {
      const started = Date.now();
      const { store, downloader, settings } = ctx.resources;
      const upstream = (ctx.inputs.youtube_urls_to_process as YoutubeUrlsOutput | undefined)?.videos ?? [];
      let captionsUsed = 0;
      let audioBytes = 0;
      const { done, failed } = await forEachVideo(
        ctx,
        store,
        upstream,
        { where: 'Downloading', maxRetries },
        async (work): Promise<MediaWork> => {
          const t0 = Date.now();
          await enterStage(store, work.requestIds, 'downloading');
          const languages =
            work.language && work.language !== 'auto'
              ? [work.language, ...settings.languages]
              : settings.languages;
          const result = await downloader.download(work.url, {
            languages: [...new Set(languages)],
            forceAudio: false,
            maxDurationSeconds: settings.maxDurationSeconds,
            outputDir: join(settings.dataDir, 'downloads', videoPathSegment(work.videoId)),
            signal: ctx.signal,
            onProgress: (p) => {
              if (p.message) ctx.log.debug(`${work.videoId}: ${p.message}`, { fraction: p.fraction ?? null });
            },
          });
          const meta = result.metadata;
          if (meta.durationSeconds !== null && meta.durationSeconds > settings.maxDurationSeconds) {
            throw new NonRetriableError(
              `The video is ${Math.round(meta.durationSeconds)} s long; the limit is ${settings.maxDurationSeconds} s (setting maxDurationSeconds).`,
            );
          }
          if (!result.captions && !result.audioPath) {
            throw new NonRetriableError('The video has neither captions nor an audio track to transcribe.');
          }
          await store.videos.upsert({ ...meta, videoId: work.videoId });
          const chapters = chaptersFor(meta);
          // Always replaced: a re-download whose source dropped its chapters must not keep stale ones.
          await store.videos.replaceChapters(work.videoId, chapters.chapters, chapters.source ?? 'metadata');
          if (result.captions) {
            captionsUsed++;
            await store.videos.addTranscriptFile(work.videoId, result.captions.path, result.captions.format);
          }
          let audioFileId: number | null = null;
          if (result.audioPath) {
            const row = await store.audioFiles.add({
              videoId: work.videoId,
              path: result.audioPath,
              bytes: result.audioBytes,
              durationSeconds: meta.durationSeconds,
            });
            audioFileId = row.id;
            audioBytes += result.audioBytes ?? 0;
          }
          const ms = Date.now() - t0;
          await recordTiming(store, work.requestIds, 'downloading', ms);
          recordVideo(ctx, work.videoId, {
            title: meta.title,
            channel: meta.channel,
            url: { type: 'url', value: meta.url },
            duration_seconds: meta.durationSeconds,
            captions: result.captions
              ? `${result.captions.language}${result.captions.automatic ? ' (auto)' : ''}`
              : null,
            audio_bytes: result.audioBytes,
            audio_path: result.audioPath ? { type: 'path', value: result.audioPath } : null,
            chapters: chapters.chapters.length,
            download_ms: { type: 'duration_ms', value: ms },
          });
          return { ...work, audioFileId, audioPath: result.audioPath, captions: result.captions };
        },
      );
      if (ctx.partitionKey === null || upstream.length !== 1) {
        ctx.addMetadata({
          videos: upstream.length,
          succeeded: done.length,
          failed: failed.length,
          captions_used: captionsUsed,
          audio_downloaded: done.length - captionsUsed,
          audio_total_mb: Math.round((audioBytes / 1048576) * 100) / 100,
          duration_ms: { type: 'duration_ms', value: Date.now() - started },
        });
      }
      if (done.length === 0 && failed.length > 0) {
        throw new NonRetriableError(
          `All ${failed.length} download(s) failed; reasons are stored on each request.`,
        );
      }
      return { videos: done };
    },
  });
}
