import type { RagStore } from '../store/rag-store.ts';
import { parseVideoUrl } from '../youtube/url.ts';
import { intakeUrl } from './intake.ts';
import type { SubmitOptions, SubmitResult, YoutubeRequest } from './types.ts';

/**
 * Validates and stores links as youtube_requests through the one intake path (`intakeUrl`): a
 * YouTube link is checked without network and de-duplicated by video id, any other link by its
 * URL; an already indexed video is reported as done unless `force`; a link already queued returns
 * its existing request. Playlists, channels and other sites are expanded by the pipeline.
 */
export async function submitUrls(
  store: RagStore,
  urls: readonly string[],
  opts: SubmitOptions = {},
): Promise<SubmitResult & { alreadyIndexed: string[]; created: number }> {
  const requests: YoutubeRequest[] = [];
  const rejected: { url: string; reason: string }[] = [];
  const alreadyIndexed: string[] = [];
  const seen = new Set<string>();
  let created = 0;
  const base = {
    userId: opts.userId ?? null,
    chatId: opts.chatId ?? null,
    language: opts.language ?? 'auto',
    force: opts.force ?? false,
    source: opts.source ?? 'cli',
  } as const;

  for (const input of urls) {
    let parsed: ReturnType<typeof parseVideoUrl>;
    try {
      parsed = parseVideoUrl(input);
    } catch (e) {
      rejected.push({ url: input, reason: (e as Error).message });
      continue;
    }
    const key = parsed.kind === 'video' ? parsed.videoId : parsed.url;
    if (seen.has(key)) continue; // the same video twice in one message
    seen.add(key);
    const r = await intakeUrl(store, parsed, base);
    if (r.created) created++;
    if (r.alreadyIndexed) alreadyIndexed.push(r.alreadyIndexed);
    requests.push(r.request);
  }
  if (opts.userId !== undefined) {
    await store.activity.add({
      userId: opts.userId,
      action: 'submit_urls',
      details: { urls: urls.length, requests: requests.map((r) => r.id), rejected: rejected.length },
    });
  }
  return { requests, rejected, alreadyIndexed, created };
}
