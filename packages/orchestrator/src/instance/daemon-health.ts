import type { Storage } from '../storage/types.ts';

export interface HeartbeatHealth {
  readonly daemonId: string;
  readonly daemonType: string;
  readonly timestamp: number;
  readonly ageMs: number;
  readonly fresh: boolean;
  readonly info: Record<string, unknown>;
}

export interface DaemonHealth {
  /** True when at least one process of type 'daemon' heartbeated recently. */
  readonly healthy: boolean;
  readonly heartbeats: readonly HeartbeatHealth[];
  /** Human summary for `daemon status` and /readyz. */
  readonly summary: string;
}

/**
 * Heartbeats and their freshness. A heartbeat older than `staleAfterMs` (default 15 s: three
 * missed 5 s beats, the same rule the run monitor uses) counts as a dead process.
 */
/** A heartbeat older than this (three missed 5 s beats) means the process is gone; shared by the run monitor, CLI and web. */
export const HEARTBEAT_STALE_AFTER_MS = 15_000;

export async function describeDaemonHealth(
  storage: Storage,
  now: number,
  opts: { staleAfterMs?: number } = {},
): Promise<DaemonHealth> {
  const staleAfterMs = opts.staleAfterMs ?? HEARTBEAT_STALE_AFTER_MS;
  const heartbeats = (await storage.daemon.listHeartbeats())
    .map((h) => ({ ...h, ageMs: now - h.timestamp, fresh: now - h.timestamp <= staleAfterMs }))
    .sort((a, b) => a.daemonType.localeCompare(b.daemonType) || a.daemonId.localeCompare(b.daemonId));
  const daemons = heartbeats.filter((h) => h.daemonType === 'daemon');
  const live = daemons.filter((h) => h.fresh);
  const healthy = live.length > 0;
  const summary = healthy
    ? `daemon running: ${live.map((h) => `${h.daemonId}${h.info.leader ? ' (leader)' : ''}, last heartbeat ${Math.round(h.ageMs / 1000)} s ago`).join('; ')}`
    : daemons.length
      ? `no live daemon: last heartbeat ${Math.round(Math.min(...daemons.map((h) => h.ageMs)) / 1000)} s ago (stale after ${staleAfterMs / 1000} s). Start one with 'llm-rag-yt daemon run'.`
      : `no daemon has ever heartbeated to this database. Start one with 'llm-rag-yt daemon run' (or 'llm-rag-yt dev').`;
  return Object.freeze({ healthy, heartbeats, summary });
}
