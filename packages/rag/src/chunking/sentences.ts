import type { TranscriptSegment } from '../ports.ts';

/**
 * A sentence (or, for captions without punctuation, a caption phrase) with the seconds it was
 * spoken in. Chunks are made of whole sentences, and citations point at the sentence where the
 * evidence begins.
 */
export interface Sentence {
  start: number;
  end: number;
  text: string;
  words: number;
}

/** Terminal punctuation, optionally followed by closing quotes/brackets. */
const TERMINAL = /[.!?…。！？]["'»”’)\]]*$/u;
/** Words that end in a period but rarely end a sentence. */
const ABBREVIATION = /^(?:mr|mrs|ms|dr|prof|st|vs|etc|e\.g|i\.e|approx|no|fig|т\.е|т\.д|т\.п|г|см|рис)\.$/iu;

interface TimedWord {
  text: string;
  start: number;
  end: number;
  /** Last word of its caption segment, and the silence until the next segment. */
  segmentEnd: boolean;
  gapAfter: number;
}

/**
 * Splits a transcript into sentences. Punctuation decides where captions have it; where they do
 * not (YouTube's automatic captions) a phrase ends at a caption boundary after a pause, or after
 * at most 25 words. A sentence running across several cues keeps the time of its first word.
 */
export function splitIntoSentences(segments: readonly TranscriptSegment[]): Sentence[] {
  const words = timedWords(segments);
  if (words.length === 0) return [];
  const terminals = words.filter((w) => TERMINAL.test(w.text)).length;
  // Punctuated text: allow long sentences before a forced cut; unpunctuated: phrase-sized.
  const punctuated = terminals * 40 >= words.length;
  const maxWords = punctuated ? 60 : 25;
  const out: Sentence[] = [];
  let from = 0;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const n = i - from + 1;
    const next = words[i + 1];
    const ends =
      !next ||
      (TERMINAL.test(w.text) && !ABBREVIATION.test(w.text) && startsSentence(next.text)) ||
      (!punctuated &&
        w.segmentEnd &&
        ((n >= 8 && w.gapAfter >= 0.6) || n >= 16 || w.end - words[from]!.start >= 12)) ||
      n >= maxWords;
    if (!ends) continue;
    const part = words.slice(from, i + 1);
    out.push({
      start: round(part[0]!.start),
      end: round(part[part.length - 1]!.end),
      text: part.map((p) => p.text).join(' '),
      words: part.length,
    });
    from = i + 1;
  }
  return out;
}

function startsSentence(word: string): boolean {
  // A lower-case letter after a period is usually an abbreviation or a file name (".psd files").
  const first = word.replace(/^["'«“‘([¿¡>-]+/u, '')[0] ?? '';
  return first === '' || first !== first.toLowerCase() || /\p{N}/u.test(first);
}

function timedWords(segments: readonly TranscriptSegment[]): TimedWord[] {
  const out: TimedWord[] = [];
  const valid = segments.filter((s) => s && typeof s.text === 'string');
  for (let k = 0; k < valid.length; k++) {
    const seg = valid[k]!;
    const parts = seg.text.split(/\s+/).filter((w) => w.length > 0);
    if (parts.length === 0) continue;
    const start = finite(seg.start, 0);
    const end = Math.max(start, finite(seg.end, start));
    const step = (end - start) / parts.length;
    const nextStart = valid[k + 1] ? finite(valid[k + 1]!.start, end) : end;
    for (let i = 0; i < parts.length; i++) {
      const last = i === parts.length - 1;
      out.push({
        text: parts[i]!,
        start: start + step * i,
        end: start + step * (i + 1),
        segmentEnd: last,
        gapAfter: last ? Math.max(0, nextStart - end) : 0,
      });
    }
  }
  return out;
}

function finite(n: number, fallback: number): number {
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
