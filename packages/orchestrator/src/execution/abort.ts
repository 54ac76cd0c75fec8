import { OrchestratorError } from '../errors.ts';

/** The reason a run's AbortSignal fires when the run is canceled (by a user, a launcher or a shutdown). */
export class RunCanceledError extends OrchestratorError {
  constructor(runId: string, why: string) {
    super('RUN_CANCELED', `Run ${runId} was canceled: ${why}.`);
    this.name = 'RunCanceledError';
  }
}

/** The reason a run's AbortSignal fires when the run exceeds its timeout. */
export class RunTimeoutError extends OrchestratorError {
  readonly timeoutMs: number;
  constructor(runId: string, timeoutMs: number) {
    super(
      'RUN_TIMEOUT',
      `Run ${runId} timed out after ${formatSeconds(timeoutMs)} s. Raise the job's timeoutSeconds or the instance run timeout if it needs longer.`,
    );
    this.name = 'RunTimeoutError';
    this.timeoutMs = timeoutMs;
  }
}

function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return Number.isInteger(s) ? String(s) : s.toFixed(1);
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts (at once if it has). */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
