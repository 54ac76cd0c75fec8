import { statfs } from 'node:fs/promises';
import type { DaemonHeartbeat } from '@llm-rag-yt/orchestrator';
import { sql } from 'kysely';
import { formatMetricsTimestamp } from './metrics.ts';
import type { MonitoringDb } from './migrations.ts';

/** Something with a version to report: yt-dlp, ffmpeg (the Downloader/AudioConverter ports' check()), a model. */
export interface HealthProbe {
  readonly name: string;
  /** Resolves with a version or detail; throws with a message saying how to fix it. */
  check(): Promise<{ version?: string; detail?: string; path?: string }>;
}

export interface HealthCheckInput extends MonitoringDb {
  now: number;
  /** Folder whose file system must have free space (the data dir). */
  dataDir: string | null;
  /** Below this, disk is a failure. Default 1024 MB. */
  minFreeDiskMb?: number;
  /** Daemon heartbeats (orchestrator DaemonStorage.listHeartbeats); omitted → not checked. */
  listHeartbeats?: () => Promise<readonly DaemonHeartbeat[]>;
  /** A daemon heartbeat older than this is stale. Default 120 s. */
  maxHeartbeatAgeMs?: number;
  /** The search index; resolves with a short description (e.g. "1234 chunks, vectors 384d"). */
  searchIndex?: () => Promise<string>;
  /** External tools, e.g. yt-dlp and ffmpeg. */
  tools?: readonly HealthProbe[];
  /** Configured models (transcriber, embedder, chat). Component names get a `model:` prefix. */
  models?: readonly HealthProbe[];
  /** Each probe gets this long. Default 15 s. */
  probeTimeoutMs?: number;
}

export interface ComponentHealth {
  ok: boolean;
  detail: string;
  duration_ms: number;
  version?: string;
}

export interface HealthReport {
  timestamp: string;
  checked_at: number;
  ok: boolean;
  components: Record<string, ComponentHealth>;
}

async function probe(
  fn: () => Promise<{ ok?: boolean; detail: string; version?: string }>,
  timeoutMs: number,
): Promise<ComponentHealth> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const r = await Promise.race([
      fn(),
      new Promise<never>((_, rej) => {
        timer = setTimeout(() => rej(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return {
      ok: r.ok ?? true,
      detail: r.detail,
      duration_ms: Math.round(performance.now() - started),
      ...(r.version ? { version: r.version } : {}),
    };
  } catch (err) {
    return {
      ok: false,
      detail: err instanceof Error ? err.message : String(err),
      duration_ms: Math.round(performance.now() - started),
    };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Checks every component concurrently; one failing probe never hides the others.
 * Components: database, disk, daemon, search_index, each tool by name, `model:<name>`.
 */
export async function runHealthCheck(input: HealthCheckInput): Promise<HealthReport> {
  const timeout = input.probeTimeoutMs ?? 15_000;
  const minFree = input.minFreeDiskMb ?? 1024;
  const maxAge = input.maxHeartbeatAgeMs ?? 120_000;
  const checks: [string, () => Promise<{ ok?: boolean; detail: string; version?: string }>][] = [
    [
      'database',
      async () => {
        await sql`select 1`.execute(input.db);
        return { detail: `${input.dialect} reachable` };
      },
    ],
  ];
  if (input.dataDir) {
    const dir = input.dataDir;
    checks.push([
      'disk',
      async () => {
        const s = await statfs(dir);
        const freeMb = Math.round((Number(s.bavail) * Number(s.bsize)) / (1024 * 1024));
        return freeMb < minFree
          ? {
              ok: false,
              detail: `${freeMb} MB free under ${dir}, below ${minFree} MB. Free space or run cleanup_job.`,
            }
          : { detail: `${freeMb} MB free under ${dir}` };
      },
    ]);
  }
  if (input.listHeartbeats) {
    const list = input.listHeartbeats;
    checks.push([
      'daemon',
      async () => {
        const beats = (await list()).filter((b) => b.daemonType === 'daemon');
        if (beats.length === 0)
          return {
            ok: false,
            detail: "No daemon heartbeat. Start one with 'llm-rag-yt daemon' (or 'llm-rag-yt dev').",
          };
        const newest = Math.max(...beats.map((b) => b.timestamp));
        const age = input.now - newest;
        return age > maxAge
          ? {
              ok: false,
              detail: `Last daemon heartbeat ${Math.round(age / 1000)} s ago (limit ${maxAge / 1000} s). Is the daemon process alive?`,
            }
          : { detail: `${beats.length} daemon(s), last heartbeat ${Math.round(age / 1000)} s ago` };
      },
    ]);
  }
  if (input.searchIndex) {
    const si = input.searchIndex;
    checks.push(['search_index', async () => ({ detail: await si() })]);
  }
  for (const [prefix, probes] of [
    ['', input.tools ?? []],
    ['model:', input.models ?? []],
  ] as const) {
    for (const p of probes) {
      checks.push([
        `${prefix}${p.name}`,
        async () => {
          const r = await p.check();
          return {
            detail: r.detail ?? [r.version, r.path].filter(Boolean).join(' at ') ?? 'ok',
            version: r.version,
          };
        },
      ]);
    }
  }
  const results = await Promise.all(
    checks.map(async ([name, fn]) => [name, await probe(fn, timeout)] as const),
  );
  const components = Object.fromEntries(results);
  return {
    timestamp: formatMetricsTimestamp(input.now),
    checked_at: input.now,
    ok: results.every(([, r]) => r.ok),
    components,
  };
}

export async function saveHealthCheck(h: MonitoringDb, report: HealthReport): Promise<number> {
  const r = await h.db
    .insertInto('health_checks')
    .values({ timestamp: report.checked_at, ok: report.ok ? 1 : 0, data: JSON.stringify(report) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(r.id);
}

/** The newest stored health check, optionally only if newer than `since`. */
export async function latestHealthCheck(h: MonitoringDb, since?: number): Promise<HealthReport | undefined> {
  let q = h.db.selectFrom('health_checks').select('data');
  if (since !== undefined) q = q.where('timestamp', '>=', since);
  const r = await q.orderBy('timestamp', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
  return r ? (JSON.parse(r.data) as HealthReport) : undefined;
}

export async function listHealthChecks(h: MonitoringDb, limit = 50): Promise<HealthReport[]> {
  const rows = await h.db
    .selectFrom('health_checks')
    .select('data')
    .orderBy('timestamp', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => JSON.parse(r.data) as HealthReport);
}

export async function pruneHealthChecks(h: MonitoringDb, before: number): Promise<number> {
  const r = await h.db.deleteFrom('health_checks').where('timestamp', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}
