import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProcessError, runProcess } from '../src/execution/process.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until && !cond()) await sleep(20);
  return cond();
}

async function rejection(p: Promise<unknown>): Promise<ProcessError> {
  try {
    await p;
  } catch (e) {
    return e as ProcessError;
  }
  throw new Error('expected a rejection');
}

describe('runProcess', () => {
  it('returns stdout/stderr and streams lines (\\n and \\r)', async () => {
    const lines: string[] = [];
    const r = await runProcess('sh', ['-c', 'printf "one\\ntwo\\rthree"; echo oops >&2'], {
      onStdoutLine: (l) => lines.push(l),
    });
    expect(r).toEqual({ code: 0, stdout: 'one\ntwo\rthree', stderr: 'oops\n' });
    expect(lines).toEqual(['one', 'two', 'three']);
  });

  it('passes input, cwd and env', async () => {
    const r = await runProcess('sh', ['-c', 'cat; pwd; echo "$GREETING"'], {
      input: 'from stdin\n',
      cwd: '/tmp',
      env: { PATH: process.env.PATH, GREETING: 'hi' },
    });
    expect(r.stdout).toBe('from stdin\n/tmp\nhi\n');
  });

  it('a non-zero exit throws with command, code and the stderr tail', async () => {
    const e = await rejection(
      runProcess('sh', ['-c', 'echo "first"; echo "ERROR: video unavailable" >&2; exit 3']),
    );
    expect(e).toBeInstanceOf(ProcessError);
    expect(e.kind).toBe('exit');
    expect(e.exitCode).toBe(3);
    expect(e.command).toBe('sh');
    expect(e.stderrTail).toBe('ERROR: video unavailable');
    expect(e.message).toContain('exited with code 3');
    expect(e.message).toContain('ERROR: video unavailable');
  });

  it('a missing executable says so', async () => {
    const e = await rejection(runProcess('/nonexistent/yt-dlp', ['--version']));
    expect(e.kind).toBe('spawn');
    expect(e.message).toContain('installed');
  });

  it('abort kills the whole process group, grandchildren included', async () => {
    const controller = new AbortController();
    const pids: number[] = [];
    const p = runProcess('sh', ['-c', 'sleep 30 & echo $!; sleep 30 & echo $!; wait'], {
      signal: controller.signal,
      onStdoutLine: (l) => pids.push(Number(l)),
    });
    expect(await waitFor(() => pids.length === 2, 5000)).toBe(true);
    expect(pids.every(alive)).toBe(true);
    const t0 = Date.now();
    controller.abort(new Error('run canceled'));
    const e = await rejection(p);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(e.kind).toBe('aborted');
    expect(e.message).toContain('run canceled');
    expect(await waitFor(() => !pids.some(alive), 2000)).toBe(true);
  });

  it('children and grandchildren die with a SIGKILLed parent (no orphans keep writing)', async () => {
    const parent = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'spawn-and-wait.ts')],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const pids: number[] = [];
    parent.stdout!.on('data', (d: Buffer) => {
      for (const m of String(d).matchAll(/pid (\d+)/g)) pids.push(Number(m[1]));
    });
    try {
      expect(await waitFor(() => pids.length === 3, 15_000)).toBe(true);
      expect(pids.every(alive)).toBe(true);
      parent.kill('SIGKILL');
      await new Promise((r) => parent.once('exit', r));
      expect(await waitFor(() => !pids.some(alive), 3000), `still alive: ${pids.filter(alive)}`).toBe(true);
    } finally {
      parent.kill('SIGKILL');
      for (const pid of pids.filter(alive)) process.kill(pid, 'SIGKILL');
    }
  });

  it('escalates to SIGKILL when SIGTERM is ignored', async () => {
    const controller = new AbortController();
    let ready = false;
    const p = runProcess('sh', ['-c', "trap '' TERM; echo ready; while true; do sleep 0.05; done"], {
      signal: controller.signal,
      killGraceMs: 300,
      onStdoutLine: () => {
        ready = true;
      },
    });
    expect(await waitFor(() => ready, 5000)).toBe(true);
    const t0 = Date.now();
    controller.abort();
    const e = await rejection(p);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(e.exitSignal).toBe('SIGKILL');
  });

  it('times out', async () => {
    const e = await rejection(runProcess('sleep', ['30'], { timeoutMs: 150 }));
    expect(e.kind).toBe('timeout');
    expect(e.message).toContain('timed out after 150 ms');
  });

  it('caps kept output', async () => {
    const r = await runProcess('sh', ['-c', 'head -c 5000 /dev/zero | tr "\\0" a'], { maxOutputBytes: 1000 });
    expect(r.stdout.length).toBe(1000);
  });
});
