import { OrchestratorError, UnknownNameError } from '../errors.ts';
import { isTerminal } from '../runs/status-machine.ts';
import type { Run, RunEvent } from '../runs/types.ts';
import type { Storage } from '../storage/types.ts';

/**
 * Polls a run until it is terminal, handing every new event to `onEvent` in order (the last
 * events are drained after the run ends, so nothing is missed). Works across processes.
 */
export async function waitForRun(
  storage: Storage,
  runId: string,
  opts: { signal?: AbortSignal; onEvent?: (e: RunEvent) => void; pollMs?: number } = {},
): Promise<Run> {
  const pollMs = opts.pollMs ?? 200;
  let afterId = 0;
  const drain = async () => {
    if (!opts.onEvent) return;
    for (;;) {
      const batch = await storage.events.listEvents(runId, { afterId, limit: 1000 });
      for (const e of batch) {
        afterId = e.id;
        opts.onEvent(e);
      }
      if (batch.length < 1000) return;
    }
  };
  for (;;) {
    if (opts.signal?.aborted) {
      throw new OrchestratorError(
        'RUN_CANCELED',
        `Stopped waiting for run ${runId} (the wait was aborted).`,
        {
          cause: opts.signal.reason,
        },
      );
    }
    const run = await storage.runs.getRun(runId);
    if (!run) throw new UnknownNameError('run', runId, []);
    await drain();
    if (isTerminal(run.status)) {
      await drain();
      return run;
    }
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, pollMs);
      opts.signal?.addEventListener(
        'abort',
        () => {
          clearTimeout(t);
          resolve();
        },
        { once: true },
      );
    });
  }
}
