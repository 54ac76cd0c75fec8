import { type Sentence, splitIntoSentences } from '../chunking/sentences.ts';
import type { Embedder, Reranker, TranscriptSegment } from '../ports.ts';
import { matchFeatures, matchTokens, type WeightedTerm, weightTerms } from './evidence.ts';
import { type HybridSearchOptions, hybridSearch } from './hybrid.ts';
import {
  passageAround,
  type ScoredSentence,
  type SentenceRegion,
  scoreSentences,
  WINDOW_NEIGHBOURS,
} from './passages.ts';
import { allStems, queryTerms, tokenize } from './query.ts';
import type { SearchHit, SearchIndex } from './types.ts';

/*
 * Search one thing, cite another. Retrieval runs in three steps:
 * 1. candidates: BM25 (+ vectors when configured, fused by rank) over sentence-aligned chunks;
 * 2. moments: inside the candidates, every sentence is scored by BM25 alone and with its
 *    neighbours (passages.ts), joined with the chunk's first-stage score and video-level
 *    evidence (title and description; how much of the question the video's candidates cover
 *    together). The best sentences become the citations: the link starts at the sentence, the
 *    passage (context) is cut around it. A Reranker, when configured, re-orders these passages;
 * 3. evidence: the best sentence and the following ones that add question words.
 * A top answer covering less of the question than `minRelevance` is no answer.
 */

export interface VideoInfo {
  title: string | null;
  description?: string | null;
  language: string | null;
}

export interface RetrieveDeps {
  index: SearchIndex;
  embedder: Embedder | null;
  reranker: Reranker | null;
  videos(videoIds: readonly string[]): Promise<Map<string, VideoInfo>>;
  segments(videoId: string, start: number, end: number): Promise<TranscriptSegment[]>;
}

export interface RetrieveOptions extends HybridSearchOptions {
  /** Below this relevance (0..1) nothing is cited. null/undefined = always cite. */
  minRelevance?: number | null;
  /** Longest evidence run, in sentences (default 3). */
  evidence?: { maxSentences?: number };
  /** Weights of the lexical re-scoring (defaults: LEXICAL_WEIGHTS). */
  weights?: Partial<LexicalWeights>;
}

export type LexicalWeights = typeof LEXICAL_WEIGHTS;

export interface RetrievedHit extends SearchHit {
  evidence: { start: number; end: number; text: string };
  context: { start: number; end: number };
  relevance: number;
}

export interface RetrieveResult {
  hits: RetrievedHit[];
  retrieval: 'hybrid' | 'lexical';
  notice: string | null;
  /** 'lexical' or 'reranker:<model>' — what ordered the candidates. */
  rescoring: string;
  /** The best relevance was below the threshold, so nothing is cited. */
  belowThreshold: boolean;
}

/** Candidates read from the first stage per wanted citation (and at least this many). */
const CANDIDATES = 60;

/**
 * Weights of the moment score. Each part is 0..1 (BM25 parts relative to the query's best), so
 * the weights say how much each kind of evidence counts against the sentence's window.
 */
export const LEXICAL_WEIGHTS = {
  /** BM25 of the sentence with its neighbours. */
  window: 1,
  /** BM25 of the sentence alone: the moment itself must match. */
  sentence: 0.5,
  /** The first stage's score of the chunk the sentence is in (bm25, or the fused rank). */
  first: 0.3,
  /** Question words in the video's title and description. */
  title: 0.1,
  /** Share of the question the video's candidates cover together. */
  video: 0.3,
  /** The video's whole transcript as one document (SearchIndex.videoScores, relative to the best). */
  transcript: 0.1,
};

/** The passage cited around a moment: as long as a chunk (chunkSegments' defaults). */
const PASSAGE_WORDS = 120;
const PASSAGE_SECONDS = 60;
/** Seconds of transcript read around the candidates, so a passage can be centred on its moment. */
const MARGIN_SECONDS = 30;
/** Passages handed to a reranker. */
const RERANK_PASSAGES = 30;

