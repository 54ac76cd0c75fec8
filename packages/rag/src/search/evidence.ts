import { type QueryTerm, tokenize } from './query.ts';
import { stem } from './stemming.ts';

/*
 * Matching a question against text by weighted stems: what the moment scoring (passages.ts) and
 * the video-level evidence of retrieval share.
 */

/** A question term with its weight (inverse document frequency; 1 when unknown). */
export interface WeightedTerm {
  stems: readonly string[];
  weight: number;
}

export function weightTerms(
  terms: readonly QueryTerm[],
  df: Record<string, number> | null,
  n: number,
): WeightedTerm[] {
  return terms.map((t) => {
    if (!df || n <= 0) return { stems: t.stems, weight: 1 };
    // BM25's idf (never negative): rare words weigh more than "layer" in a Photoshop channel.
    const d = Math.max(...t.stems.map((s) => df[s] ?? 0));
    return { stems: t.stems, weight: Math.log(1 + (n - d + 0.5) / (d + 0.5)) };
  });
}

/**
 * The term index matched at each token (-1 for none). `cache` (word → term index) may be shared
 * by calls with the same terms and language, so each distinct word is stemmed once.
 */
export function matchTokens(
  text: string,
  terms: readonly WeightedTerm[],
  language: string | null,
  cache?: Map<string, number>,
): number[] {
  const byStem = new Map<string, number>();
  terms.forEach((t, i) => {
    for (const s of t.stems) if (!byStem.has(s)) byStem.set(s, i);
  });
  const local = cache ?? new Map<string, number>();
  return tokenize(text).map((w) => {
    let m = local.get(w);
    if (m === undefined) {
      m = byStem.get(stem(w, language)) ?? -1;
      local.set(w, m);
    }
    return m;
  });
}

export interface MatchFeatures {
  /** Weighted share of the question's terms found anywhere in the text (0..1). */
  coverage: number;
  /** Best weighted share found within a window of `window` tokens: proximity (0..1). */
  proximity: number;
  /** Share of the question's adjacent term pairs found next to each other (0..1). */
  phrase: number;
}

export function matchFeatures(
  matches: readonly number[],
  terms: readonly WeightedTerm[],
  window = 20,
): MatchFeatures {
  const total = terms.reduce((a, t) => a + t.weight, 0) || 1;
  const seen = new Set<number>();
  for (const m of matches) if (m >= 0) seen.add(m);
  let coverage = 0;
  for (const i of seen) coverage += terms[i]!.weight;
  // Sliding window: weighted distinct terms inside any `window` consecutive tokens.
  let best = 0;
  const counts = new Map<number, number>();
  let inWindow = 0;
  for (let i = 0; i < matches.length; i++) {
    const m = matches[i]!;
    if (m >= 0) {
      const c = counts.get(m) ?? 0;
      if (c === 0) inWindow += terms[m]!.weight;
      counts.set(m, c + 1);
    }
    const out = i - window >= 0 ? matches[i - window]! : -1;
    if (out >= 0) {
      const c = counts.get(out)! - 1;
      counts.set(out, c);
      if (c === 0) inWindow -= terms[out]!.weight;
    }
    if (inWindow > best) best = inWindow;
  }
  let pairs = 0;
  const adjacent = new Set<number>();
  for (let i = 0; i + 1 < matches.length; i++) {
    const a = matches[i]!;
    for (let j = i + 1; j <= i + 2 && j < matches.length; j++) {
      const b = matches[j]!;
      if (a >= 0 && b === a + 1) adjacent.add(a);
    }
  }
  pairs = adjacent.size;
  return {
    coverage: coverage / total,
    proximity: best / total,
    phrase: terms.length > 1 ? pairs / (terms.length - 1) : 0,
  };
}
