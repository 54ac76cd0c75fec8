import { type AppContext, openApp } from '../app.ts';
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

/** Runs `fn` with the app opened for a one-shot CLI command, and always closes it. */
export function appRunner(env: CommandEnv) {
  return async <T>(fn: (app: AppContext) => Promise<T>): Promise<T> => {
    const app = await openApp(env.config(), { role: 'cli', io: env.io });
    try {
      return await fn(app);
    } finally {
      await app.close();
    }
  };
}
