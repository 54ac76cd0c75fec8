import { copyFile, mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Instance, InvalidInputError } from '@llm-rag-yt/orchestrator';
import { type CaptionFormat, CaptionParseError } from '../captions/errors.ts';
import { parseCaptions } from '../captions/parse.ts';
import type { RagResources } from '../pipeline/resources.ts';
import { REQUEST } from '../store/request-lifecycle.ts';
import { safeFileName } from '../youtube/safe-file-name.ts';
import { isVideoId } from '../youtube/url.ts';
import { submitImportRun } from './import-file.ts';
import type { YoutubeRequest } from './types.ts';

/** One transcript of a bulk import (a line of a `videos.jsonl` manifest, or a file of a folder). */
export interface TranscriptImport {
  path: string;
  videoId: string;
  title?: string;
  description?: string;
  language?: string;
  url?: string;
  /** Where this item was declared ("videos.jsonl:3"), named in errors. */
  origin?: string;
}

/** Ids stored as partition keys and file names: YouTube's 11 characters or a simple local name. */
const LOCAL_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;

/**
 * Imports many transcripts as ONE run of audio_processing_job (65 files index in about a second
 * instead of 65 runs' overhead). Every file is parsed first: a bad one fails the whole import
 * with its name and line, before anything is stored.
 */
export async function importTranscripts(
  resources: RagResources,
  instance: Instance,
  items: readonly TranscriptImport[],
): Promise<{ runId: string | null; requests: YoutubeRequest[] }> {
  if (items.length === 0) throw new InvalidInputError('Nothing to import: the list of transcripts is empty.');
  const seen = new Set<string>();
  const parsed: { item: TranscriptImport; format: CaptionFormat; end: number }[] = [];
  for (const item of items) {
    const where = item.origin ? `${item.origin}: ` : '';
    if (!LOCAL_ID.test(item.videoId))
      throw new InvalidInputError(
        `${where}video id '${item.videoId}' may only hold letters, digits and _.:- (at most 100).`,
      );
    if (seen.has(item.videoId))
      throw new InvalidInputError(`${where}video id '${item.videoId}' is listed twice.`);
    seen.add(item.videoId);
    const st = await stat(item.path).catch(() => null);
    if (!st?.isFile()) throw new InvalidInputError(`${where}transcript file '${item.path}' does not exist.`);
    let segments: { end: number }[];
    let format: CaptionFormat;
    try {
      ({ format, segments } = parseCaptions(await readFile(item.path, 'utf8'), { filename: item.path }));
    } catch (e) {
      if (e instanceof CaptionParseError) throw new InvalidInputError(`${where}${e.message}`);
      throw e;
    }
    if (segments.length === 0)
      throw new InvalidInputError(`${where}the transcript '${item.path}' has no text.`);
    parsed.push({ item, format, end: segments[segments.length - 1]!.end });
  }

  const { store, settings } = resources;
  const dir = join(settings.dataDir, 'imports');
  await mkdir(dir, { recursive: true });
  const captions: Record<string, unknown>[] = [];
  const requests: YoutubeRequest[] = [];
  for (const { item, format, end } of parsed) {
    const stored = join(dir, `${safeFileName(item.videoId)}.${format}`);
    await copyFile(item.path, stored);
    const existing = await store.videos.get(item.videoId);
    const youtube = isVideoId(item.videoId);
    const url =
      item.url ??
      existing?.url ??
      (youtube ? `https://www.youtube.com/watch?v=${item.videoId}` : pathToFileURL(item.path).toString());
    await store.videos.upsert({
      videoId: item.videoId,
      source: existing?.source ?? (youtube ? 'youtube' : 'import'),
      url,
      title: item.title ?? existing?.title ?? item.videoId,
      channel: existing?.channel ?? null,
      channelId: null,
      durationSeconds: existing?.durationSeconds ?? end,
      uploadDate: existing?.uploadDate ?? null,
      description: item.description ?? null,
      language: item.language ?? existing?.language ?? null,
    });
    await store.videos.addTranscriptFile(item.videoId, stored, format);
    const request = await store.requests.create({
      url,
      videoId: item.videoId,
      source: 'import',
      language: item.language ?? 'auto',
      force: true,
      status: 'processing',
    });
    requests.push(request);
    captions.push({ video_id: item.videoId, path: stored, format, language: item.language ?? 'auto' });
  }
  if (requests.length === 1) {
    const one = await submitImportRun(
      instance,
      requests[0]!,
      { captions, request_ids: [requests[0]!.id] },
      store,
    );
    return { runId: one.runId, requests: [one] };
  }
  // One unpartitioned run for all: per-video partitions would cost a run each.
  const run = await instance.submitRun({
    jobName: 'audio_processing_job',
    runConfig: {
      ops: { unprocessed_audio_files: { config: { captions, request_ids: requests.map((r) => r.id) } } },
    },
    tags: { source: 'import', videos: String(requests.length) },
    origin: 'import',
  });
  const attached: YoutubeRequest[] = [];
  for (const r of requests) {
    // Canceled before the run was attached: it stays canceled.
    attached.push((await store.requests.transition(r.id, REQUEST.advance, { runId: run.runId })) ?? r);
  }
  return { runId: run.runId, requests: attached };
}
