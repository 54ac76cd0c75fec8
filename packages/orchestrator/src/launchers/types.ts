import type { Run } from '../runs/types.ts';

/**
 * Hands runs to whatever executes them (this process, or workers behind a queue). The daemon calls
 * `launch` after moving a run to STARTING; the executor then moves it to STARTED and on to its end.
 */
export interface RunLauncher {
  /** Starts (or enqueues) the run and returns without waiting for it to finish. */
  launch(run: Run): Promise<void>;
  /** Optional: launches several runs at once (one queue round trip); all or none. */
  launchMany?(runs: readonly Run[]): Promise<void>;
  /** Stops the run's user code as soon as possible, if this launcher (or its workers) runs it. */
  cancel(runId: string): Promise<void>;
  /** Runs launched here and not finished yet. */
  activeRunIds(): string[];
  /** Releases connections; in-process runs are canceled and awaited. */
  close(): Promise<void>;
}
