import type { MetadataValue } from '@llm-rag-yt/orchestrator';
import { errorMessage, isPermanentFailure, type StepContext } from '@llm-rag-yt/orchestrator';
import type { RequestStage } from '../service/types.ts';
import type { RagStore } from '../store/rag-store.ts';
import { REQUEST } from '../store/request-lifecycle.ts';
import type { VideoWork } from './work-items.ts';

/** True when retrying cannot help (NonRetriableError or invalid input; across module copies too). */
export const isPermanent = isPermanentFailure;

/** Moves requests to a stage (status processing). Requests are what the bot and web show. */
export async function enterStage(
  store: RagStore,
  requestIds: readonly number[],
  stage: RequestStage,
): Promise<void> {
  for (const id of requestIds) await store.requests.transition(id, REQUEST.advance, { stage });
}

export async function recordTiming(
  store: RagStore,
  requestIds: readonly number[],
  stage: RequestStage,
  ms: number,
): Promise<void> {
  for (const id of requestIds) await store.requests.recordTiming(id, stage, ms);
}

export async function failRequests(
  store: RagStore,
  requestIds: readonly number[],
  error: unknown,
  where: string,
): Promise<void> {
  const message = `${where}: ${errorMessage(error)}`;
  for (const id of requestIds) {
    // Only active requests: a failed or canceled one keeps its first reason ("Canceled by the user.").
    await store.requests.transition(id, REQUEST.fail, {
      stage: 'failed',
      error: message.slice(0, 2000),
      errorPermanent: isPermanent(error),
    });
  }
}

export async function completeRequests(store: RagStore, requestIds: readonly number[]): Promise<void> {
  for (const id of requestIds)
    await store.requests.transition(id, REQUEST.complete, { stage: 'done', error: null });
}

type MetadataInput = Record<string, MetadataValue | number | string | boolean | null>;

/**
 * Records a video's materialization: in a run for that video's partition it is the step's own
 * metadata; in a multi-video run (a playlist, a batch) each video gets its own partition entry.
 */
export function recordVideo(ctx: StepContext<any, any>, videoId: string, metadata: MetadataInput): void {
  if (ctx.partitionKey === videoId) ctx.addMetadata(metadata);
  else ctx.reportMaterialization({ partitionKey: videoId, metadata });
}

/**
 * Runs one video's part of a step. A failure marks that video's requests failed (so the user sees
 * the reason) and lets the other videos of the run continue. In a run for one video's partition
 * the error is rethrown so the step fails (and retries, when retriable and attempts remain);
 * the requests are only marked failed on the last attempt, so a retry does not flash "failed".
 */
export async function forEachVideo<W extends VideoWork, T>(
  ctx: StepContext<any, any>,
  store: RagStore,
  items: readonly W[],
  opts: { where: string; maxRetries: number },
  fn: (item: W) => Promise<T>,
): Promise<{ done: T[]; failed: { item: W; error: unknown }[] }> {
  const done: T[] = [];
  const failed: { item: W; error: unknown }[] = [];
  for (const item of items) {
    ctx.throwIfAborted();
    try {
      done.push(await fn(item));
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      const single = ctx.partitionKey !== null && ctx.partitionKey === item.videoId;
      const lastAttempt = isPermanent(error) || ctx.attempt > opts.maxRetries;
      if (!single || lastAttempt) await failRequests(store, item.requestIds, error, opts.where);
      ctx.log.error(`${opts.where} failed for video ${item.videoId}: ${errorMessage(error)}`, {
        videoId: item.videoId,
        permanent: isPermanent(error),
      });
      if (single) throw error;
      failed.push({ item, error });
    }
  }
  return { done, failed };
}
