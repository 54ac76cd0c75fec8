import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { releaseGroup, watchGroup } from './child-watchdog.ts';

export interface RunProcessOptions {
  /** Aborting kills the whole process group: SIGTERM, then SIGKILL after `killGraceMs`. */
  signal?: AbortSignal;
  cwd?: string;
  /** Full environment of the child (not merged); default: this process's environment. */
  env?: Record<string, string | undefined>;
  /** Kills the process group after this long and rejects with kind 'timeout'. */
  timeoutMs?: number;
  /** Called per line of output; `\r` also ends a line (progress bars of yt-dlp and ffmpeg). */
  onStdoutLine?: (line: string) => void;
  onStderrLine?: (line: string) => void;
  /** Bytes of stdout (the head) and stderr (the tail) kept in the result. Default 10 MiB each. */
  maxOutputBytes?: number;
  /** Written to the child's stdin, which is then closed. */
  input?: string | Buffer;
  /** Time between SIGTERM and SIGKILL. Default 2000 ms. */
  killGraceMs?: number;
}

export interface ProcessResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export type ProcessErrorKind = 'exit' | 'spawn' | 'aborted' | 'timeout';

/** A child process failed: did not start, exited non-zero, was aborted or timed out. */
export class ProcessError extends Error {
  readonly kind: ProcessErrorKind;
  readonly command: string;
  readonly args: readonly string[];
  readonly exitCode: number | null;
  readonly exitSignal: string | null;
  /** The last lines of stderr (up to ~2 KB) — usually where tools say what went wrong. */
  readonly stderrTail: string;
  constructor(
    kind: ProcessErrorKind,
    message: string,
    info: {
      command: string;
      args: readonly string[];
      exitCode: number | null;
      exitSignal: string | null;
      stderrTail: string;
    },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ProcessError';
    this.kind = kind;
    this.command = info.command;
    this.args = info.args;
    this.exitCode = info.exitCode;
    this.exitSignal = info.exitSignal;
    this.stderrTail = info.stderrTail;
  }
}

const STDERR_TAIL_BYTES = 2048;

/**
 * Runs an executable (no shell) in its own process group and resolves with its output when it exits 0.
 * On abort or timeout the whole group is killed — grandchildren included (yt-dlp starts ffmpeg) — so
 * cancelling a run really stops the work; if this process dies (even SIGKILL) a watchdog kills the
 * group (child-watchdog.ts). Rejects with ProcessError otherwise.
 * @example
 * const { stdout } = await runProcess('yt-dlp', ['-J', url], { signal: ctx.signal, timeoutMs: 60_000 });
 */
