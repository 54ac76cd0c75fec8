import { formatDuration as sharedFormatDuration } from '@llm-rag-yt/format';
/** What a command may touch of the outside world; tests pass their own. */
export interface Io {
  stdout: { write(s: string): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** Exit codes: 0 ok, 1 a run failed (or the operation failed), 2 bad usage or unknown name. */
export const EXIT = Object.freeze({ OK: 0, FAILED: 1, USAGE: 2 });

/** A usage error: wrong flags, unknown names, invalid config. Exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Renders rows as an aligned text table for people. */
export function table(rows: readonly Record<string, unknown>[], columns?: readonly string[]): string {
  if (rows.length === 0) return '(none)\n';
  const cols = columns ?? Object.keys(rows[0]!);
  const cell = (v: unknown) =>
    v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  const widths = cols.map((c) => Math.min(60, Math.max(c.length, ...rows.map((r) => cell(r[c]).length))));
  const fmt = (vals: string[]) =>
    vals
      .map((v, i) => (v.length > widths[i]! ? `${v.slice(0, widths[i]! - 1)}…` : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const header = fmt(cols.map((c) => c.toUpperCase()));
  return [header, ...rows.map((r) => fmt(cols.map((c) => cell(r[c]))))].join('\n') + '\n';
}

export function formatTime(ms: number | null | undefined): string {
  if (!ms) return '';
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

/** A duration for tables ('' when unknown); the wording is @llm-rag-yt/format's, as in the bot and the UI. */
export function formatDuration(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '' : sharedFormatDuration(ms);
}
