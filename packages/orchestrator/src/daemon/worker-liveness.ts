import type { DaemonHeartbeat } from '../storage/types.ts';

/** Heartbeat info every process writes, so others can tell it is alive. */
export interface ProcessInfo {
  readonly hostname: string;
  readonly pid: number;
}

export interface LivenessInput {
  readonly heartbeats: readonly DaemonHeartbeat[];
  readonly now: number;
  /** A heartbeat older than this means the process is gone. */
  readonly staleAfterMs: number;
  readonly self: ProcessInfo;
  /** `kill(pid, 0)` check for processes on this host; injectable for tests. */
  readonly isPidAlive: (pid: number) => boolean;
}

/**
 * Why a worker is considered dead, or null when it looks alive. Pure except for the injected pid
 * check. A heartbeat from this host whose pid no longer exists is dead at once, so a daemon that
 * restarts after a crash recovers the runs of its previous incarnation immediately instead of
 * waiting for the heartbeat to go stale.
 */
export function workerDeathReason(workerId: string, input: LivenessInput): string | null {
  const hb = input.heartbeats.find((h) => h.daemonId === workerId);
  if (!hb) return `worker '${workerId}' has no heartbeat`;
  const age = input.now - hb.timestamp;
  if (age > input.staleAfterMs) {
    return `worker '${workerId}' stopped heartbeating ${Math.round(age / 1000)} s ago (limit ${Math.round(input.staleAfterMs / 1000)} s)`;
  }
  const host = hb.info.hostname;
  const pid = hb.info.pid;
  if (
    host === input.self.hostname &&
    typeof pid === 'number' &&
    pid !== input.self.pid &&
    !input.isPidAlive(pid)
  ) {
    return `worker '${workerId}' (pid ${pid} on ${host}) is no longer running`;
  }
  return null;
}

export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