export function runProcess(
  command: string,
  args: readonly string[],
  opts: RunProcessOptions = {},
): Promise<ProcessResult> {
  const maxBytes = opts.maxOutputBytes ?? 10 * 1024 * 1024;
  const killGraceMs = opts.killGraceMs ?? 2000;
  const display = [command, ...args]
    .map((a) => (/^[\w./:=@%+-]+$/.test(a) ? a : JSON.stringify(a)))
    .join(' ');
  const shortDisplay = display.length > 300 ? `${display.slice(0, 300)}…` : display;

  return new Promise<ProcessResult>((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(
        error(
          'aborted',
          `'${command}' was not started: ${reasonText(opts.signal.reason)}`,
          null,
          null,
          '',
          opts.signal.reason,
        ),
      );
      return;
    }
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env, // undefined: the child inherits this process's environment (Node's default)
      detached: true, // own process group, so we can signal the group
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    // Tie the group's lifetime to this process: it is killed if we die without ending it.
    if (child.pid !== undefined) watchGroup(child.pid);
    const stdout = new Collector(maxBytes, 'head', opts.onStdoutLine);
    const stderr = new Collector(maxBytes, 'tail', opts.onStderrLine);
    let stop: { kind: 'aborted' | 'timeout'; reason: unknown } | null = null;
    let callbackError: unknown = null;
    let killTimer: NodeJS.Timeout | undefined;
    let exited = false;

    const killGroup = (sig: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        // ESRCH: the group is already gone.
      }
    };
    const terminate = () => {
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), killGraceMs);
      killTimer.unref?.();
    };
    const onAbort = () => {
      stop ??= { kind: 'aborted', reason: opts.signal?.reason };
      terminate();
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const timeout =
      opts.timeoutMs !== undefined
        ? setTimeout(() => {
            stop ??= { kind: 'timeout', reason: null };
            terminate();
          }, opts.timeoutMs)
        : undefined;

    const guard = (collector: Collector) => (chunk: Buffer) => {
      try {
        collector.write(chunk);
      } catch (e) {
        // A throwing line handler stops the process: its output would go unprocessed anyway.
        if (!callbackError) {
          callbackError = e;
          terminate();
        }
      }
    };
    child.stdout.on('data', guard(stdout));
    child.stderr.on('data', guard(stderr));
    child.stdin.on('error', () => {}); // EPIPE when the child exits without reading stdin
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();

    const cleanup = () => {
      clearTimeout(timeout);
      opts.signal?.removeEventListener('abort', onAbort);
    };
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (exited) return;
      exited = true;
      cleanup();
      clearTimeout(killTimer);
      const hint =
        e.code === 'ENOENT'
          ? ` Is '${command}' installed and on PATH (or is its configured path right)?`
          : '';
      reject(error('spawn', `Could not start '${command}': ${e.message}.${hint}`, null, null, '', e));
    });
    child.on('close', (code, sig) => {
      if (exited) return;
      exited = true;
      cleanup();
      // Grandchildren may outlive the leader after SIGTERM; make sure the group is gone.
      if (stop || callbackError) {
        clearTimeout(killTimer);
        killGroup('SIGKILL');
      }
      if (child.pid !== undefined) releaseGroup(child.pid);
      let out = '';
      let err = '';
      try {
        out = stdout.finish();
        err = stderr.finish();
      } catch (e) {
        callbackError ??= e;
      }
      const tail = tailOf(err);
      if (callbackError) {
        reject(
          error(
            'aborted',
            `Output handler for '${shortDisplay}' threw: ${reasonText(callbackError)}`,
            code,
            sig,
            tail,
            callbackError,
          ),
        );
      } else if (stop?.kind === 'aborted') {
        reject(
          error(
            'aborted',
            `'${shortDisplay}' was stopped: ${reasonText(stop.reason)}`,
            code,
            sig,
            tail,
            stop.reason,
          ),
        );
      } else if (stop?.kind === 'timeout') {
        reject(
          error(
            'timeout',
            `'${shortDisplay}' timed out after ${opts.timeoutMs} ms and was killed.`,
            code,
            sig,
            tail,
          ),
        );
      } else if (code !== 0) {
        const how = code === null ? `was killed by ${sig}` : `exited with code ${code}`;
        reject(
          error(
            'exit',
            `'${shortDisplay}' ${how}.${tail ? `\nstderr (tail):\n${tail}` : ''}`,
            code,
            sig,
            tail,
          ),
        );
      } else {
        resolve({ code: 0, stdout: out, stderr: err });
      }
    });

    function error(
      kind: ProcessErrorKind,
      message: string,
      code: number | null,
      sig: string | null,
      tail: string,
      cause?: unknown,
    ) {
      return new ProcessError(
        kind,
        message,
        { command, args, exitCode: code, exitSignal: sig, stderrTail: tail },
        cause === undefined ? undefined : { cause },
      );
    }
  });
}

function reasonText(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  return reason === undefined ? 'aborted' : String(reason);
}

function tailOf(text: string): string {
  const trimmed = text.trimEnd();
  return trimmed.length > STDERR_TAIL_BYTES ? `…${trimmed.slice(-STDERR_TAIL_BYTES)}` : trimmed;
}

/** Accumulates one stream's text with a byte cap, and splits it into lines for a callback. */
class Collector {
  private readonly decoder = new StringDecoder('utf8');
  private chunks: string[] = [];
  private size = 0;
  private partial = '';
  constructor(
    private readonly maxBytes: number,
    private readonly keep: 'head' | 'tail',
    private readonly onLine?: (line: string) => void,
  ) {}

  write(chunk: Buffer): void {
    const text = this.decoder.write(chunk);
    this.keepText(text);
    if (this.onLine) this.split(text);
  }

  finish(): string {
    const rest = this.decoder.end();
    this.keepText(rest);
    if (this.onLine) {
      this.split(rest);
      const last = this.partial;
      this.partial = '';
      if (last) this.onLine(last);
    }
    const all = this.chunks.join('');
    return this.keep === 'tail' && all.length > this.maxBytes ? all.slice(-this.maxBytes) : all;
  }

  private keepText(text: string): void {
    if (!text) return;
    if (this.keep === 'head') {
      if (this.size >= this.maxBytes) return;
      const room = this.maxBytes - this.size;
      const piece = text.length > room ? text.slice(0, room) : text;
      this.chunks.push(piece);
      this.size += piece.length;
      return;
    }
    this.chunks.push(text);
    this.size += text.length;
    if (this.size > this.maxBytes * 2) {
      // Compact occasionally rather than per chunk.
      const joined = this.chunks.join('').slice(-this.maxBytes);
      this.chunks = [joined];
      this.size = joined.length;
    }
  }

  private split(text: string): void {
    const parts = (this.partial + text).split(/\r\n|\n|\r/);
    this.partial = parts.pop() ?? '';
    for (const line of parts) this.onLine!(line);
  }
}
