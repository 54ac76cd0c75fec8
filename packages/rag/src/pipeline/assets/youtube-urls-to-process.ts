import { defineAsset, errorMessage, NonRetriableError, type StepContext, z } from '@llm-rag-yt/orchestrator';
import { intakeUrl } from '../../service/intake.ts';
import type { YoutubeRequest } from '../../service/types.ts';
import { REQUEST } from '../../store/request-lifecycle.ts';
import { isVideoId, type ParsedVideoUrl, parseVideoUrl } from '../../youtube/url.ts';
import { failRequests, isPermanent, recordTiming } from '../progress.ts';
import { type RagResources, VIDEO_PARTITIONS } from '../resources.ts';
import { executePipelineJobs } from '../sensors/pipeline-jobs-executor.ts';
import type { VideoWork, YoutubeUrlsOutput } from '../work-items.ts';

/** The seed's run config: `ops.youtube_urls_to_process.config: { urls: [...], user_id: 12345 }`. */
export const youtubeUrlsConfig = z
  .object({
    urls: z.array(z.string()).default([]),
    user_id: z.number().int().nullable().optional(),
    /** Requests to process (set by youtube_url_sensor). */
    request_ids: z.array(z.number().int()).default([]),
    /** pipeline_jobs rows to turn into requests and process (set by youtube_url_sensor). */
    pipeline_job_ids: z.array(z.number().int()).default([]),
    language: z.string().optional(),
    force: z.boolean().default(false),
  })
  .default({ urls: [], request_ids: [], pipeline_job_ids: [], force: false });

export type YoutubeUrlsConfig = z.infer<typeof youtubeUrlsConfig>;

/**
 * Claims the requests this run is for (from the sensor's request ids, from config URLs, or every
 * pending request), validates URLs, expands playlists/channels/pages to videos, skips videos that
 * are already indexed (unless forced) and registers one dynamic partition per video.
 */
export function youtubeUrlsToProcess(_resources: RagResources) {
  return defineAsset<YoutubeUrlsConfig, RagResources>({
    key: 'youtube_urls_to_process',
    group: 'ingestion',
    description:
      'Fetches pending YouTube URLs from the database (and run config), validates and expands them to videos.',
    config: youtubeUrlsConfig as any,
    compute: async (ctx): Promise<YoutubeUrlsOutput> => {
      const started = Date.now();
      const { store } = ctx.resources;
      const requests = await claimRequests(ctx);
      const byVideo = new Map<string, { url: string; ids: number[]; language: string; force: boolean }>();
      let invalid = 0;
      let alreadyIndexed = 0;
      let expanded = 0;

      for (const request of requests) {
        ctx.throwIfAborted();
        const t0 = Date.now();
        let entries: { url: string; videoId: string }[];
        try {
          entries = await resolveVideos(ctx, request);
        } catch (error) {
          if (ctx.signal.aborted) throw error;
          invalid++;
          await failRequests(store, [request.id], error, 'Checking the link');
          continue;
        }
        if (entries.length > 1) expanded++;
        for (const [i, entry] of entries.entries()) {
          // The first video keeps the user's request; the others of a playlist get their own rows.
          const req =
            i === 0
              ? await store.requests.transition(request.id, REQUEST.advance, {
                  videoId: entry.videoId,
                  stage: 'validating',
                })
              : await store.requests.create({
                  url: entry.url,
                  videoId: entry.videoId,
                  userId: request.userId,
                  chatId: request.chatId,
                  language: request.language,
                  force: request.force,
                  source: request.source,
                  status: 'processing',
                  stage: 'validating',
                  runId: ctx.runId,
                });
          if (!req) continue; // canceled meanwhile: stays canceled
          const existing = await store.videos.get(entry.videoId);
          if (existing?.status === 'indexed' && !req.force) {
            alreadyIndexed++;
            await store.requests.transition(req.id, REQUEST.complete, { stage: 'done', error: null });
            continue;
          }
          const slot = byVideo.get(entry.videoId);
          if (slot) slot.ids.push(req.id);
          else
            byVideo.set(entry.videoId, {
              url: entry.url,
              ids: [req.id],
              language: req.language,
              force: req.force,
            });
        }
        await recordTiming(store, [request.id], 'validating', Date.now() - t0);
      }

      const videos: VideoWork[] = [...byVideo.entries()].map(([videoId, v]) => ({
        videoId,
        url: v.url,
        requestIds: v.ids,
        language: v.language,
        force: v.force,
      }));
      const newKeys = videos.map((v) => v.videoId).filter((id) => id !== ctx.partitionKey);
      if (newKeys.length && ctx.resources.orchestrator)
        await ctx.resources.orchestrator.partitions.addPartitions(VIDEO_PARTITIONS, newKeys, Date.now());

      ctx.addMetadata({
        requests: requests.length,
        videos: videos.length,
        invalid_urls: invalid,
        already_indexed: alreadyIndexed,
        playlists_expanded: expanded,
        video_ids: { type: 'json', value: videos.map((v) => v.videoId) },
        duration_ms: { type: 'duration_ms', value: Date.now() - started },
      });
      ctx.log.info(`${requests.length} request(s) → ${videos.length} video(s) to download.`);
      if (requests.length > 0 && videos.length === 0 && invalid === requests.length) {
        throw new NonRetriableError(
          `None of the ${requests.length} request(s) had a usable link; reasons are stored on each request.`,
        );
      }
      return { videos };
    },
  });
}

