import type { AppContext, AppRole } from '../app.ts';
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

/** The orchestrator's entry point, loaded on first use (it brings kysely, zod, the storage layer). */
export function loadOrchestrator() {
  return import('@llm-rag-yt/orchestrator');
}

/**
 * Opens the app. The composition root (storage, adapters, definitions) is imported only here, on
 * first use, so `--help` and commands that do not need it start without loading it.
 */
export async function openAppLazy(env: CommandEnv, role: AppRole): Promise<AppContext> {
  const { openApp } = await import('../app.ts');
  return openApp(env.config(), { role, io: env.io });
}

/** Runs `fn` with the app opened for a one-shot CLI command, and always closes it. */
export function appRunner(env: CommandEnv) {
  return async <T>(fn: (app: AppContext) => Promise<T>): Promise<T> => {
    const app = await openAppLazy(env, 'cli');
    try {
      return await fn(app);
    } finally {
      await app.close();
    }
  };
}
