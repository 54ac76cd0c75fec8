/*
 * Errors reach HTTP by their domain kind, through one switch: every kind and every error class
 * the API can meet maps to one status; anything without a kind is a 500 (null here).
 */
import {
  ConflictError,
  type ErrorKind,
  InvalidConfigError,
  InvalidCronError,
  InvalidDefinitionError,
  InvalidInputError,
  InvalidTransitionError,
  NonRetriableError,
  NotFoundError,
  OrchestratorError,
  RetryAfterError,
  UnavailableError,
  UnknownNameError,
  UserCodeError,
} from '@llm-rag-yt/orchestrator';
import { CaptionParseError, EmptyQuestionError, InvalidVideoUrlError } from '@llm-rag-yt/rag';
import { describe, expect, it } from 'vitest';
import { HttpError, statusOfKind, toHttpError } from '../src/http-error.ts';

describe('HTTP status of domain errors', () => {
  it('maps each kind to one status', () => {
    const all: Record<ErrorKind, number> = {
      not_found: 404,
      invalid_input: 400,
      conflict: 409,
      unavailable: 503,
    };
    for (const [kind, status] of Object.entries(all))
      expect(statusOfKind(kind as ErrorKind), kind).toBe(status);
  });

  it('maps every error class by its kind, keeping the message and issues', () => {
    const cases: [Error, number][] = [
      [new NotFoundError('Request 5 does not exist.'), 404],
      [new UnknownNameError('job', 'ingest_jb', ['ingest_job']), 404],
      [new InvalidInputError('Feedback rating must be 1 or -1.'), 400],
      [new InvalidConfigError('job x', [{ path: 'ops.a', message: 'Required' }]), 400],
      [new InvalidCronError('schedule s', '* *', 'too few fields'), 400],
      [new InvalidDefinitionError('Asset a depends on itself.'), 400],
      [new EmptyQuestionError('   '), 400],
      [new CaptionParseError('vtt', 1, 'missing WEBVTT header'), 400],
      [new InvalidVideoUrlError('ftp://x', 'not http(s)'), 400],
      [new ConflictError('Request 5 is processing; only failed requests can be retried.'), 409],
      [new InvalidTransitionError('r1', 'SUCCESS', 'CANCELING'), 409],
      [
        new OrchestratorError(
          'INVALID_TRANSITION',
          'Run r1 is STARTED; only finished runs can be re-executed.',
        ),
        409,
      ],
      [new UnavailableError('The chat model is not reachable.'), 503],
      [new RetryAfterError('Rate limited.', 30_000), 503],
    ];
    for (const [err, status] of cases) {
      const http = toHttpError(err);
      expect(http, err.name).toBeInstanceOf(HttpError);
      expect(http!.status, `${err.name}: ${err.message}`).toBe(status);
      expect(http!.message).toBe(err.message);
    }
    const withIssues = toHttpError(new InvalidConfigError('job x', [{ path: 'ops.a', message: 'Required' }]));
    expect(withIssues!.issues).toEqual([{ path: 'ops.a', message: 'Required' }]);
    const inputIssues = toHttpError(
      new InvalidInputError('bad', { issues: [{ path: 'q', message: 'too long' }] }),
    );
    expect(inputIssues!.issues).toEqual([{ path: 'q', message: 'too long' }]);
  });

  it('errors without a kind are internal (500), whatever their message, name or status field', () => {
    const named = new Error('Video x does not exist.');
    named.name = 'VideoNotFoundError';
    const invalid = new Error('bad');
    invalid.name = 'InvalidThingError';
    const withStatus = Object.assign(new Error('upstream said 401'), { status: 401 });
    for (const err of [
      new NonRetriableError('Request 5 does not exist.'),
      new UserCodeError('asset a', new Error('boom')),
      new OrchestratorError('STORAGE_ERROR', 'disk full'),
      named,
      invalid,
      withStatus,
      'a string',
      null,
    ])
      expect(toHttpError(err), String((err as Error)?.name ?? err)).toBeNull();
  });

  it('an explicit HttpError passes through unchanged', () => {
    const e = new HttpError(413, 'Too large.');
    expect(toHttpError(e)).toBe(e);
  });
});
