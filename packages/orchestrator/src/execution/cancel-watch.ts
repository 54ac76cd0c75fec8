import type { RunStatus } from '../runs/types.ts';
import type { RunStorage } from '../storage/types.ts';

/**
 * One cancel check for every run a worker executes: a single timer and, per tick, one query for the
 * statuses of all watched runs (instead of a timer and a `getRun` per run every `pollMs`). It is the
 * fallback for a cancel broadcast that was missed; `createRunSignal` turns what it reports into aborts.
 */
export interface CancelWatch {
  /**
   * Reports the run's stored status (undefined: deleted) at each tick while it is not STARTED, until the
   * returned function is called.
   */
  watch(runId: string, onChange: (status: RunStatus | undefined) => void): () => void;
  /** Stops the timer; watched runs are no longer checked. */
  close(): void;
}

export interface CancelWatchOptions {
  runs: RunStorage;
  /** How often storage is read. */
  pollMs: number;
  onPollError?: (error: unknown) => void;
}

/** @example const watch = createCancelWatch({ runs: storage.runs, pollMs: 300 }) */
export function createCancelWatch(opts: CancelWatchOptions): CancelWatch {
  const watched = new Map<string, (status: RunStatus | undefined) => void>();
  let timer: NodeJS.Timeout | null = null;
  let polling = false;
  let closed = false;
  const tick = async () => {
    if (polling || watched.size === 0) return;
    polling = true;
    try {
      const ids = [...watched.keys()];
      const statuses = await opts.runs.getRunStatuses(ids);
      for (const id of ids) {
        const status = statuses.get(id);
        if (status !== 'STARTED') watched.get(id)?.(status);
      }
    } catch (e) {
      opts.onPollError?.(e);
    } finally {
      polling = false;
    }
  };
  const stopTimer = () => {
    if (timer) clearInterval(timer);
    timer = null;
  };
  return {
    watch(runId, onChange) {
      watched.set(runId, onChange);
      if (!timer && !closed) {
        timer = setInterval(tick, opts.pollMs);
        // A finished worker must not stay alive for this timer.
        timer.unref?.();
      }
      return () => {
        if (watched.get(runId) === onChange) watched.delete(runId);
        if (watched.size === 0) stopTimer();
      };
    },
    close() {
      closed = true;
      stopTimer();
      watched.clear();
    },
  };
}