export async function retrieve(
  deps: RetrieveDeps,
  query: string,
  opts: RetrieveOptions,
): Promise<RetrieveResult> {
  const search = await hybridSearch(deps.index, deps.embedder, query, {
    ...opts,
    k: Math.max(CANDIDATES, opts.k * 8),
  });
  const candidates = search.hits;
  const base = { retrieval: search.retrieval, notice: search.notice };
  if (candidates.length === 0) return { ...base, hits: [], rescoring: 'none', belowThreshold: false };

  const found = await deps.videos([...new Set(candidates.map((c) => c.videoId))]);
  const videos = new Map<string, VideoInfo | undefined>(
    candidates.map((c) => [c.videoId, found.get(c.videoId)]),
  );
  const languages = [...new Set([...videos.values()].map((v) => v?.language ?? null))];
  const qTerms = queryTerms(query, languages);
  const stats = deps.index.termStats ? await deps.index.termStats(allStems(qTerms)) : null;
  const terms = weightTerms(qTerms, stats?.df ?? null, stats?.chunks ?? 0);
  const lang = (id: string) => videos.get(id)?.language ?? null;
  const W = { ...LEXICAL_WEIGHTS, ...opts.weights };

  const regions = await readRegions(deps, candidates, lang);
  const scored = scoreSentences(regions, terms);
  const transcript = deps.index.videoScores ? await deps.index.videoScores(query, [...videos.keys()]) : {};
  const moments = rankMoments(regions, scored, candidates, terms, videos, lang, transcript, W);

  // Distinct passages, best first: a moment whose passage overlaps a better one's is the same place.
  const passages: Passage[] = [];
  const want = deps.reranker ? Math.max(RERANK_PASSAGES, opts.k) : opts.k;
  for (const m of moments) {
    if (passages.length >= want) break;
    const p = toPassage(regions, scored, m, terms, opts.evidence?.maxSentences ?? 3);
    if (passages.some((q) => q.videoId === p.videoId && q.start < p.end && p.start < q.end)) continue;
    passages.push(p);
  }

  let rescoring = 'lexical';
  if (deps.reranker && passages.length > 0) {
    const reranked = await rerankScores(deps.reranker, query, passages, opts.signal);
    if (reranked) {
      rescoring = `reranker:${deps.reranker.model}`;
      const order = passages.map((_, i) => i).sort((a, b) => reranked[b]! - reranked[a]! || a - b);
      const sorted = order.map((i) => ({ ...passages[i]!, score: reranked[i]! }));
      passages.splice(0, passages.length, ...sorted);
    }
  }
  const hits: RetrievedHit[] = passages.slice(0, opts.k).map((p) => ({
    ...p.hit,
    start: p.start,
    end: p.end,
    text: p.text,
    score: round(p.score),
    evidence: p.evidence,
    context: { start: p.start, end: p.end },
    relevance: round(p.relevance),
  }));
  const min = opts.minRelevance ?? null;
  // Semantic matches may share no word with the question: only a lexical top hit can be too weak.
  if (
    min !== null &&
    search.retrieval === 'lexical' &&
    rescoring === 'lexical' &&
    (hits[0]?.relevance ?? 0) < min
  )
    return { ...base, hits: [], rescoring, belowThreshold: true };
  return { ...base, hits, rescoring, belowThreshold: false };
}

interface Moment {
  region: number;
  index: number;
  score: number;
  /** The candidate chunk the sentence lies in. */
  hit: SearchHit;
}

interface Passage {
  hit: SearchHit;
  videoId: string;
  start: number;
  end: number;
  text: string;
  score: number;
  evidence: { start: number; end: number; text: string };
  relevance: number;
}

/**
 * The candidates' transcript, per video: overlapping or nearby candidate ranges are read as one
 * stretch (with a margin, so a passage can be centred on its moment) and split into sentences.
 */
