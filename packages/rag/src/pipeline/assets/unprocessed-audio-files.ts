import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defineAsset, errorMessage, type StepContext, z } from '@llm-rag-yt/orchestrator';
import { REQUEST } from '../../store/request-lifecycle.ts';
import { allowedFolders, isAllowedPath, pathRefusal } from '../allowed-paths.ts';
import { hashFile, listMediaFiles, localVideoId, titleFromFile } from '../local-media.ts';
import { failRequests } from '../progress.ts';
import { type RagResources, type RagSettings, VIDEO_PARTITIONS } from '../resources.ts';
import type { DownloadedOutput, MediaWork, UnprocessedOutput } from '../work-items.ts';

/** The seed's run config: `ops.unprocessed_audio_files.config: { input_directory: 'data/audio', language: 'auto' }`. */
export const unprocessedAudioConfig = unprocessedAudioConfigFor(null);

/**
 * The config schema; with settings, every file and folder it names must be inside the allowed
 * folders (see allowed-paths.ts), so a launch naming `/etc/passwd.vtt` is a config error (400).
 */
export function unprocessedAudioConfigFor(settings: RagSettings | null) {
  const folders = settings ? allowedFolders(settings) : null;
  const inside = (s: z.ZodString) =>
    folders ? s.refine((p) => isAllowedPath(p, folders), { message: pathRefusal(folders) }) : s;
  return z
    .object({
      input_directory: inside(z.string()).optional(),
      language: z.string().default('auto'),
      /** Specific files to register (set by audio_file_sensor); otherwise the whole folder is scanned. */
      files: z.array(inside(z.string())).default([]),
      /** Imported transcript files (RagService.importFile): indexed without ASR. */
      captions: z
        .array(
          z.object({
            video_id: z.string(),
            path: inside(z.string()),
            format: z.enum(['vtt', 'srt', 'json3', 'srv3']),
            language: z.string().default('auto'),
          }),
        )
        .default([]),
      /** Requests this run works for (set by RagService.importFile). */
      request_ids: z.array(z.number().int()).default([]),
    })
    .default({ language: 'auto', files: [], captions: [], request_ids: [] });
}

export type UnprocessedAudioConfig = z.infer<ReturnType<typeof unprocessedAudioConfigFor>>;

/**
 * Finds audio needing transcription: what this run just downloaded, audio_files rows still
 * pending, and new media files dropped into the audio folder (registered by content hash and
 * converted to 16 kHz mono WAV).
 */
export function unprocessedAudioFiles(resources: RagResources) {
  return defineAsset<UnprocessedAudioConfig, RagResources>({
    key: 'unprocessed_audio_files',
    group: 'processing',
    deps: ['downloaded_audio_files'],
    description:
      'Identifies audio (and caption) files needing transcription, including media dropped into the audio folder.',
    config: unprocessedAudioConfigFor(resources.settings) as any,
    partitions: { kind: 'dynamic', name: VIDEO_PARTITIONS },
    compute: async (ctx): Promise<UnprocessedOutput> => {
      const started = Date.now();
      const upstream = ctx.inputs.downloaded_audio_files as DownloadedOutput | undefined;
      const items: MediaWork[] = [...(upstream?.videos ?? [])];
      let newFiles = 0;
      if (!upstream) {
        const cfg = ctx.config;
        if (cfg?.request_ids.length) await claimForRun(ctx, cfg.request_ids);
        items.push(...(await importedCaptions(ctx)));
        newFiles = await registerDroppedFiles(ctx);
        items.push(...(await pendingAudio(ctx)));
      }
      let bytes = 0;
      let seconds = 0;
      for (const item of items) {
        if (item.audioFileId === null) continue;
        const row = await ctx.resources.store.audioFiles.get(item.audioFileId);
        bytes += row?.bytes ?? 0;
        seconds += row?.durationSeconds ?? 0;
      }
      ctx.addMetadata({
        pending_files: items.length,
        with_captions: items.filter((i) => i.captions).length,
        needs_asr: items.filter((i) => !i.captions).length,
        new_files_found: newFiles,
        total_size_mb: Math.round((bytes / 1048576) * 100) / 100,
        total_duration_seconds: Math.round(seconds),
        duration_ms: { type: 'duration_ms', value: Date.now() - started },
      });
      return { items };
    },
  });
}

