import type { Config } from '../config.ts';
import type { Io } from '../io.ts';

/** What every command receives: io, lazily loaded config, and a way to set the exit code. */
export interface CommandEnv {
  io: Io;
  config(): Config;
  setExitCode(code: number): void;
}

export function out(env: CommandEnv, text: string): void {
  env.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function json(env: CommandEnv, value: unknown): void {
  env.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
