import { errorMessage } from '@llm-rag-yt/orchestrator';
import { intakeUrl } from '../../service/intake.ts';
import type { RagStore } from '../../store/rag-store.ts';
import { type ParsedVideoUrl, parseVideoUrl } from '../../youtube/url.ts';

/** pipeline_jobs job types that mean "ingest these URLs". */
export const YOUTUBE_JOB_TYPES: ReadonlySet<string> = new Set([
  'youtube_processing',
  'youtube_processing_job',
  'youtube',
  'youtube_url',
]);

/**
 * Turns the given pending pipeline_jobs rows into youtube_requests through the one intake path,
 * inside the run youtube_url_sensor asked for (the sensor only reads). Returns the ids of the
 * requests that are new (a link already in flight joins its request, which its own run processes).
 * A job is 'completed' once its requests exist (their progress lives on the requests), or 'failed'
 * with the reason.
 */
export async function executePipelineJobs(store: RagStore, jobIds: readonly number[]): Promise<number[]> {
  const created: number[] = [];
  for (const id of jobIds) {
    const job = await store.pipelineJobs.get(id);
    if (!job) continue;
    if (!(await store.pipelineJobs.transition(job.id, 'pending', 'running'))) continue; // another run took it
    try {
      if (!YOUTUBE_JOB_TYPES.has(job.jobType)) {
        throw new Error(`unknown job_type '${job.jobType}'; supported: ${[...YOUTUBE_JOB_TYPES].join(', ')}`);
      }
      const data = job.jobData as {
        url?: unknown;
        urls?: unknown;
        user_id?: unknown;
        language?: unknown;
        force?: unknown;
      };
      const urls = [
        ...(typeof data.url === 'string' ? [data.url] : []),
        ...(Array.isArray(data.urls) ? data.urls : []),
      ];
      if (urls.length === 0) throw new Error('job_data needs "url" (string) or "urls" (array of strings)');
      const ids: number[] = [];
      for (const url of urls) {
        if (typeof url !== 'string')
          throw new Error(`job_data.urls contains a non-string: ${JSON.stringify(url)}`);
        let parsed: ParsedVideoUrl;
        try {
          parsed = parseVideoUrl(url);
        } catch (e) {
          // Invalid links still become requests, so the reason is stored where users look.
          const request = await store.requests.create({
            url,
            source: 'pipeline_jobs',
            status: 'failed',
            stage: 'failed',
            error: `Checking the link: ${errorMessage(e)}`,
            errorPermanent: true,
          });
          ids.push(request.id);
          continue;
        }
        // The same intake as the CLI, web and bot: de-duplicated, already indexed reported as done.
        const r = await intakeUrl(store, parsed, {
          userId: typeof data.user_id === 'number' ? data.user_id : null,
          language: typeof data.language === 'string' ? data.language : 'auto',
          force: data.force === true,
          source: 'pipeline_jobs',
          priority: job.priority,
        });
        if (r.created) created.push(r.request.id);
        ids.push(r.request.id);
      }
      await store.pipelineJobs.transition(job.id, 'running', 'completed', { error: null });
    } catch (error) {
      await store.pipelineJobs.transition(job.id, 'running', 'failed', {
        error: `pipeline_jobs #${job.id}: ${errorMessage(error)}`,
      });
    }
  }
  return created;
}
