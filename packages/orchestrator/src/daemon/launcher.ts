import type { Run } from '../runs/types.ts';

/**
 * What the daemon needs of a launcher (launchers/types.ts `RunLauncher` satisfies it):
 * hand a STARTING run to something that executes it, ask it to stop one, and say which runs this
 * process is executing right now (so the monitor can tell a live local run from one left behind).
 */
export interface DaemonLauncher {
  launch(run: Run): Promise<unknown> | unknown;
  /** Optional: hands several runs over at once (one queue round trip); all or none. */
  launchMany?(runs: readonly Run[]): Promise<unknown>;
  cancel(runId: string): Promise<unknown> | unknown;
  activeRunIds(): Iterable<string>;
}
