import type { RunStatus } from '../runs/types.ts';
import type { RunStorage } from '../storage/types.ts';
import { RunCanceledError, RunTimeoutError } from './abort.ts';
import { type CancelWatch, createCancelWatch } from './cancel-watch.ts';

export interface RunSignalOptions {
  runId: string;
  runs: RunStorage;
  /** The caller's signal (launcher cancel, worker shutdown). */
  signal?: AbortSignal;
  timeoutMs: number;
  /** How often to look for CANCELING in storage, so a cancel from another process is seen. */
  pollMs: number;
  /** A worker's shared check of all its runs; without one, the run gets a check of its own. */
  watch?: CancelWatch;
  onPollError?: (error: unknown) => void;
}

/**
 * One AbortSignal per run that fires when (a) the caller's signal aborts, (b) the run's stored status
 * becomes CANCELING (or leaves STARTED because another process took over), or (c) the timeout passes.
 * The reason is a RunCanceledError or RunTimeoutError. `dispose()` stops the timers.
 */
export function createRunSignal(opts: RunSignalOptions): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const abort = (reason: Error) => {
    if (!controller.signal.aborted) controller.abort(reason);
  };
  const onCallerAbort = () => {
    const r = opts.signal?.reason;
    abort(
      new RunCanceledError(
        opts.runId,
        r instanceof Error ? r.message : r ? String(r) : 'stopped by its launcher',
      ),
    );
  };
  if (opts.signal?.aborted) onCallerAbort();
  else opts.signal?.addEventListener('abort', onCallerAbort, { once: true });

  const timeout = setTimeout(() => abort(new RunTimeoutError(opts.runId, opts.timeoutMs)), opts.timeoutMs);
  const onStatus = (status: RunStatus | undefined) => {
    if (status === undefined) abort(new RunCanceledError(opts.runId, 'the run was deleted from storage'));
    else if (status === 'CANCELING') abort(new RunCanceledError(opts.runId, 'cancel requested'));
    else if (status !== 'STARTED')
      abort(new RunCanceledError(opts.runId, `another process moved it to ${status}`));
  };
  const watch =
    opts.watch ?? createCancelWatch({ runs: opts.runs, pollMs: opts.pollMs, onPollError: opts.onPollError });
  const unwatch = watch.watch(opts.runId, onStatus);
  // A finished worker must not stay alive for a run's timers.
  timeout.unref?.();
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timeout);
      unwatch();
      if (watch !== opts.watch) watch.close();
      opts.signal?.removeEventListener('abort', onCallerAbort);
    },
  };
}
