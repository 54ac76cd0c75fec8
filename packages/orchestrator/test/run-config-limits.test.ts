/*
 * Run config limits: a hostile document (deep nesting, alias bombs, undefined aliases, huge text,
 * deep JSON) is an InvalidConfigError naming the problem — quickly, and without exhausting memory.
 */
import { describe, expect, it } from 'vitest';
import { defineAsset, defineJob, z } from '../src/definitions/define.ts';
import { Definitions } from '../src/definitions/definitions.ts';
import { InvalidConfigError } from '../src/errors.ts';
import { parseRunConfig, RUN_CONFIG_LIMITS, validateRunConfig } from '../src/runs/run-config.ts';

const defs = new Definitions({
  assets: [
    defineAsset({
      key: 'youtube_urls_to_process',
      config: z.object({ urls: z.array(z.string()).default([]) }),
      compute: () => null,
    }),
  ],
  jobs: [defineJob({ name: 'job', selection: ['*'] })],
});

function parseError(text: string): InvalidConfigError {
  const started = Date.now();
  let err: unknown;
  try {
    parseRunConfig(text, 'launchpad');
  } catch (e) {
    err = e;
  }
  expect(Date.now() - started, 'answered quickly').toBeLessThan(2000);
  expect(err).toBeInstanceOf(InvalidConfigError);
  return err as InvalidConfigError;
}

describe('run config limits', () => {
  it('10,000 nested brackets are refused before parsing (this killed the process)', () => {
    for (const text of [
      '['.repeat(10_000) + ']'.repeat(10_000),
      `ops: ${'{a: '.repeat(5000)}1${'}'.repeat(5000)}`,
    ]) {
      const err = parseError(text);
      expect(err.issues[0]!.message).toMatch(/nests brackets \d+ levels deep; the limit is 64/);
    }
  });

  it('an alias bomb is refused naming aliases', () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x","x"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]',
      'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]',
      'g: [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]',
    ].join('\n');
    const err = parseError(bomb);
    expect(err.issues[0]!.message).toMatch(/aliases .* too often .* at most 1000/);
  });

  it('an undefined alias is refused naming the alias', () => {
    const err = parseError('ops:\n  youtube_urls_to_process:\n    config: *nothing\n');
    expect(err.issues[0]!.message).toMatch(/nothing.*define '&name' before using '\*name'/);
  });

  it('oversized text is refused with the limit', () => {
    const err = parseError(`ops: {}\n# ${'x'.repeat(RUN_CONFIG_LIMITS.maxChars)}`);
    expect(err.issues[0]!.message).toMatch(/characters; the limit is 200000/);
  });

  it('ordinary documents with brackets in strings, comments and a few aliases still parse', () => {
    const text = [
      'ops:',
      '  youtube_urls_to_process:',
      '    config:',
      `      urls: ["https://example.com/[[[[", 'it''s [ok]', &u "https://youtu.be/dQw4w9WgXcQ"]  # [[[[[[`,
      '  other: {list: [*u, *u]}',
    ].join('\n');
    const cfg = parseRunConfig(text, 'f.yaml') as any;
    expect(cfg.ops.youtube_urls_to_process.config.urls).toHaveLength(3);
    expect(cfg.ops.other.list).toEqual(['https://youtu.be/dQw4w9WgXcQ', 'https://youtu.be/dQw4w9WgXcQ']);
  });

  it('deep JSON run config (API bodies) is refused by validation, not a stack overflow later', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(() =>
      validateRunConfig(defs, 'job', { ops: { youtube_urls_to_process: { config: { urls: deep } } } } as any),
    ).toThrow(/nests values more than 64 levels deep/);
  });
});
