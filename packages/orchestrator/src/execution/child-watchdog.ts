import { type ChildProcess, spawn } from 'node:child_process';
import type { Socket } from 'node:net';

/*
 * Children of runProcess get their own process group (so a cancel can signal yt-dlp and the
 * ffmpeg it starts together). A group does not die with its parent, though: a SIGKILLed worker
 * would leave yt-dlp/ffmpeg writing into the downloads folder while the retried run works on the
 * same video. So one small watchdog per process holds the read end of a pipe: runProcess tells
 * it each group it starts ("+ pgid") and ends ("- pgid"). When this process dies, however it
 * dies, the kernel closes the pipe; the watchdog reads EOF and SIGKILLs every group still listed.
 * It ignores INT/TERM/HUP (a Ctrl-C to the terminal's group must not disarm it) and lives in its
 * own group, so killing a child's group never reaches it.
 */
const SCRIPT = `trap '' INT TERM HUP
groups=' '
while read -r op pg; do
  case "$op" in
    +) groups="$groups$pg " ;;
    -) case "$groups" in *" $pg "*) groups="\${groups%% $pg *} \${groups#* $pg }" ;; esac ;;
  esac
done
for pg in $groups; do kill -s KILL -- "-$pg" 2>/dev/null; done
`;

let watchdog: ChildProcess | null = null;
let unavailable = false;

function current(): ChildProcess | null {
  if (unavailable || process.platform === 'win32') return null;
  if (watchdog && watchdog.exitCode === null && watchdog.signalCode === null) return watchdog;
  try {
    const w = spawn('/bin/sh', ['-c', SCRIPT], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    w.on('error', () => {
      // No /bin/sh: children still work, they just are not tied to this process's lifetime.
      unavailable = true;
      if (watchdog === w) watchdog = null;
    });
    w.stdin!.on('error', () => {});
    // Neither the watchdog nor its pipe may keep this process alive.
    w.unref();
    (w.stdin as unknown as Socket).unref?.();
    watchdog = w;
    return w;
  } catch {
    unavailable = true;
    return null;
  }
}

/** Registers a child's process group: it is SIGKILLed if this process dies before `release`. */
export function watchGroup(pgid: number): void {
  current()?.stdin?.write(`+ ${pgid}\n`);
}

/** The group has exited (or was killed by us): forget it. */
export function releaseGroup(pgid: number): void {
  if (watchdog && watchdog.exitCode === null) watchdog.stdin?.write(`- ${pgid}\n`);
}

/** The watchdog's pid, for tests. */
export function watchdogPid(): number | undefined {
  return watchdog?.pid;
}