async function readRegions(
  deps: RetrieveDeps,
  candidates: readonly SearchHit[],
  lang: (id: string) => string | null,
): Promise<(SentenceRegion & { hits: SearchHit[] })[]> {
  const byVideo = new Map<string, SearchHit[]>();
  for (const c of candidates) byVideo.set(c.videoId, [...(byVideo.get(c.videoId) ?? []), c]);
  const regions: (SentenceRegion & { hits: SearchHit[] })[] = [];
  for (const [videoId, hits] of byVideo) {
    const sorted = [...hits].sort((a, b) => a.start - b.start);
    const spans: { start: number; end: number; hits: SearchHit[] }[] = [];
    for (const h of sorted) {
      const last = spans[spans.length - 1];
      if (last && h.start - MARGIN_SECONDS <= last.end) {
        last.end = Math.max(last.end, h.end + MARGIN_SECONDS);
        last.hits.push(h);
      } else
        spans.push({ start: Math.max(0, h.start - MARGIN_SECONDS), end: h.end + MARGIN_SECONDS, hits: [h] });
    }
    // One read per video; the stretches are cut from it.
    const all = await deps.segments(videoId, spans[0]!.start, spans[spans.length - 1]!.end);
    for (const s of spans) {
      const segments = all.filter((g) => g.end > s.start && g.start < s.end);
      // Without stored segments (an index without its transcript), the chunks' own text stands in.
      const sentences: Sentence[] = segments.length
        ? splitIntoSentences(segments)
        : s.hits.map((h) => ({ start: h.start, end: h.end, text: h.text, words: tokenize(h.text).length }));
      regions.push({ videoId, language: lang(videoId), sentences, hits: s.hits });
    }
  }
  return regions;
}

/** Every sentence inside a candidate chunk, scored (see LEXICAL_WEIGHTS), best first. */
function rankMoments(
  regions: readonly (SentenceRegion & { hits: SearchHit[] })[],
  scored: readonly (readonly ScoredSentence[])[],
  candidates: readonly SearchHit[],
  terms: readonly WeightedTerm[],
  videos: Map<string, VideoInfo | undefined>,
  lang: (id: string) => string | null,
  transcript: Readonly<Record<string, number>>,
  W: LexicalWeights,
): Moment[] {
  const perVideo = videoEvidence(regions, scored, terms, videos, lang);
  const maxTranscript = Math.max(0, ...Object.values(transcript)) || 1;
  const rank = new Map(candidates.map((c, i) => [c.chunkId, i]));
  const maxFirst = Math.max(...candidates.map((c) => c.score)) || 1;
  // First-stage score: bm25 for lexical (relative to the best); the fused rank for hybrid.
  const first = (c: SearchHit) => (c.score > 0 ? c.score / maxFirst : 1 / (1 + rank.get(c.chunkId)!));
  let maxWindow = 0;
  let maxSentence = 0;
  for (const r of scored)
    for (const s of r) {
      if (s.window > maxWindow) maxWindow = s.window;
      if (s.sentence > maxSentence) maxSentence = s.sentence;
    }
  const moments: Moment[] = [];
  regions.forEach((region, r) => {
    const v = perVideo.get(region.videoId)!;
    region.sentences.forEach((s, i) => {
      const mid = (s.start + s.end) / 2;
      // The chunk the sentence is in (the best-ranked one where chunks overlap).
      let hit: SearchHit | null = null;
      for (const h of region.hits)
        if (mid >= h.start - 0.05 && mid <= h.end + 0.05 && (!hit || first(h) > first(hit))) hit = h;
      if (!hit) return;
      const x = scored[r]![i]!;
      const score =
        W.window * (maxWindow > 0 ? x.window / maxWindow : 0) +
        W.sentence * (maxSentence > 0 ? x.sentence / maxSentence : 0) +
        W.first * first(hit) +
        W.title * v.title +
        W.video * v.cover +
        W.transcript * ((transcript[region.videoId] ?? 0) / maxTranscript);
      moments.push({ region: r, index: i, score, hit });
    });
  });
  return moments.sort((a, b) => b.score - a.score || a.region - b.region || a.index - b.index);
}

