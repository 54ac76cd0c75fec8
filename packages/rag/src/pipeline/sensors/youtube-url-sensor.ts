import { defineSensor, type RunRequest, type SensorResult } from '@llm-rag-yt/orchestrator';
import type { YoutubeRequest } from '../../service/types.ts';
import { REQUEST } from '../../store/request-lifecycle.ts';
import { type RagResources, VIDEO_PARTITIONS } from '../resources.ts';
import { executePipelineJobs } from './pipeline-jobs-executor.ts';

/** Run key of a request's attempt: a retried request (attempts + 1) gets a new run. */
export function requestRunKey(r: Pick<YoutubeRequest, 'id' | 'attempts'>): string {
  return `youtube_request:${r.id}:${r.attempts}`;
}

/** Tags that find a request attempt's run (run keys are namespaced by the daemon, tags are not). */
export function requestRunTags(r: Pick<YoutubeRequest, 'id' | 'attempts'>): Record<string, string> {
  return { request_id: String(r.id), request_attempt: String(r.attempts) };
}

/**
 * Every 30 s (and at once when woken by the app): queued pipeline_jobs become requests, and each
 * pending request becomes one youtube_processing_job run for its video's partition. Requests whose
 * run ended without finishing them are marked failed with the run's reason.
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
    const priorities = await executePipelineJobs(store, batch);
    const reconciled = await reconcile(ctx.resources);
    const pending = await store.requests.listPending(batch);
    const runRequests: RunRequest[] = [];
    const partitions: string[] = [];
    for (const r of pending) {
      if (r.videoId) partitions.push(r.videoId);
      runRequests.push({
        runKey: requestRunKey(r),
        ...(r.videoId ? { partitionKey: r.videoId } : {}),
        runConfig: { ops: { youtube_urls_to_process: { config: { request_ids: [r.id] } } } },
        tags: { ...requestRunTags(r), source: r.source, ...(r.videoId ? { video_id: r.videoId } : {}) },
        priority: priorities.get(r.id) ?? r.priority,
      });
    }
    if (runRequests.length === 0) {
      return {
        skipReason: `No pending requests${reconciled ? ` (${reconciled} stale request(s) marked failed)` : ''}.`,
      };
    }
    return {
      runRequests,
      addPartitions: partitions.length ? { [VIDEO_PARTITIONS]: [...new Set(partitions)] } : {},
    };
  },
});

/**
 * Marks requests failed whose run is over but left them unfinished (canceled while queued,
 * timed out, worker lost). Without this a request would show "downloading…" forever.
 */
async function reconcile(resources: RagResources): Promise<number> {
  const runs = resources.orchestrator?.runs;
  if (!runs) return 0;
  const { store } = resources;
  let n = 0;
  for (const r of await store.requests.list({ statuses: ['pending', 'processing'], limit: 200 })) {
    const run = r.runId
      ? await runs.getRun(r.runId)
      : r.status === 'pending'
        ? (await runs.listRuns({ tags: requestRunTags(r), limit: 1 }))[0]
        : undefined;
    if (!run || !['SUCCESS', 'FAILURE', 'CANCELED'].includes(run.status)) continue;
    const reason =
      run.status === 'CANCELED'
        ? `Run ${run.runId} was canceled.`
        : run.status === 'FAILURE'
          ? `Run ${run.runId} failed: ${run.error?.message ?? 'see the run log'}`
          : `Run ${run.runId} finished without completing this request.`;
    await store.requests.transition(r.id, REQUEST.fail, {
      stage: 'failed',
      error: reason,
      errorPermanent: false,
    });
    n++;
  }
  return n;
}
