import { pino } from 'pino';

/**
 * The logger shape the orchestrator uses (a subset of pino's), so callers may pass any pino logger
 * and tests may pass a recorder. Call as `log.info({ runId }, 'message')`.
 */
export interface OrchestratorLogger {
  debug(obj: Record<string, unknown>, msg?: string): void;
  info(obj: Record<string, unknown>, msg?: string): void;
  warn(obj: Record<string, unknown>, msg?: string): void;
  error(obj: Record<string, unknown>, msg?: string): void;
  child(bindings: Record<string, unknown>): OrchestratorLogger;
}

export type LoggerLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

export interface CreateLoggerOptions {
  level?: LoggerLevel;
  /** Human-readable, coloured lines (pino-pretty) instead of JSON; for terminals. */
  pretty?: boolean;
  /**
   * One plain line per entry (`warning: message`) instead of JSON, for one-shot commands whose
   * stderr is a pipe or a file: a person reads it, no log shipper does. Ignored when pretty.
   */
  plain?: boolean;
  name?: string;
  /** Where JSON lines go; default stdout (stderr with `stderr`). Ignored when pretty. */
  destination?: NodeJS.WritableStream;
  /** Log to stderr (JSON or pretty), keeping stdout for a command's own output, e.g. `--json`. */
  stderr?: boolean;
}

/** Keys whose values never reach a log line, at the top level and up to two objects deep. */
export const REDACTED_KEYS: readonly string[] = Object.freeze([
  'token',
  'botToken',
  'accessToken',
  'refreshToken',
  'password',
  'secret',
  'apiKey',
  'api_key',
  'authorization',
  'Authorization',
  'cookie',
]);

const REDACT_PATHS = REDACTED_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);

/**
 * Creates the process logger: JSON lines by default (for log shippers), pretty when asked.
 * Secrets under the keys in REDACTED_KEYS are replaced by '[redacted]'.
 * @example const log = createLogger({ level: 'info', pretty: process.stdout.isTTY, name: 'daemon' })
 */
export function createLogger(opts: CreateLoggerOptions = {}): OrchestratorLogger {
  const options = {
    level: opts.level ?? 'info',
    name: opts.name,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
  if (opts.pretty) {
    return pino({
      ...options,
      transport: {
        target: 'pino-pretty',
        options: {
          colorize: true,
          translateTime: 'SYS:HH:MM:ss.l',
          ignore: 'pid,hostname',
          ...(opts.stderr ? { destination: 2 } : {}),
        },
      },
    }) as unknown as OrchestratorLogger;
  }
  if (opts.plain) {
    const out = opts.destination ?? (opts.stderr ? process.stderr : process.stdout);
    return pino(options, {
      write: (line: string) => out.write(plainLine(line)),
    }) as unknown as OrchestratorLogger;
  }
  const destination = opts.destination ?? (opts.stderr ? pino.destination(2) : undefined);
  return (destination ? pino(options, destination) : pino(options)) as unknown as OrchestratorLogger;
}

const LEVEL_LABELS: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warning',
  50: 'error',
  60: 'fatal',
};

/** `warning: message (error message)` from one of pino's JSON lines; the line itself if it is not one. */
export function plainLine(json: string): string {
  let entry: { level?: number; msg?: string; err?: { message?: string } };
  try {
    entry = JSON.parse(json) as typeof entry;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const label = LEVEL_LABELS[entry.level ?? 30] ?? 'log';
  const msg = entry.msg ?? '';
  const cause = entry.err?.message;
  const text = cause && !msg.includes(cause) ? (msg ? `${msg} (${cause})` : cause) : msg;
  return `${label}: ${text}\n`;
}
