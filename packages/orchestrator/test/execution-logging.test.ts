import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logging/logger.ts';

function capture(): { stream: Writable; text: () => string; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  return {
    stream,
    text: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
  };
}

describe('createLogger', () => {
  it('plain: one readable line per entry with the error message, secrets kept out', () => {
    const out = capture();
    const log = createLogger({ level: 'info', name: 'cli', destination: out.stream, plain: true });
    log.warn({ runId: 'r1', token: 'bot123:abc' }, 'Embedding v1 failed, indexed for lexical search only');
    log.child({ stepKey: 's' }).error({ err: { message: 'fetch failed' } }, 'could not embed');
    log.error({ err: { message: 'already said' } }, 'could not embed: already said');
    log.debug({}, 'hidden at info');
    expect(out.text()).toBe(
      'warning: Embedding v1 failed, indexed for lexical search only\n' +
        'error: could not embed (fetch failed)\n' +
        'error: could not embed: already said\n',
    );
  });

  it('writes JSON lines with name and level, and redacts secrets at any of three depths', () => {
    const out = capture();
    const log = createLogger({ level: 'info', name: 'daemon', destination: out.stream });
    log.info(
      { token: 'bot123:abc', request: { headers: { authorization: 'Bearer x' } }, cfg: { apiKey: 'sk-1' } },
      'hello',
    );
    log.child({ runId: 'r1' }).warn({ password: 'p' }, 'child');
    log.debug({}, 'hidden at info');
    const [first, second, ...rest] = out.lines();
    expect(first).toMatchObject({
      name: 'daemon',
      msg: 'hello',
      token: '[redacted]',
      cfg: { apiKey: '[redacted]' },
    });
    expect((first!.request as { headers: { authorization: string } }).headers.authorization).toBe(
      '[redacted]',
    );
    expect(JSON.stringify(first)).not.toContain('sk-1');
    expect(second).toMatchObject({ runId: 'r1', password: '[redacted]', msg: 'child' });
    expect(rest).toEqual([]);
  });
});
