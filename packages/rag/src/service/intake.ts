import type { RagStore } from '../store/rag-store.ts';
import type { NewRequest } from '../store/requests.ts';
import type { ParsedVideoUrl } from '../youtube/url.ts';
import type { YoutubeRequest } from './types.ts';

export interface IntakeResult {
  readonly request: YoutubeRequest;
  /** A new request that a run must process (false: joined an active one, or already indexed). */
  readonly created: boolean;
  /** The video is indexed already and `force` was not given: the request is stored completed. */
  readonly alreadyIndexed: string | null;
}

/**
 * The one way a link becomes a youtube_request (CLI, web, API, bot and pipeline_jobs all come here).
 * Every kind of link is de-duplicated: a YouTube video by its id, any other page by its URL, against
 * requests still pending or processing (the same page 200 times is one request and one download).
 * A video already indexed — a YouTube id, or a page whose indexed video came from this exact URL —
 * is reported as done without any download, unless `force`.
 */
export async function intakeUrl(
  store: RagStore,
  parsed: ParsedVideoUrl,
  base: Omit<NewRequest, 'url' | 'videoId' | 'status' | 'stage'>,
): Promise<IntakeResult> {
  const videoId = parsed.kind === 'video' ? parsed.videoId : null;
  if (!base.force) {
    const indexed = videoId
      ? await store.videos.get(videoId).then((v) => (v?.status === 'indexed' ? v : undefined))
      : await store.videos.findIndexedByUrl(parsed.url);
    if (indexed) {
      const request = await store.requests.create({
        ...base,
        url: parsed.url,
        videoId: indexed.videoId,
        status: 'completed',
        stage: 'done',
      });
      return { request, created: false, alreadyIndexed: indexed.videoId };
    }
  }
  const { request, created } = await store.requests.createDeduped({ ...base, url: parsed.url, videoId });
  return { request, created, alreadyIndexed: null };
}