async function claimRequests(ctx: StepContext<YoutubeUrlsConfig, RagResources>): Promise<YoutubeRequest[]> {
  const { store, settings } = ctx.resources;
  const cfg = ctx.config ?? { urls: [], request_ids: [], pipeline_job_ids: [], force: false };
  // A retried step finds its requests already claimed by this run.
  const mine = await store.requests.list({ runId: ctx.runId, limit: 10_000 });
  if (mine.length) return mine.filter((r) => r.status === 'processing');

  const out: YoutubeRequest[] = [];
  if (cfg.request_ids.length) out.push(...(await store.requests.claim(cfg.request_ids, ctx.runId)));
  if (cfg.pipeline_job_ids.length) {
    const created = await executePipelineJobs(store, cfg.pipeline_job_ids);
    out.push(...(await store.requests.claim(created, ctx.runId)));
  }
  for (const url of cfg.urls) {
    const base = {
      userId: cfg.user_id ?? null,
      language: cfg.language ?? 'auto',
      force: cfg.force,
      source: 'cli' as const,
    };
    let parsed: ParsedVideoUrl;
    try {
      parsed = parseVideoUrl(url);
    } catch {
      // Kept as this run's request so the link check below stores the reason where users look.
      out.push(await store.requests.create({ ...base, url, status: 'processing', runId: ctx.runId }));
      continue;
    }
    // The one intake: a link already in flight is processed by its own run, an indexed one is done.
    const r = await intakeUrl(store, parsed, base);
    if (r.created) out.push(...(await store.requests.claim([r.request.id], ctx.runId)));
  }
  if (cfg.request_ids.length || cfg.urls.length || cfg.pipeline_job_ids.length) return out;

  if (ctx.partitionKey) {
    // Materializing one video's partition by hand: take its pending request, or make one.
    const pending = (await store.requests.list({ videoId: ctx.partitionKey, status: 'pending' })).map(
      (r) => r.id,
    );
    if (pending.length) return store.requests.claim(pending, ctx.runId);
    const video = await store.videos.get(ctx.partitionKey);
    const url =
      video?.url ??
      (isVideoId(ctx.partitionKey) ? `https://www.youtube.com/watch?v=${ctx.partitionKey}` : null);
    if (!url)
      throw new NonRetriableError(
        `Partition '${ctx.partitionKey}' is not a known video and not a YouTube id.`,
      );
    return [
      await store.requests.create({
        url,
        videoId: ctx.partitionKey,
        source: 'cli',
        force: true,
        status: 'processing',
        runId: ctx.runId,
      }),
    ];
  }
  return store.requests.claimPending(settings.sensorBatch ?? 20, ctx.runId);
}

/** One request's link → the videos it names. YouTube video links need no network. */
async function resolveVideos(
  ctx: StepContext<YoutubeUrlsConfig, RagResources>,
  request: YoutubeRequest,
): Promise<{ url: string; videoId: string }[]> {
  const parsed = parseVideoUrl(request.url);
  if (parsed.kind === 'video') return [{ url: parsed.url, videoId: parsed.videoId }];
  let entries: { url: string; videoId: string }[];
  try {
    entries = await ctx.resources.downloader.expand(parsed.url, ctx.signal);
  } catch (error) {
    if (isPermanent(error)) throw error;
    throw new Error(
      `Could not read ${parsed.kind === 'other' ? 'the page' : `the ${parsed.kind}`}: ${errorMessage(error)}`,
      {
        cause: error,
      },
    );
  }
  if (entries.length === 0) {
    throw new NonRetriableError(
      `No videos found at ${parsed.url}. Check that the ${parsed.kind === 'other' ? 'page has a video' : `${parsed.kind} is public and not empty`}.`,
    );
  }
  return entries.map((e) => ({ url: e.url, videoId: e.videoId }));
}
