import { defineSensor, type RunRequest, type SensorResult } from '@llm-rag-yt/orchestrator';
import type { YoutubeRequest } from '../../service/types.ts';
import { parseVideoUrl } from '../../youtube/url.ts';
import { requestRunTags, staleRequests } from '../reconcile.ts';
import { type RagResources, VIDEO_PARTITIONS } from '../resources.ts';

export { requestRunTags } from '../reconcile.ts';

/** Run key of a request's attempt: a retried request (attempts + 1) gets a new run. */
export function requestRunKey(r: Pick<YoutubeRequest, 'id' | 'attempts'>): string {
  return `youtube_request:${r.id}:${r.attempts}`;
}

/**
 * Every 30 s (and at once when woken by the app). Reads only — sensors return data, work happens in
 * runs: each pending request becomes one youtube_processing_job run for its video's partition;
 * each queued pipeline_jobs row becomes one run (with the job's priority) whose first step turns it
 * into requests through the intake; requests whose run ended without finishing them get one
 * reconcile_requests_job run that marks them failed with the run's reason.
 */
export const youtubeUrlSensor = defineSensor<RagResources>({
  name: 'youtube_url_sensor',
  job: 'youtube_processing_job',
  description:
    'Detects new YouTube URLs in the database (youtube_requests and pipeline_jobs) and starts their processing.',
  minimumIntervalSeconds: 30,
  defaultStatus: 'RUNNING',
  evaluate: async (ctx): Promise<SensorResult> => {
    const { store, settings } = ctx.resources;
    const batch = settings.sensorBatch ?? 20;
    const runRequests: RunRequest[] = [];
    const partitions: string[] = [];
    for (const job of await store.getPendingJobs(batch)) {
      const videoId = singleVideoOf(job.jobData);
      if (videoId) partitions.push(videoId);
      runRequests.push({
        runKey: `pipeline_job:${job.id}`,
        ...(videoId ? { partitionKey: videoId } : {}),
        runConfig: { ops: { youtube_urls_to_process: { config: { pipeline_job_ids: [job.id] } } } },
        tags: {
          pipeline_job_id: String(job.id),
          source: 'pipeline_jobs',
          ...(videoId ? { video_id: videoId } : {}),
        },
        priority: job.priority,
      });
    }
    for (const r of await store.requests.listPending(batch)) {
      if (r.videoId) partitions.push(r.videoId);
      runRequests.push({
        runKey: requestRunKey(r),
        ...(r.videoId ? { partitionKey: r.videoId } : {}),
        runConfig: { ops: { youtube_urls_to_process: { config: { request_ids: [r.id] } } } },
        tags: { ...requestRunTags(r), source: r.source, ...(r.videoId ? { video_id: r.videoId } : {}) },
        priority: r.priority,
      });
    }
    const runs = ctx.resources.orchestrator?.runs;
    const stale = runs ? await staleRequests(store, runs) : [];
    if (stale.length) {
      const ids = stale.map((s) => s.request.id).sort((a, b) => a - b);
      runRequests.push({
        jobName: 'reconcile_requests_job',
        runKey: `reconcile:${ids.map((id) => `${id}.${stale.find((s) => s.request.id === id)!.run.runId}`).join(',')}`,
        runConfig: { ops: { reconcile_requests: { config: { request_ids: ids } } } },
      });
    }
    if (runRequests.length === 0) return { skipReason: 'No pending requests.' };
    return {
      runRequests,
      addPartitions: partitions.length ? { [VIDEO_PARTITIONS]: [...new Set(partitions)] } : {},
    };
  },
});

/** The video id when a pipeline job names exactly one YouTube video (its run gets that partition). */
function singleVideoOf(data: Record<string, unknown> | null | undefined): string | null {
  const urls = [
    ...(typeof data?.url === 'string' ? [data.url] : []),
    ...(Array.isArray(data?.urls) ? data.urls : []),
  ];
  if (urls.length !== 1 || typeof urls[0] !== 'string') return null;
  try {
    const parsed = parseVideoUrl(urls[0]);
    return parsed.kind === 'video' ? parsed.videoId : null;
  } catch {
    return null;
  }
}
