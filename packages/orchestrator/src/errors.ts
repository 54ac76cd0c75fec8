import { distance } from 'fastest-levenshtein';

/**
 * The orchestrator's error taxonomy. Every error says what was wrong, where, and (when we
 * know) what to do about it. Code that catches these can branch on `code`.
 */
export type OrchestratorErrorCode =
  | 'INVALID_DEFINITION'
  | 'UNKNOWN_NAME'
  | 'INVALID_CONFIG'
  | 'INVALID_CRON'
  | 'USER_CODE_ERROR'
  | 'NON_RETRIABLE'
  | 'RETRY_AFTER'
  | 'RUN_CANCELED'
  | 'RUN_TIMEOUT'
  | 'INVALID_TRANSITION'
  | 'STORAGE_ERROR'
  | 'NOT_FOUND'
  | 'INVALID_INPUT'
  | 'CONFLICT'
  | 'UNAVAILABLE';

/**
 * What a caller can do about a failure, whatever the transport: the server maps each kind to one
 * HTTP status (`server/src/http-error.ts`), the CLI to a message. `null`: not the caller's to fix
 * (a bug, a storage failure, a retry signal inside a run) — reported as an internal error.
 */
export type ErrorKind = 'not_found' | 'invalid_input' | 'conflict' | 'unavailable';

/** One table, checked for completeness by the type: every code has a kind (or none). */
const KIND_OF_CODE: Readonly<Record<OrchestratorErrorCode, ErrorKind | null>> = Object.freeze({
  INVALID_DEFINITION: 'invalid_input',
  UNKNOWN_NAME: 'not_found',
  INVALID_CONFIG: 'invalid_input',
  INVALID_CRON: 'invalid_input',
  USER_CODE_ERROR: null,
  NON_RETRIABLE: null,
  RETRY_AFTER: 'unavailable',
  RUN_CANCELED: null,
  RUN_TIMEOUT: null,
  INVALID_TRANSITION: 'conflict',
  STORAGE_ERROR: null,
  NOT_FOUND: 'not_found',
  INVALID_INPUT: 'invalid_input',
  CONFLICT: 'conflict',
  UNAVAILABLE: 'unavailable',
});

export class OrchestratorError extends Error {
  readonly code: OrchestratorErrorCode;
  constructor(code: OrchestratorErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OrchestratorError';
    this.code = code;
  }
}

/** The kind of any thrown value: only our errors have one (read from `code`, so across module copies too). */
export function errorKind(e: unknown): ErrorKind | null {
  const code = (e as { code?: unknown } | null)?.code;
  return e instanceof Error && typeof code === 'string' && Object.hasOwn(KIND_OF_CODE, code)
    ? KIND_OF_CODE[code as OrchestratorErrorCode]
    : null;
}

/**
 * True when running the same work again cannot help: a NonRetriableError, or input that is invalid
 * as given. Read from `code`, so it also holds across module copies.
 */
export function isPermanentFailure(e: unknown): boolean {
  return (e as { code?: unknown } | null)?.code === 'NON_RETRIABLE' || errorKind(e) === 'invalid_input';
}

/** Something the caller named (a request, a query, an alert, a video) does not exist. */
export class NotFoundError extends OrchestratorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('NOT_FOUND', message, options);
    this.name = 'NotFoundError';
  }
}

/**
 * The caller's input cannot succeed as given (bad value, malformed file). Retrying the same input
 * will not help either, so a run step that throws it is not retried (see shouldRetry).
 */
export class InvalidInputError extends OrchestratorError {
  readonly issues: readonly { path: string; message: string }[] | undefined;
  constructor(
    message: string,
    options?: { cause?: unknown; issues?: readonly { path: string; message: string }[] },
  ) {
    super('INVALID_INPUT', message, options);
    this.name = 'InvalidInputError';
    this.issues = options?.issues;
  }
}

/** The thing exists but its state does not allow this (retry a request that is still running…). */
export class ConflictError extends OrchestratorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CONFLICT', message, options);
    this.name = 'ConflictError';
  }
}

/** A service this needs is down or busy; trying again later may work. */
export class UnavailableError extends OrchestratorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('UNAVAILABLE', message, options);
    this.name = 'UnavailableError';
  }
}

