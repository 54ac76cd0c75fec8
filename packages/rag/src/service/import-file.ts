import { copyFile, mkdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConflictError, type Instance, InvalidInputError } from '@llm-rag-yt/orchestrator';
import { parseCaptions } from '../captions/parse.ts';
import { hashFile, isMediaFile, localVideoId, titleFromFile } from '../pipeline/local-media.ts';
import { type RagResources, VIDEO_PARTITIONS } from '../pipeline/resources.ts';
import { REQUEST } from '../store/request-lifecycle.ts';
import {
  IMPORT_ID_RULE,
  isValidImportId,
  safeFileName,
  videoPathSegment,
} from '../youtube/safe-file-name.ts';
import { isVideoId } from '../youtube/url.ts';
import type { YoutubeRequest } from './types.ts';

const TRANSCRIPT_EXTENSIONS = new Set(['.vtt', '.srt', '.json3', '.json', '.srv3']);

export interface ImportOptions {
  videoId?: string;
  title?: string;
  language?: string;
  /** Page URL of the video, for deep links of non-YouTube imports. */
  url?: string;
}

/**
 * Imports a local file as a run of audio_processing_job, so the import shows in the UI as a run
 * with materializations like any other work:
 * - media (audio/video): copied into the audio folder, converted and transcribed by the run;
 * - a transcript (WebVTT, SRT, YouTube json3): checked here (a wrong format fails at once with
 *   the parser's line-numbered reason), then indexed by the run without ASR.
 * Returns the request; its `runId` names the run (the caller may wait for it).
 */
export async function importFile(
  resources: RagResources,
  instance: Instance,
  path: string,
  opts: ImportOptions = {},
): Promise<YoutubeRequest> {
  if (opts.videoId !== undefined && !isValidImportId(opts.videoId)) {
    throw new InvalidInputError(
      `Invalid video id ${JSON.stringify(opts.videoId.slice(0, 40))}${opts.videoId.length > 40 ? '…' : ''}: use ${IMPORT_ID_RULE}.`,
    );
  }
  const st = await stat(path).catch(() => null);
  if (!st?.isFile()) throw new InvalidInputError(`Cannot import '${path}': no such file.`);
  if (st.size === 0) throw new InvalidInputError(`Cannot import '${path}': the file is empty.`);
  const ext = extname(path).toLowerCase();
  if (TRANSCRIPT_EXTENSIONS.has(ext)) return importTranscript(resources, instance, path, opts);
  if (isMediaFile(path)) return importMedia(resources, instance, path, opts);
  throw new InvalidInputError(
    `Cannot import '${path}': '${ext || 'no extension'}' is neither media (${'.mp3, .wav, .m4a, .mp4, .webm, …'}) nor a transcript (.vtt, .srt, .json3).`,
  );
}

async function importTranscript(
  resources: RagResources,
  instance: Instance,
  path: string,
  opts: ImportOptions,
): Promise<YoutubeRequest> {
  const { store, settings } = resources;
  const fromName = basename(path).split('.')[0] ?? '';
  const videoId = opts.videoId ?? (isVideoId(fromName) ? fromName : null);
  if (!videoId) {
    throw new InvalidInputError(
      `Cannot tell which video '${basename(path)}' belongs to. Give its id (--video-id ID), e.g. the 11 characters after watch?v=.`,
    );
  }
  const text = await readFile(path, 'utf8');
  const { format, segments } = parseCaptions(text, { filename: path });
  if (segments.length === 0) throw new InvalidInputError(`The transcript '${path}' has no text.`);
  const dir = join(settings.dataDir, 'imports');
  await mkdir(dir, { recursive: true });
  const stored = join(dir, `${videoPathSegment(videoId)}.${format}`);
  await copyFile(path, stored);

  const existing = await store.videos.get(videoId);
  const url =
    opts.url ??
    existing?.url ??
    (isVideoId(videoId) ? `https://www.youtube.com/watch?v=${videoId}` : pathToFileURL(path).toString());
  await store.videos.upsert({
    videoId,
    source: existing?.source ?? (isVideoId(videoId) ? 'youtube' : 'import'),
    url,
    title: opts.title ?? existing?.title ?? videoId,
    channel: existing?.channel ?? null,
    channelId: null,
    durationSeconds: existing?.durationSeconds ?? segments[segments.length - 1]!.end,
    uploadDate: existing?.uploadDate ?? null,
    description: null,
    language: opts.language ?? existing?.language ?? null,
  });
  await store.videos.addTranscriptFile(videoId, stored, format);
  const request = await store.requests.create({
    url,
    videoId,
    source: 'import',
    language: opts.language ?? 'auto',
    force: true,
    status: 'processing',
  });
  return submitImportRun(
    instance,
    request,
    {
      captions: [{ video_id: videoId, path: stored, format, language: opts.language ?? 'auto' }],
      request_ids: [request.id],
    },
    store,
  );
}

async function importMedia(
  resources: RagResources,
  instance: Instance,
  path: string,
  opts: ImportOptions,
): Promise<YoutubeRequest> {
  const { store, settings } = resources;
  const hash = await hashFile(path);
  // Media ids come from content, so the same file dropped into the audio folder is recognised.
  const videoId = localVideoId(hash);
  const known = await store.audioFiles.findByHash(hash);
  if (known?.status === 'completed' && (await store.videos.get(known.videoId))?.status === 'indexed') {
    throw new ConflictError(`'${basename(path)}' was already imported as video ${known.videoId}.`);
  }
  await mkdir(settings.audioDir, { recursive: true });
  const name = safeFileName(opts.title ?? titleFromFile(path));
  let target = join(settings.audioDir, `${name}${extname(path).toLowerCase()}`);
  if ((await stat(target).catch(() => null)) && (await hashFile(target)) !== hash)
    target = join(settings.audioDir, `${name}-${hash.slice(0, 8)}${extname(path).toLowerCase()}`);
  await copyFile(path, target);
  const request = await store.requests.create({
    url: pathToFileURL(target).toString(),
    videoId,
    source: 'import',
    language: opts.language ?? 'auto',
    force: true,
    // Not 'pending': youtube_url_sensor must not start a download run for an import.
    status: 'processing',
  });
  return submitImportRun(
    instance,
    request,
    {
      files: [target],
      input_directory: settings.audioDir,
      language: opts.language ?? 'auto',
      request_ids: [request.id],
    },
    store,
  );
}

export async function submitImportRun(
  instance: Instance,
  request: YoutubeRequest,
  config: Record<string, unknown>,
  store: RagResources['store'],
): Promise<YoutubeRequest> {
  await instance.storage.partitions.addPartitions(VIDEO_PARTITIONS, [request.videoId!], Date.now());
  const run = await instance.submitRun({
    jobName: 'audio_processing_job',
    partitionKey: request.videoId,
    runConfig: { ops: { unprocessed_audio_files: { config } } },
    tags: { request_id: String(request.id), source: 'import', video_id: request.videoId! },
    origin: 'import',
  });
  // Canceled before the run was attached: it stays canceled.
  return (
    (await store.requests.transition(request.id, REQUEST.advance, { runId: run.runId })) ??
    (await store.requests.get(request.id)) ??
    request
  );
}
