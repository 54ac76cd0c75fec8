import { describe, expect, it } from 'vitest';
import { fuseRrf } from '../src/search/hybrid.ts';
import { EmptyQuestionError, queryTerms, toFts5Match, toTsQuery } from '../src/search/query.ts';
import type { SearchHit } from '../src/search/types.ts';

describe('queryTerms', () => {
  it('extracts words, drops stopwords and stems each by its script (Snowball English / Russian)', () => {
    expect(queryTerms('What are the Transformers?')).toEqual([
      { word: 'transformers', stems: ['transform'] },
    ]);
    expect(queryTerms('Когда основали Москву? В 1147').flatMap((t) => t.stems)).toEqual([
      'основа',
      'москв',
      '1147',
    ]);
    expect(queryTerms('ёлка')).toEqual([{ word: 'елка', stems: ['елк'] }]);
  });

  it('stems a question word once per language the index holds', () => {
    const [t] = queryTerms('running', ['en', 'fr']);
    expect(t).toEqual({ word: 'running', stems: ['run', 'running'] });
  });

  it('keeps stopwords when the question has nothing else', () => {
    expect(queryTerms('what is it').map((t) => t.word)).toEqual(['what', 'is', 'it']);
  });

  it('rejects empty and symbol-only questions with a clear error', () => {
    expect(() => queryTerms('')).toThrow(EmptyQuestionError);
    expect(() => queryTerms('   \n')).toThrow(/question is empty/);
    expect(() => queryTerms('"*:()-^ 🚀')).toThrow(/no searchable words/);
  });

  it('builds FTS5 and tsquery strings from safe characters only', () => {
    const terms = queryTerms('NEAR("rocket" AND orbit*) OR -col:stage');
    expect(toFts5Match(terms)).toBe('"near" OR "rocket" OR "orbit" OR "col" OR "stage"');
    expect(toTsQuery(terms)).toBe("'near' | 'rocket' | 'orbit' | 'col' | 'stage'");
  });

  it('never produces anything but quoted letter/digit terms for random syntax-heavy input', () => {
    const alphabet = [
      '"',
      "'",
      '*',
      ':',
      '-',
      '(',
      ')',
      '^',
      '+',
      'NEAR',
      'AND',
      'OR',
      'NOT',
      '🚀',
      'ё',
      'Москва',
      'x',
      ' ',
      '\\',
      '{',
      '}',
      '[',
      ']',
      '|',
      '&',
      '!',
      '<',
      '>',
      '%',
      '\0',
      'é',
      '٣',
    ];
    let seed = 42;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    for (let i = 0; i < 500; i++) {
      const q = Array.from(
        { length: 1 + Math.floor(rnd() * 12) },
        () => alphabet[Math.floor(rnd() * alphabet.length)],
      ).join('');
      let terms: ReturnType<typeof queryTerms>;
      try {
        terms = queryTerms(q);
      } catch (err) {
        expect(err).toBeInstanceOf(EmptyQuestionError);
        continue;
      }
      expect(terms.length).toBeGreaterThan(0);
      expect(toFts5Match(terms)).toMatch(/^"[\p{L}\p{N}\p{M}]+"( OR "[\p{L}\p{N}\p{M}]+")*$/u);
      expect(toTsQuery(terms)).toMatch(/^'[\p{L}\p{N}\p{M}]+'( \| '[\p{L}\p{N}\p{M}]+')*$/u);
    }
  });
});

describe('fuseRrf', () => {
  const hit = (chunkId: number): SearchHit => ({
    chunkId,
    videoId: 'v',
    idx: chunkId,
    start: 0,
    end: 1,
    text: '',
    score: 0,
    title: null,
    channel: null,
    url: null,
  });

  it('ranks items found by both retrievers first, with 1/(60+rank) scores', () => {
    const fused = fuseRrf(
      [
        [hit(1), hit(2), hit(3)],
        [hit(3), hit(4)],
      ],
      10,
    );
    expect(fused.map((h) => h.chunkId)).toEqual([3, 1, 2, 4]);
    expect(fused[0].score).toBeCloseTo(1 / 63 + 1 / 61, 10);
    expect(fuseRrf([[hit(1), hit(2)]], 1)).toHaveLength(1);
  });
});
