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
 * Turns pending pipeline_jobs rows (highest priority first, FIFO within a priority) into
 * youtube_requests. Returns the priority of each created request so the caller can launch the
 * runs with it. A job is 'completed' once its requests exist (their progress lives on the
 * requests), or 'failed' with the reason.
 */
export async function executePipelineJobs(store: RagStore, limit: number): Promise<Map<number, number>> {
  const priorities = new Map<number, number>();
  for (const job of await store.getPendingJobs(limit)) {
    if (!(await store.pipelineJobs.transition(job.id, 'pending', 'running'))) continue; // another daemon took it
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
        const { request } = await intakeUrl(store, parsed, {
          userId: typeof data.user_id === 'number' ? data.user_id : null,
          language: typeof data.language === 'string' ? data.language : 'auto',
          force: data.force === true,
          source: 'pipeline_jobs',
        });
        priorities.set(request.id, job.priority);
        ids.push(request.id);
      }
      await store.pipelineJobs.transition(job.id, 'running', 'completed', { error: null });
    } catch (error) {
      await store.pipelineJobs.transition(job.id, 'running', 'failed', {
        error: `pipeline_jobs #${job.id}: ${errorMessage(error)}`,
      });
    }
  }
  return priorities;
}