/** A definition (asset, job, sensor, schedule, registry) is malformed. Thrown at definition time. */
export class InvalidDefinitionError extends OrchestratorError {
  constructor(message: string) {
    super('INVALID_DEFINITION', message);
    this.name = 'InvalidDefinitionError';
  }
}

/** A name (job, asset, sensor, schedule, run id) does not exist. Carries the closest real name. */
export class UnknownNameError extends OrchestratorError {
  readonly kind: string;
  readonly unknown: string;
  readonly suggestion: string | undefined;
  constructor(kind: string, unknown: string, known: readonly string[]) {
    const suggestion = closestName(unknown, known);
    const hint = suggestion
      ? ` Did you mean '${suggestion}'?`
      : known.length
        ? ` Known ${kind}s: ${known.slice(0, 10).join(', ')}${known.length > 10 ? ', …' : ''}.`
        : '';
    super('UNKNOWN_NAME', `Unknown ${kind} '${unknown}'.${hint}`);
    this.name = 'UnknownNameError';
    this.kind = kind;
    this.unknown = unknown;
    this.suggestion = suggestion;
  }
}

/** Run config (or any user-supplied config) does not match its schema. `issues` name each bad path. */
export class InvalidConfigError extends OrchestratorError {
  readonly issues: readonly { path: string; message: string }[];
  constructor(where: string, issues: readonly { path: string; message: string }[]) {
    super(
      'INVALID_CONFIG',
      `Invalid config for ${where}:\n${issues.map((i) => `  - ${i.path || '(root)'}: ${i.message}`).join('\n')}`,
    );
    this.name = 'InvalidConfigError';
    this.issues = issues;
  }
}

export class InvalidCronError extends OrchestratorError {
  constructor(where: string, cron: string, reason: string) {
    super(
      'INVALID_CRON',
      `Invalid cron expression '${cron}' in ${where}: ${reason}. Use five fields: minute hour day-of-month month day-of-week, e.g. '*/10 * * * *'.`,
    );
    this.name = 'InvalidCronError';
  }
}

/** Thrown by user code to say: retrying will not help (bad URL, private video, corrupt file…). */
export class NonRetriableError extends OrchestratorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('NON_RETRIABLE', message, options);
    this.name = 'NonRetriableError';
  }
}

/** Thrown by user code to ask for a retry no sooner than `afterMs` (e.g. rate limits). */
export class RetryAfterError extends OrchestratorError {
  readonly afterMs: number;
  constructor(message: string, afterMs: number, options?: { cause?: unknown }) {
    super('RETRY_AFTER', message, options);
    this.name = 'RetryAfterError';
    this.afterMs = afterMs;
  }
}

/** Wraps an error thrown by user code (asset compute, sensor evaluate) and keeps its cause. */
export class UserCodeError extends OrchestratorError {
  readonly where: string;
  constructor(where: string, cause: unknown) {
    super('USER_CODE_ERROR', `Error in ${where}: ${errorMessage(cause)}`, { cause });
    this.name = 'UserCodeError';
    this.where = where;
  }
}

export class InvalidTransitionError extends OrchestratorError {
  constructor(runId: string, from: string, to: string, message?: string) {
    super('INVALID_TRANSITION', message ?? `Run ${runId} cannot move from ${from} to ${to}.`);
    this.name = 'InvalidTransitionError';
  }
}

export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'string') return e;
  try {
    return JSON.stringify(e);
  } catch {
    return String(e);
  }
}

/** Serializable error info stored in events: message, class name, stack and the cause chain. */
export interface SerializedError {
  message: string;
  className: string;
  stack?: string;
  code?: string;
  cause?: SerializedError;
}

export function serializeError(e: unknown, depth = 0): SerializedError {
  if (e instanceof Error) {
    const out: SerializedError = { message: e.message, className: e.name, stack: e.stack };
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') out.code = code;
    if (e.cause !== undefined && depth < 5) out.cause = serializeError(e.cause, depth + 1);
    return out;
  }
  return { message: errorMessage(e), className: typeof e };
}

/** Levenshtein-based suggestion; returns undefined when nothing is reasonably close. */
export function closestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDist = Number.POSITIVE_INFINITY;
  for (const k of known) {
    const d = distance(name.toLowerCase(), k.toLowerCase());
    if (d < bestDist) {
      bestDist = d;
      best = k;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(2, Math.floor(Math.max(name.length, best.length) / 3));
  if (bestDist <= limit || best.includes(name) || name.includes(best)) return best;
  return undefined;
}
