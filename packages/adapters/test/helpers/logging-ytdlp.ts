import { execFileSync } from 'node:child_process';

/** The system's yt-dlp (the real one the stand-in releases hand their work to). */
export const SYSTEM_YTDLP = execFileSync('sh', ['-c', 'command -v yt-dlp'], { encoding: 'utf8' }).trim();

/**
 * A stand-in yt-dlp release: reports `version`, and runs the system's yt-dlp, appending
 * `start <ns> <path>` / `end <ns> <path>` to `callLog` around each call, so downloads really run
 * and tests can see how many ran at once (maxOverlap).
 */
export function loggingYtDlp(version: string, callLog: string): string {
  return `#!/bin/sh\nif [ "$1" = "--version" ]; then echo ${version}; exit 0; fi\necho "start $(date +%s%N) $0" >> ${callLog}\n${SYSTEM_YTDLP} "$@"\nrc=$?\necho "end $(date +%s%N) $0" >> ${callLog}\nexit $rc\n`;
}

/** Most yt-dlp processes running at once, from a loggingYtDlp call log. */
export function maxOverlap(log: string): number {
  const events = log
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(' '))
    .map(([kind, t]) => ({ d: kind === 'start' ? 1 : -1, t: BigInt(t!) }))
    .sort((a, b) => (a.t === b.t ? a.d - b.d : a.t < b.t ? -1 : 1));
  let cur = 0;
  let max = 0;
  for (const e of events) {
    cur += e.d;
    max = Math.max(max, cur);
  }
  return max;
}
