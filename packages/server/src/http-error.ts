import {
  assertUnreachable,
  type ErrorKind,
  errorKind,
  InvalidConfigError,
  InvalidInputError,
} from '@llm-rag-yt/orchestrator';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ServerLogger } from './types.ts';

/** An error meant for the client: status, a message saying what to fix, optional structured issues. */
export class HttpError extends Error {
  readonly status: ContentfulStatusCode;
  readonly issues: readonly { path: string; message: string }[] | undefined;
  constructor(
    status: ContentfulStatusCode,
    message: string,
    issues?: readonly { path: string; message: string }[],
  ) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.issues = issues;
  }
}

export interface ErrorBody {
  error: { status: number; message: string; issues?: readonly { path: string; message: string }[] };
}

/** The one place that decides the HTTP status of a domain error: by its kind, nothing else. */
export function statusOfKind(kind: ErrorKind): ContentfulStatusCode {
  switch (kind) {
    case 'not_found':
      return 404;
    case 'invalid_input':
      return 400;
    case 'conflict':
      return 409;
    case 'unavailable':
      return 503;
    default:
      return assertUnreachable(kind);
  }
}

/**
 * Maps errors meant for the client to an HttpError by their domain kind (see ErrorKind in the
 * orchestrator). Anything else is null: a 500 without details, logged server-side.
 */
export function toHttpError(err: unknown): HttpError | null {
  if (err instanceof HttpError) return err;
  const kind = errorKind(err);
  if (kind === null) return null;
  const issues =
    err instanceof InvalidConfigError || err instanceof InvalidInputError ? err.issues : undefined;
  return new HttpError(statusOfKind(kind), (err as Error).message, issues);
}

let errorCounter = 0;

/** The app's global error handler: never a stack trace to the client. */
export function handleError(logger: ServerLogger) {
  return (err: unknown, c: Context) => {
    const http = toHttpError(err);
    if (http) {
      const body: ErrorBody = { error: { status: http.status, message: http.message } };
      if (http.issues?.length) body.error.issues = http.issues;
      return c.json(body, http.status);
    }
    const ref = `${Date.now().toString(36)}-${(++errorCounter).toString(36)}`;
    logger.error({ err, ref, method: c.req.method, path: c.req.path }, 'unhandled error in API request');
    const body: ErrorBody = {
      error: {
        status: 500,
        message: `Internal server error (reference ${ref}); the server log has the details.`,
      },
    };
    return c.json(body, 500);
  };
}
