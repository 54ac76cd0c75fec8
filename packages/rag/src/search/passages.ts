import type { Sentence } from '../chunking/sentences.ts';
import { matchTokens, type WeightedTerm } from './evidence.ts';

/*
 * Evidence at sentence granularity, scored with its neighbours. The first stage finds passages
 * (chunks); inside them every sentence is scored twice with BM25 — alone, and as the window of
 * the sentences around it — so a moment wins when it matches the question and its surroundings
 * talk about the same thing. The cited passage is then cut around the best sentence instead of
 * being whatever fixed chunk it happened to fall in.
 */

/** BM25's usual constants (Robertson/Spärck Jones; Lucene's and FTS5's defaults). */
export const BM25_K1 = 1.2;
export const BM25_B = 0.75;

/** Sentences on each side that make a sentence's window. */
export const WINDOW_NEIGHBOURS = 2;

/** One contiguous stretch of a video's sentences, scored as a whole. */
export interface SentenceRegion {
  videoId: string;
  language: string | null;
  sentences: readonly Sentence[];
}

export interface ScoredSentence {
  region: number;
  /** Index into the region's sentences. */
  index: number;
  /** BM25 of the sentence alone. */
  sentence: number;
  /** BM25 of the sentence with its neighbours (WINDOW_NEIGHBOURS each side). */
  window: number;
  /** Question terms (indexes into the weighted terms) the sentence contains. */
  matched: ReadonlySet<number>;
}

/**
 * Scores every sentence of the regions. `terms` carry the idf weights (see weightTerms); the
 * average lengths are those of the regions' own sentences and windows.
 */
export function scoreSentences(
  regions: readonly SentenceRegion[],
  terms: readonly WeightedTerm[],
): ScoredSentence[][] {
  const caches = new Map<string | null, Map<string, number>>();
  const perRegion = regions.map((r) => {
    const cache = caches.get(r.language) ?? new Map<string, number>();
    caches.set(r.language, cache);
    return r.sentences.map((s) => {
      const tf = new Map<number, number>();
      const m = matchTokens(s.text, terms, r.language, cache);
      for (const t of m) if (t >= 0) tf.set(t, (tf.get(t) ?? 0) + 1);
      return { tf, length: m.length };
    });
  });
  let sentenceTotal = 0;
  let sentences = 0;
  let windowTotal = 0;
  const windows = perRegion.map((units) =>
    units.map((_, i) => {
      const tf = new Map<number, number>();
      let length = 0;
      for (
        let j = Math.max(0, i - WINDOW_NEIGHBOURS);
        j <= Math.min(units.length - 1, i + WINDOW_NEIGHBOURS);
        j++
      ) {
        length += units[j]!.length;
        for (const [t, f] of units[j]!.tf) tf.set(t, (tf.get(t) ?? 0) + f);
      }
      return { tf, length };
    }),
  );
  perRegion.forEach((units, r) => {
    for (const u of units) {
      sentenceTotal += u.length;
      sentences++;
    }
    for (const w of windows[r]!) windowTotal += w.length;
  });
  const avgSentence = sentenceTotal / Math.max(1, sentences) || 1;
  const avgWindow = windowTotal / Math.max(1, sentences) || 1;
  return perRegion.map((units, r) =>
    units.map((u, i) => ({
      region: r,
      index: i,
      sentence: bm25(u.tf, u.length, avgSentence, terms),
      window: bm25(windows[r]![i]!.tf, windows[r]![i]!.length, avgWindow, terms),
      matched: new Set(u.tf.keys()),
    })),
  );
}

function bm25(
  tf: ReadonlyMap<number, number>,
  length: number,
  avg: number,
  terms: readonly WeightedTerm[],
): number {
  let s = 0;
  const norm = BM25_K1 * (1 - BM25_B + (BM25_B * length) / avg);
  for (const [t, f] of tf) s += terms[t]!.weight * ((f * (BM25_K1 + 1)) / (f + norm));
  return s;
}

/**
 * The passage cited around sentence `at`: neighbours are added on both sides, alternately, while
 * the passage stays within `maxWords` words and `maxSeconds` seconds.
 */
export function passageAround(
  sentences: readonly Sentence[],
  at: number,
  maxWords: number,
  maxSeconds: number,
): { from: number; to: number } {
  let from = at;
  let to = at;
  let words = sentences[at]!.words;
  for (let grew = true; grew; ) {
    grew = false;
    for (const j of [to + 1, from - 1]) {
      if (j < 0 || j >= sentences.length) continue;
      const a = Math.min(from, j);
      const b = Math.max(to, j);
      if (words + sentences[j]!.words > maxWords || sentences[b]!.end - sentences[a]!.start > maxSeconds)
        continue;
      words += sentences[j]!.words;
      from = a;
      to = b;
      grew = true;
    }
  }
  return { from, to };
}
