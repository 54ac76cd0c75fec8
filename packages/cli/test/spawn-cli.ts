import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OFFLINE_CLI_ENV } from '@llm-rag-yt/testing';

/*
 * The real `llm-rag-yt` executable as child processes, for tests of the long-running commands
 * (dev, daemon run, webserver, worker) and of what other processes see while they run.
 */

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../bin/llm-rag-yt.js');
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Only what a process needs from the parent: no stray DATABASE_URL/REDIS_URL from the test runner's shell. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'SYSTEMROOT'];
  const env: NodeJS.ProcessEnv = {};
  for (const k of keep) if (process.env[k] !== undefined) env[k] = process.env[k];
  // The local video pages are on 127.0.0.1 (refused for user URLs unless allowed).
  return { ...env, ...OFFLINE_CLI_ENV, LOG_FORMAT: 'json', FETCH_ALLOW_HOSTS: '127.0.0.1', ...extra };
}

export interface CliProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly name: string;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `re` in stdout; rejects if the process exits first or on timeout. */
  waitForOutput(re: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** Resolves when the process has exited (at once if it already has). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` and waits at most `timeoutMs` for the exit; SIGKILLs and rejects on timeout. */
  stop(
    signal?: NodeJS.Signals,
    timeoutMs?: number,
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
}

export function spawnCli(name: string, args: readonly string[], env: Record<string, string>): CliProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: REPO,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout!.on('data', (b: Buffer) => {
    out += b.toString();
    for (const l of listeners) l();
  });
  child.stderr!.on('data', (b: Buffer) => {
    err += b.toString();
  });
  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      for (const l of listeners) l();
      res(exitInfo);
    }),
  );
  const describe = () =>
    `${name} (pid ${child.pid})\n--- stdout ---\n${out.slice(-2000)}\n--- stderr ---\n${err.slice(-3000)}`;
  return {
    child,
    pid: child.pid!,
    name,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForOutput(re, timeoutMs) {
      return new Promise((res, rej) => {
        const check = () => {
          const m = re.exec(out);
          if (m) return done(() => res(m));
          if (exitInfo)
            return done(() =>
              rej(new Error(`${describe()}\nexited (${JSON.stringify(exitInfo)}) before printing ${re}`)),
            );
        };
        const timer = setTimeout(
          () => done(() => rej(new Error(`${describe()}\ndid not print ${re} within ${timeoutMs} ms`))),
          timeoutMs,
        );
        const done = (f: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          f();
        };
        listeners.add(check);
        check();
      });
    },
    async stop(signal = 'SIGTERM', timeoutMs = 10_000) {
      const t0 = Date.now();
      if (!exitInfo) child.kill(signal);
      let timer: NodeJS.Timeout | undefined;
      const result = await Promise.race([
        exited,
        new Promise<null>((r) => {
          timer = setTimeout(() => r(null), timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      if (!result) {
        child.kill('SIGKILL');
        await exited;
        throw new Error(`${describe()}\ndid not exit within ${timeoutMs} ms of ${signal}`);
      }
      return { ...result, ms: Date.now() - t0 };
    },
  };
}

/** Runs a short CLI command to its end. */
export async function runCli(
  args: readonly string[],
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = spawnCli(args.join(' '), args, env);
  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([
    p.exited,
    new Promise<null>((r) => {
      timer = setTimeout(() => r(null), timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  if (!result) {
    p.child.kill('SIGKILL');
    await p.exited;
    throw new Error(
      `llm-rag-yt ${args.join(' ')} did not finish within ${timeoutMs} ms\n${p.stdout()}\n${p.stderr()}`,
    );
  }
  return { code: result.code, stdout: p.stdout(), stderr: p.stderr() };
}

/** Polls `fn` until it returns a truthy value. */
export async function waitUntil<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false>,
  timeoutMs: number,
  everyMs = 200,
): Promise<T> {
  const t0 = Date.now();
  let last: unknown = null;
  while (Date.now() - t0 < timeoutMs) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${last})` : ''}`,
  );
}
