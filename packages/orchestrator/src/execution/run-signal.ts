import type { RunStorage } from '../storage/types.ts';
import { RunCanceledError, RunTimeoutError } from './abort.ts';

export interface RunSignalOptions {
  runId: string;
  runs: RunStorage;
  /** The caller's signal (launcher cancel, worker shutdown). */
  signal?: AbortSignal;
  timeoutMs: number;
  /** How often to look for CANCELING in storage, so a cancel from another process is seen. */
  pollMs: number;
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
  let polling = false;
  const poll = setInterval(async () => {
    if (polling || controller.signal.aborted) return;
    polling = true;
    try {
      const run = await opts.runs.getRun(opts.runId);
      if (!run) abort(new RunCanceledError(opts.runId, 'the run was deleted from storage'));
      else if (run.status === 'CANCELING') abort(new RunCanceledError(opts.runId, 'cancel requested'));
      else if (run.status !== 'STARTED')
        abort(new RunCanceledError(opts.runId, `another process moved it to ${run.status}`));
    } catch (e) {
      opts.onPollError?.(e);
    } finally {
      polling = false;
    }
  }, opts.pollMs);
  // A finished worker must not stay alive for a run's timers.
  timeout.unref?.();
  poll.unref?.();
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timeout);
      clearInterval(poll);
      opts.signal?.removeEventListener('abort', onCallerAbort);
    },
  };
}
