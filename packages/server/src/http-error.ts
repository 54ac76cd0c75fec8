import {
  InvalidConfigError,
  InvalidTransitionError,
  NonRetriableError,
  OrchestratorError,
  UnknownNameError,
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

/** Maps domain errors to 4xx; anything unknown becomes a 500 without details (logged server-side). */
export function toHttpError(err: unknown): HttpError | null {
  if (err instanceof HttpError) return err;
  if (err instanceof InvalidConfigError) return new HttpError(400, err.message, err.issues);
  if (err instanceof UnknownNameError) return new HttpError(404, err.message);
  if (err instanceof InvalidTransitionError) return new HttpError(409, err.message);
  // The RAG service throws NonRetriableError for requests that cannot succeed as given (unknown
  // query id, malformed caption file, bad rating): a client error, and its message says what to fix.
  if (err instanceof NonRetriableError)
    return new HttpError(
      /\b(does not exist|not found|no such)\b/i.test(err.message) ? 404 : 400,
      err.message,
    );
  if (err instanceof OrchestratorError) {
    switch (err.code) {
      case 'INVALID_CRON':
      case 'INVALID_DEFINITION':
        return new HttpError(400, err.message);
      default:
        return null;
    }
  }
  // Errors from the RAG service that carry an explicit client status (e.g. `{ status: 400 }`).
  const status =
    (err as { status?: unknown; statusCode?: unknown })?.status ??
    (err as { statusCode?: unknown })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500 && err instanceof Error) {
    return new HttpError(status as ContentfulStatusCode, err.message);
  }
  // RAG-side errors follow a naming convention: *NotFoundError → 404, Invalid*/Validation* → 400.
  if (err instanceof Error && /NotFound/.test(err.name)) return new HttpError(404, err.message);
  if (err instanceof Error && /^(Invalid|Validation)|ValidationError$/.test(err.name))
    return new HttpError(400, err.message);
  return null;
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
