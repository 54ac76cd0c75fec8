import type { TranscriptSegment } from '../ports.ts';
import { type Sentence, splitIntoSentences } from './sentences.ts';

/** A searchable piece of a transcript. Times are seconds from the start of the video. */
export interface Chunk {
  idx: number;
  start: number;
  end: number;
  text: string;
}

export interface ChunkOptions {
  /** Words per chunk before a new one starts. Default 120. */
  targetWords?: number;
  /** A chunk never spans more than this many seconds of video (unless one sentence alone is longer). Default 60. */
  maxSeconds?: number;
  /** Whole trailing sentences of up to this many words repeat at the start of the next chunk, so context cut at a boundary is still found. Default 20. */
  overlapWords?: number;
  /** Chapter start times (seconds): a chunk never crosses into the next chapter. */
  chapters?: readonly { start: number }[];
}

/**
 * Splits a transcript into chunks of whole sentences (see splitIntoSentences), by word count and
 * time, never across a chapter start. A single sentence longer than a chunk is cut by words.
 *
 * @example
 * chunkSegments([{ start: 0, end: 4, text: 'hello world' }]) // [{ idx: 0, start: 0, end: 4, text: 'hello world' }]
 */
export function chunkSegments(segments: readonly TranscriptSegment[], opts: ChunkOptions = {}): Chunk[] {
  const targetWords = Math.max(1, Math.floor(opts.targetWords ?? 120));
  const maxSeconds = Math.max(1, opts.maxSeconds ?? 60);
  const overlapWords = Math.max(0, Math.floor(opts.overlapWords ?? 20));
  const sentences = splitIntoSentences(segments).flatMap((s) => cutLong(s, targetWords));
  const chapterStarts = (opts.chapters ?? [])
    .map((c) => c.start)
    .filter((t) => Number.isFinite(t) && t > 0)
    .sort((a, b) => a - b);
  const chapterOf = (t: number) => {
    let i = 0;
    while (i < chapterStarts.length && chapterStarts[i]! <= t + 1e-6) i++;
    return i;
  };

  const chunks: Chunk[] = [];
  let from = 0;
  const n = sentences.length;
  while (from < n) {
    const first = sentences[from]!;
    const chapter = chapterOf(first.start);
    let to = from + 1; // exclusive
    let words = first.words;
    while (
      to < n &&
      words + sentences[to]!.words <= targetWords &&
      sentences[to]!.end - first.start <= maxSeconds &&
      chapterOf(sentences[to]!.start) === chapter
    ) {
      words += sentences[to]!.words;
      to++;
    }
    const part = sentences.slice(from, to);
    chunks.push({
      idx: chunks.length,
      start: part[0]!.start,
      end: part[part.length - 1]!.end,
      text: part.map((s) => s.text).join(' '),
    });
    if (to >= n) break;
    // Step back over whole sentences for overlap (same chapter only), always advancing.
    let back = to;
    let overlap = 0;
    while (
      back - 1 > from &&
      overlap + sentences[back - 1]!.words <= overlapWords &&
      chapterOf(sentences[back - 1]!.start) === chapterOf(sentences[to]!.start)
    ) {
      back--;
      overlap += sentences[back]!.words;
    }
    from = back;
  }
  return chunks;
}

/** A sentence longer than a chunk (a transcript without punctuation or pauses) is cut by words, times interpolated. */
function cutLong(s: Sentence, maxWords: number): Sentence[] {
  if (s.words <= maxWords) return [s];
  const words = s.text.split(' ');
  const step = (s.end - s.start) / words.length;
  const out: Sentence[] = [];
  for (let i = 0; i < words.length; i += maxWords) {
    const part = words.slice(i, i + maxWords);
    out.push({
      start: round(s.start + step * i),
      end: round(s.start + step * (i + part.length)),
      text: part.join(' '),
      words: part.length,
    });
  }
  return out;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
