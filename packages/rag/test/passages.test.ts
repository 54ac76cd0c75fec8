import { describe, expect, it } from 'vitest';
import type { Sentence } from '../src/chunking/sentences.ts';
import { weightTerms } from '../src/search/evidence.ts';
import { passageAround, scoreSentences } from '../src/search/passages.ts';
import { queryTerms } from '../src/search/query.ts';

/* Sentence-level evidence scored with its neighbours, and the passage cut around a moment. */

const s = (start: number, text: string): Sentence => ({
  start,
  end: start + 5,
  text,
  words: text.split(' ').length,
});

const TALK: Sentence[] = [
  s(0, 'Welcome to the channel.'),
  s(5, 'Masks hide parts of a layer.'),
  s(10, 'Paint black on the mask to hide.'),
  s(15, 'Paint white on the mask to reveal.'),
  s(20, 'Now something else entirely.'),
  s(25, 'A lonely mention of a mask.'),
  s(30, 'Goodbye.'),
];

describe('scoreSentences', () => {
  const terms = weightTerms(queryTerms('how do I hide with a mask?', ['en']), null, 0);
  const [scored] = scoreSentences([{ videoId: 'v', language: 'en', sentences: TALK }], terms);

  it('scores each sentence alone and with its neighbours', () => {
    const sentence = scored!.map((x) => x.sentence);
    const window = scored!.map((x) => x.window);
    // "Paint black on the mask to hide." has both words; the welcome and goodbye none.
    expect(sentence[2]).toBeGreaterThan(0);
    expect(sentence[2]).toBeGreaterThan(sentence[3]!);
    expect(sentence[0]).toBe(0);
    expect(sentence[6]).toBe(0);
    // A lone mention scores alone, but its neighbourhood talks of other things.
    expect(sentence[5]).toBeGreaterThan(0);
    expect(window[2]).toBeGreaterThan(window[5]!);
    // A sentence without the words still has a window score from its neighbours.
    expect(window[0]).toBeGreaterThan(0);
    expect([...scored![2]!.matched].sort()).toEqual([0, 1]);
  });
});

describe('passageAround', () => {
  it('grows on both sides within the word and time budget', () => {
    expect(passageAround(TALK, 3, 1000, 15)).toEqual({ from: 2, to: 4 });
    expect(passageAround(TALK, 0, 1000, 12)).toEqual({ from: 0, to: 1 });
    const words = TALK[2]!.words + TALK[3]!.words;
    expect(passageAround(TALK, 2, words, 1000)).toEqual({ from: 2, to: 3 });
    // A single sentence longer than the budget is still the passage.
    expect(passageAround(TALK, 6, 0, 0)).toEqual({ from: 6, to: 6 });
  });
});
