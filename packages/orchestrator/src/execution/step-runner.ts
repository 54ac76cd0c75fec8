import type { PlannedStep } from '../definitions/definitions.ts';
import { serializeError, UserCodeError } from '../errors.ts';
import type { OrchestratorLogger } from '../logging/logger.ts';
import type { Run } from '../runs/types.ts';
import { abortableSleep } from './abort.ts';
import type { EventBuffer } from './event-buffer.ts';
import { retryDelayMs, shouldRetry } from './retry.ts';
import { createStepContext } from './step-context.ts';

export type StepOutcome =
  | { readonly status: 'success'; readonly value: unknown }
  | { readonly status: 'failure'; readonly error: UserCodeError }
  | { readonly status: 'skipped' }
  /** Stopped by cancellation or timeout (the run's signal). */
  | { readonly status: 'aborted' };

export interface RunStepInput {
  run: Run;
  planned: PlannedStep;
  config: unknown;
  inputs: Readonly<Record<string, unknown>>;
  resources: unknown;
  signal: AbortSignal;
  events: EventBuffer;
  logger: OrchestratorLogger | undefined;
  now: () => number;
  /** How long user code may ignore an aborted signal before it is abandoned. */
  abandonGraceMs: number;
}

/**
 * Executes one step with its retry policy: STEP_START per attempt, then STEP_SUCCESS (+ materializations
 * for assets), STEP_RETRY with the delay, or STEP_FAILURE with the serialized error and cause chain.
 * Never rejects: every way of ending is a StepOutcome.
 */
export async function runStep(input: RunStepInput): Promise<StepOutcome> {
  const { run, planned, signal, events, now } = input;
  const { step, key } = planned;
  const where = `${step.kind} '${key}'`;
  const base = { runId: run.runId, stepKey: key };
  for (let attempt = 1; ; attempt++) {
    const startedAt = now();
    events.push({
      ...base,
      timestamp: startedAt,
      type: 'STEP_START',
      level: 'info',
      message: `Started ${where} (attempt ${attempt}).`,
      data: { attempt },
    });
    const { ctx, collected } = createStepContext({
      run,
      stepKey: key,
      config: input.config,
      attempt,
      inputs: input.inputs,
      resources: input.resources,
      signal,
      events,
      logger: input.logger,
      now,
    });
    try {
      const value = await callUserCode(() => step.compute(ctx), signal, input.abandonGraceMs);
      const endedAt = now();
      const durationMs = endedAt - startedAt;
      events.push({
        ...base,
        timestamp: endedAt,
        type: 'STEP_SUCCESS',
        level: 'info',
        message: `Finished ${where} in ${durationMs} ms.`,
        data: { attempt, durationMs },
      });
      const materializations =
        step.kind === 'asset'
          ? [{ partitionKey: run.partitionKey, metadata: collected.metadata }, ...collected.reported]
          : [];
      if (step.kind === 'op' && collected.reported.length) {
        events.push({
          ...base,
          timestamp: endedAt,
          type: 'LOG',
          level: 'warn',
          message: `${where} called reportMaterialization, but only assets materialize; ignored.`,
          data: null,
        });
      }
      for (const m of materializations) {
        const partition = m.partitionKey === null ? '' : ` partition '${m.partitionKey}'`;
        // appendEvents indexes this event in the materialization history (data.assetKey/partitionKey/metadata).
        events.push({
          ...base,
          timestamp: endedAt,
          type: 'ASSET_MATERIALIZATION',
          level: 'info',
          message: `Materialized asset '${key}'${partition}.`,
          data: { assetKey: key, partitionKey: m.partitionKey, metadata: m.metadata },
        });
      }
      return { status: 'success', value };
    } catch (thrown) {
      const endedAt = now();
      const durationMs = endedAt - startedAt;
      if (signal.aborted) {
        const reason = signal.reason instanceof Error ? signal.reason.message : String(signal.reason);
        events.push({
          ...base,
          timestamp: endedAt,
          type: 'STEP_FAILURE',
          level: 'warn',
          message: `Stopped ${where}: ${reason}`,
          data: { attempt, durationMs, aborted: true, error: serializeError(signal.reason) },
        });
        return { status: 'aborted' };
      }
      const error = new UserCodeError(`${where} (attempt ${attempt})`, thrown);
      if (shouldRetry(step.retryPolicy, attempt, thrown)) {
        const delayMs = retryDelayMs(step.retryPolicy!, attempt, thrown);
        events.push({
          ...base,
          timestamp: endedAt,
          type: 'STEP_RETRY',
          level: 'warn',
          message: `${error.message} — retrying in ${delayMs} ms.`,
          data: { attempt, nextAttempt: attempt + 1, delayMs, durationMs, error: serializeError(error) },
        });
        try {
          await abortableSleep(delayMs, signal);
        } catch {
          return { status: 'aborted' };
        }
        continue;
      }
      events.push({
        ...base,
        timestamp: endedAt,
        type: 'STEP_FAILURE',
        level: 'error',
        message: error.message,
        data: { attempt, durationMs, error: serializeError(error) },
      });
      return { status: 'failure', error };
    }
  }
}

/**
 * Runs user code, but stops waiting for it `graceMs` after the signal aborts: code that ignores its
 * signal keeps running in the background (we cannot kill a promise) while the run moves on and ends.
 */
function callUserCode<T>(fn: () => T | Promise<T>, signal: AbortSignal, graceMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let graceTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      graceTimer = setTimeout(() => reject(signal.reason), graceMs);
    };
    const settle = () => {
      clearTimeout(graceTimer);
      signal.removeEventListener('abort', onAbort);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    Promise.resolve()
      .then(fn)
      .then(
        (v) => {
          settle();
          resolve(v);
        },
        (e) => {
          settle();
          reject(e);
        },
      );
  });
}
