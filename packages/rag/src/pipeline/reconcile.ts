import { defineJob, defineOp, isTerminal, type Run, type RunStorage, z } from '@llm-rag-yt/orchestrator';
import type { YoutubeRequest } from '../service/types.ts';
import type { RagStore } from '../store/rag-store.ts';
import { REQUEST } from '../store/request-lifecycle.ts';
import type { RagResources } from './resources.ts';

/** Run tags that find a request attempt's run (run keys are namespaced by the daemon, tags are not). */
export function requestRunTags(r: Pick<YoutubeRequest, 'id' | 'attempts'>): Record<string, string> {
  return { request_id: String(r.id), request_attempt: String(r.attempts) };
}

/**
 * Requests whose run is over but left them unfinished (canceled while queued, failed for good by
 * the run monitor, plan errors), with the reason. Reads only: youtube_url_sensor uses it to ask
 * for a reconcile_requests_job run, which does the writing.
 */
export async function staleRequests(
  store: RagStore,
  runs: RunStorage,
): Promise<{ request: YoutubeRequest; run: Run }[]> {
  const out: { request: YoutubeRequest; run: Run }[] = [];
  for (const r of await store.requests.list({ statuses: ['pending', 'processing'], limit: 200 })) {
    const run = r.runId
      ? await runs.getRun(r.runId)
      : r.status === 'pending'
        ? (await runs.listRuns({ tags: requestRunTags(r), limit: 1 }))[0]
        : undefined;
    if (run && isTerminal(run.status)) out.push({ request: r, run });
  }
  return out;
}

function reasonOf(run: Run): string {
  return run.status === 'CANCELED'
    ? `Run ${run.runId} was canceled.`
    : run.status === 'FAILURE'
      ? `Run ${run.runId} failed: ${run.error?.message ?? 'see the run log'}`
      : `Run ${run.runId} finished without completing this request.`;
}

const reconcileConfig = z.object({ request_ids: z.array(z.number().int()).default([]) });

/** Marks the given requests failed with their run's reason — if they are still stale (compare-and-set). */
export const reconcileRequestsOp = defineOp<z.infer<typeof reconcileConfig>, RagResources>({
  key: 'reconcile_requests',
  description: 'Marks requests failed whose run ended without finishing them, with the run’s reason.',
  config: reconcileConfig as any,
  compute: async (ctx) => {
    const runs = ctx.resources.orchestrator?.runs;
    const ids = new Set(ctx.config?.request_ids ?? []);
    if (!runs || ids.size === 0) return { failed: 0 };
    let failed = 0;
    for (const { request, run } of await staleRequests(ctx.resources.store, runs)) {
      if (!ids.has(request.id)) continue;
      const moved = await ctx.resources.store.requests.transition(request.id, REQUEST.fail, {
        stage: 'failed',
        error: reasonOf(run),
        errorPermanent: false,
      });
      if (moved) failed++;
    }
    ctx.addMetadata({ failed });
    return { failed };
  },
});

export const reconcileRequestsJob = defineJob({
  name: 'reconcile_requests_job',
  description:
    'Marks requests failed whose run ended without finishing them (started by youtube_url_sensor).',
  ops: [reconcileRequestsOp],
  tags: { pipeline: 'housekeeping' },
});
