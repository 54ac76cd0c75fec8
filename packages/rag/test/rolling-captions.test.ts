import { describe, expect, it } from 'vitest';
import { rollingJson3, rollingSrv3, rollingVtt, spokenWords } from '../../../bench/lib/auto-captions.ts';
import { parseCaptions } from '../src/index.ts';

/* YouTube's rolling auto-captions in every format they come in: each word once, at its time. */

const SENTENCES = [
  { start: 1.2, end: 6, text: 'There are a variety of ways to share a design you build in Photoshop.' },
  { start: 6.4, end: 11, text: "In this video, we'll talk about saving and exporting a design." },
  { start: 11.5, end: 15.25, text: 'First, you save the master copy of your design.' },
];
const WORDS = spokenWords(SENTENCES).map((w) => w.text);

describe.each([
  ['vtt', rollingVtt],
  ['json3', rollingJson3],
  ['srv3', rollingSrv3],
] as const)('rolling auto-captions (%s)', (format, make) => {
  it('keeps every spoken word exactly once, in order, with the time its line starts', () => {
    const text = make(SENTENCES);
    if (format === 'vtt') {
      // The raw file really repeats each line as it scrolls, and carries inline word timings.
      expect(text.split('share a design you build').length - 1).toBeGreaterThanOrEqual(2);
      expect(text).toMatch(/<00:00:0\d\.\d{3}><c> /);
    }
    const { format: detected, segments } = parseCaptions(text, { filename: `captions.${format}` });
    expect(detected).toBe(format);
    expect(segments.flatMap((s) => s.text.split(' '))).toEqual(WORDS);
    expect(segments[0]!.start).toBe(1.2);
    for (let i = 1; i < segments.length; i++) {
      expect(segments[i]!.start).toBeGreaterThanOrEqual(segments[i - 1]!.end);
      expect(segments[i]!.text).not.toBe(segments[i - 1]!.text);
    }
    // 7-word lines: the second line starts at the 8th word's time.
    const words = spokenWords(SENTENCES);
    expect(segments[1]!.start).toBeCloseTo(words[7]!.start, 2);
  });
});

describe('srv3 errors', () => {
  it('names the line of broken XML and rejects a file without <timedtext>', () => {
    expect(() =>
      parseCaptions('<timedtext format="3">\n<body>\n<p t="0">a</s></body>', { filename: 'x.srv3' }),
    ).toThrow(/YouTube srv3 captions in x\.srv3 at line 3: invalid XML/);
    expect(() => parseCaptions('<?xml version="1.0"?><other/>', { format: 'srv3' })).toThrow(
      /no <timedtext> element/,
    );
  });
});