/** Transcript files given in config: their video rows exist; segments come from the file. */
async function importedCaptions(
  ctx: StepContext<UnprocessedAudioConfig, RagResources>,
): Promise<MediaWork[]> {
  const out: MediaWork[] = [];
  for (const c of ctx.config?.captions ?? []) {
    const requests = await ctx.resources.store.requests.list({
      videoId: c.video_id,
      statuses: ['pending', 'processing'],
    });
    const video = await ctx.resources.store.videos.get(c.video_id);
    out.push({
      videoId: c.video_id,
      url: video?.url ?? pathToFileURL(c.path).toString(),
      requestIds: await claimForRun(
        ctx,
        requests.map((r) => r.id),
      ),
      language: c.language,
      force: true,
      audioFileId: null,
      audioPath: null,
      captions: { language: c.language, automatic: false, format: c.format, path: c.path },
    });
  }
  return out;
}

/** audio_files rows still pending (for this partition's video, or all), with their requests. */
async function pendingAudio(ctx: StepContext<UnprocessedAudioConfig, RagResources>): Promise<MediaWork[]> {
  const { store } = ctx.resources;
  const rows = await store.audioFiles.list({
    status: 'pending',
    ...(ctx.partitionKey ? { videoId: ctx.partitionKey } : {}),
    limit: 50,
  });
  const out: MediaWork[] = [];
  for (const row of rows) {
    const requests = await store.requests.list({ videoId: row.videoId, statuses: ['pending', 'processing'] });
    const claimed = requests.length
      ? await claimForRun(
          ctx,
          requests.map((r) => r.id),
        )
      : [];
    const video = await store.videos.get(row.videoId);
    out.push({
      videoId: row.videoId,
      url: video?.url ?? pathToFileURL(row.path).toString(),
      requestIds: claimed,
      language: ctx.config?.language ?? 'auto',
      force: true,
      audioFileId: row.id,
      audioPath: row.path,
      captions: null,
    });
  }
  return out;
}

async function claimForRun(ctx: StepContext<any, RagResources>, ids: number[]): Promise<number[]> {
  const { store } = ctx.resources;
  const claimed: number[] = [];
  for (const id of ids) {
    // Only active requests: one canceled meanwhile stays canceled.
    if (await store.requests.transition(id, REQUEST.advance, { stage: 'validating', runId: ctx.runId }))
      claimed.push(id);
  }
  return claimed;
}

/** Registers media files from the audio folder that are not known by content hash. Returns how many. */
async function registerDroppedFiles(ctx: StepContext<UnprocessedAudioConfig, RagResources>): Promise<number> {
  const { store, converter, settings } = ctx.resources;
  const dir = ctx.config?.input_directory ?? settings.audioDir;
  const files = ctx.config?.files.length ? ctx.config.files.map((path) => ({ path })) : listMediaFiles(dir);
  let added = 0;
  for (const { path } of files) {
    ctx.throwIfAborted();
    const hash = await hashFile(path);
    if (await store.audioFiles.findByHash(hash)) continue;
    const videoId = localVideoId(hash);
    if (ctx.partitionKey && ctx.partitionKey !== videoId) continue;
    const url = pathToFileURL(path).toString();
    const active = await store.requests.findActive(videoId);
    const request =
      active ??
      (await store.requests.create({
        url,
        videoId,
        source: 'import',
        language: ctx.config?.language ?? 'auto',
        status: 'processing',
        stage: 'downloading',
        runId: ctx.runId,
      }));
    try {
      const wav = await converter.toWav16kMono(
        path,
        join(settings.dataDir, 'audio-wav', `${videoId}.wav`),
        ctx.signal,
      );
      if (wav.durationSeconds > settings.maxDurationSeconds) {
        throw new Error(
          `The file is ${Math.round(wav.durationSeconds)} s long; the limit is ${settings.maxDurationSeconds} s (setting maxDurationSeconds).`,
        );
      }
      await store.videos.upsert({
        videoId,
        source: 'local',
        url,
        title: titleFromFile(path),
        channel: null,
        channelId: null,
        durationSeconds: wav.durationSeconds,
        uploadDate: null,
        description: null,
        language: null,
      });
      await store.audioFiles.add({
        videoId,
        path: wav.path,
        bytes: wav.bytes,
        durationSeconds: wav.durationSeconds,
        contentHash: hash,
      });
      if (!ctx.partitionKey && ctx.resources.orchestrator)
        await ctx.resources.orchestrator.partitions.addPartitions(VIDEO_PARTITIONS, [videoId], Date.now());
      added++;
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      // Remember the content as failed so the same broken file is not converted on every scan.
      await store.audioFiles
        .add({ videoId, path, contentHash: hash })
        .then((r) => store.audioFiles.setStatus(r.id, 'failed', errorMessage(error)));
      await failRequests(store, [request.id], error, `Reading ${path}`);
      ctx.log.warn(`Skipped ${path}: ${errorMessage(error)}`);
    }
  }
  return added;
}