/** Video-level evidence: the title/description, and the question terms its candidates cover together. */
function videoEvidence(
  regions: readonly SentenceRegion[],
  scored: readonly (readonly ScoredSentence[])[],
  terms: readonly WeightedTerm[],
  videos: Map<string, VideoInfo | undefined>,
  lang: (id: string) => string | null,
): Map<string, { title: number; cover: number }> {
  const total = terms.reduce((a, t) => a + t.weight, 0) || 1;
  const union = new Map<string, Set<number>>();
  regions.forEach((r, i) => {
    const u = union.get(r.videoId) ?? new Set<number>();
    union.set(r.videoId, u);
    for (const s of scored[i]!) for (const t of s.matched) u.add(t);
  });
  const out = new Map<string, { title: number; cover: number }>();
  for (const [id, v] of videos) {
    const meta = `${v?.title ?? ''} ${v?.description ?? ''}`;
    const title = tokenize(meta).length
      ? matchFeatures(matchTokens(meta, terms, lang(id)), terms).coverage
      : 0;
    let w = 0;
    for (const m of union.get(id) ?? []) w += terms[m]!.weight;
    out.set(id, { title, cover: w / total });
  }
  return out;
}

/**
 * The citation for a moment: the link at the best-matching sentence of its window, the evidence
 * that sentence plus following ones adding question words, the passage cut around it.
 */
function toPassage(
  regions: readonly (SentenceRegion & { hits: SearchHit[] })[],
  scored: readonly (readonly ScoredSentence[])[],
  m: Moment,
  terms: readonly WeightedTerm[],
  maxSentences: number,
): Passage {
  const total = terms.reduce((a, t) => a + t.weight, 0) || 1;
  const region = regions[m.region]!;
  const s = scored[m.region]!;
  const n = region.sentences.length;
  let best = m.index;
  for (
    let j = Math.max(0, m.index - WINDOW_NEIGHBOURS);
    j <= Math.min(n - 1, m.index + WINDOW_NEIGHBOURS);
    j++
  )
    if (s[j]!.sentence > s[best]!.sentence) best = j;
  const covered = new Set(s[best]!.matched);
  let last = best;
  for (let j = best + 1; j < Math.min(n, best + maxSentences); j++) {
    const adds = [...s[j]!.matched].some((t) => !covered.has(t));
    if (!adds) break;
    for (const t of s[j]!.matched) covered.add(t);
    last = j;
  }
  const { from, to } = passageAround(region.sentences, best, PASSAGE_WORDS, PASSAGE_SECONDS);
  const sentences = region.sentences;
  // Relevance: the share of the question (weighted) the moment's window covers.
  const inWindow = new Set<number>();
  for (let j = Math.max(0, best - WINDOW_NEIGHBOURS); j <= Math.min(n - 1, best + WINDOW_NEIGHBOURS); j++)
    for (const t of s[j]!.matched) inWindow.add(t);
  return {
    hit: m.hit,
    videoId: region.videoId,
    start: sentences[from]!.start,
    end: sentences[to]!.end,
    text: sentences
      .slice(from, to + 1)
      .map((x) => x.text)
      .join(' '),
    score: m.score,
    evidence: {
      start: sentences[best]!.start,
      end: sentences[last]!.end,
      text: sentences
        .slice(best, last + 1)
        .map((x) => x.text)
        .join(' '),
    },
    relevance: [...inWindow].reduce((a, t) => a + terms[t]!.weight, 0) / total,
  };
}

/** Scores by the reranker; null (lexical order kept) when it fails. */
async function rerankScores(
  reranker: Reranker,
  query: string,
  passages: readonly Passage[],
  signal?: AbortSignal,
): Promise<number[] | null> {
  try {
    const raw = await reranker.rerank(
      query,
      passages.map((p) => p.text),
      signal,
    );
    if (raw.length !== passages.length) return null;
    return raw;
  } catch (e) {
    if (signal?.aborted) throw e;
    return null;
  }
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
