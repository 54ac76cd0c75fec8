import type { Definitions } from '../definitions/definitions.ts';
import { serializeError } from '../errors.ts';
import { executeRun } from '../execution/executor.ts';
import type { OrchestratorLogger } from '../logging/logger.ts';
import type { Run } from '../runs/types.ts';
import type { Storage } from '../storage/types.ts';
import type { RunLauncher } from './types.ts';

export interface InProcessLauncherOptions {
  storage: Storage;
  definitions: Definitions;
  workerId: string;
  runTimeoutMs?: number;
  logger?: OrchestratorLogger;
  /** Called after each run ends (e.g. to let the queue admit the next run at once). */
  onRunEnded?: (run: Run) => void;
}

/** Executes runs in this process (the embedded default). `cancel` aborts the run's signal at once. */
export class InProcessLauncher implements RunLauncher {
  private readonly active = new Map<string, { controller: AbortController; done: Promise<void> }>();

  constructor(private readonly opts: InProcessLauncherOptions) {}

  async launch(run: Run): Promise<void> {
    if (this.active.has(run.runId)) return;
    const controller = new AbortController();
    const { storage, definitions, workerId, runTimeoutMs, logger } = this.opts;
    const done = executeRun(run.runId, {
      storage,
      definitions,
      workerId,
      runTimeoutMs,
      logger,
      signal: controller.signal,
    })
      .then((ended) => this.opts.onRunEnded?.(ended))
      .catch((e) => {
        // Only storage failures reach here; the run monitor fails or re-queues runs left behind.
        logger?.error({ runId: run.runId, err: serializeError(e) }, 'run execution crashed');
      })
      .finally(() => this.active.delete(run.runId));
    this.active.set(run.runId, { controller, done });
  }

  async cancel(runId: string): Promise<void> {
    this.active.get(runId)?.controller.abort(new Error('canceled through the in-process launcher'));
  }

  activeRunIds(): string[] {
    return [...this.active.keys()];
  }

  /** Resolves when no run launched here is still executing. */
  async whenIdle(): Promise<void> {
    while (this.active.size) await Promise.all([...this.active.values()].map((a) => a.done));
  }

  async close(): Promise<void> {
    for (const a of this.active.values()) a.controller.abort(new Error('the launcher is shutting down'));
    await this.whenIdle();
  }
}
