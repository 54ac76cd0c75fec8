import { readdirSync, readFileSync } from 'node:fs';
import { startVideoPageServer, type VideoPageServer } from '@llm-rag-yt/adapters';
import { openDatabase } from '@llm-rag-yt/orchestrator';

/*
 * What the crash tests (embedded and distributed) share: a video site whose media downloads take a
 * few seconds (so a kill lands mid-download), a scan of /proc for processes working in the test's
 * data folder (yt-dlp and ffmpeg name their output files there), and a read of the requests table.
 */

export const CRASH_VIDEOS = ['kepler', 'newton', 'galileo'] as const;

export function startSlowVideoSite(): Promise<VideoPageServer> {
  return startVideoPageServer({
    videos: CRASH_VIDEOS.map((id) => ({
      id,
      title: `About ${id}`,
      speech: `${id} studied the motion of the planets.`,
      mediaSeconds: 4,
    })),
  });
}

/** Live processes whose command line mentions `dir` (yt-dlp -o <dir>/…, ffmpeg … <dir>/….wav). */
export function processesIn(dir: string): { pid: number; cmd: string }[] {
  const out: { pid: number; cmd: string }[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${name}/stat`, 'utf8'))) continue; // zombie
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ');
      if (cmd.includes(dir)) out.push({ pid: Number(name), cmd: cmd.slice(0, 200) });
    } catch {
      // exited while we looked
    }
  }
  return out;
}

export interface RequestRow {
  id: number;
  url: string;
  status: string;
  attempts: number;
  run_id: string | null;
  error: string | null;
}

export async function readRequests(databaseUrl: string): Promise<RequestRow[]> {
  const handle = await openDatabase(databaseUrl);
  try {
    const rows = await handle.db
      .selectFrom('youtube_requests')
      .select(['id', 'url', 'status', 'attempts', 'run_id', 'error'])
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ ...r, id: Number(r.id), attempts: Number(r.attempts) }) as RequestRow);
  } finally {
    await handle.close();
  }
}

export async function readRuns(
  databaseUrl: string,
): Promise<{ run_id: string; status: string; attempt: number }[]> {
  const handle = await openDatabase(databaseUrl);
  try {
    const rows = await handle.db
      .selectFrom('runs')
      .select(['run_id', 'status', 'attempt'])
      .where('job_name', '=', 'youtube_processing_job')
      .execute();
    return rows.map(
      (r) => ({ ...r, attempt: Number(r.attempt) }) as { run_id: string; status: string; attempt: number },
    );
  } finally {
    await handle.close();
  }
}

/** Pids of every live descendant of `pid` (children, grandchildren, …). */
export function descendantsOf(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] !== 'Z') parent.set(Number(name), Number(fields[1]));
    } catch {
      // exited while we looked
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, pp] of parent) {
      if (pp !== p) continue;
      out.push(child);
      walk(child);
    }
  };
  walk(pid);
  return out;
}

export function isAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

export function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}
