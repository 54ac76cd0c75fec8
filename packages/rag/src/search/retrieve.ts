import type { Embedder, Reranker, TranscriptSegment } from '../ports.ts';
import {
  type EvidenceSpan,
  locateEvidence,
  matchFeatures,
  matchTokens,
  type WeightedTerm,
  weightTerms,
} from './evidence.ts';
import { type HybridSearchOptions, hybridSearch } from './hybrid.ts';
import { allStems, queryTerms, tokenize } from './query.ts';
import type { SearchHit, SearchIndex } from './types.ts';

/*
 * Search one thing, cite another. Retrieval runs in three steps:
 * 1. candidates: BM25 (+ vectors when configured, fused by rank) over sentence-aligned passages;
 * 2. re-scoring: a Reranker when one is configured, otherwise a lexical re-scoring of each
 *    passage (how much of the question it covers, weighted by rarity; how close together the
 *    words are; question word pairs in order) joined with video-level evidence (title and
 *    description, and how much of the question the video's matching passages cover together);
 * 3. localisation: each cited passage's link starts at the sentence where its evidence begins.
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
  /** How evidence runs are chosen inside a passage (defaults: up to 3 sentences, 0.04 per extra one). */
  evidence?: { maxSentences?: number; extraSentencePenalty?: number };
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

/** Weights of the lexical re-scoring; they add up to 1 so the score stays 0..1. */
export const LEXICAL_WEIGHTS = {
  first: 0.3,
  coverage: 0.2,
  proximity: 0.25,
  phrase: 0.05,
  title: 0.1,
  video: 0.1,
  videoScore: 0,
};

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

  const matches = candidates.map((c) => matchTokens(c.text, terms, lang(c.videoId)));
  const features = matches.map((m) => matchFeatures(m, terms));
  let scores: number[];
  let rescoring = 'lexical';
  const reranked = deps.reranker ? await rerankScores(deps.reranker, query, candidates, opts.signal) : null;
  if (reranked) {
    scores = reranked;
    rescoring = `reranker:${deps.reranker!.model}`;
  } else {
    scores = lexicalScores(candidates, matches, features, terms, videos, lang, {
      ...LEXICAL_WEIGHTS,
      ...opts.weights,
    });
  }

  const order = candidates.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
  const hits: RetrievedHit[] = [];
  for (const i of order) {
    if (hits.length >= opts.k) break;
    const c = candidates[i]!;
    const segments = await deps.segments(c.videoId, c.start, c.end);
    const evidence: EvidenceSpan | null = segments.length
      ? locateEvidence(segments, c, terms, lang(c.videoId), opts.evidence)
      : null;
    const span = evidence ?? { start: c.start, end: c.end, text: c.text, coverage: features[i]!.coverage };
    // Overlapping passages often find the same sentences: cite each moment once.
    if (
      hits.some((h) => h.videoId === c.videoId && h.evidence.start < span.end && span.start < h.evidence.end)
    )
      continue;
    hits.push({
      ...c,
      score: round(scores[i]!),
      evidence: { start: span.start, end: span.end, text: span.text },
      context: { start: c.start, end: c.end },
      relevance: round(span.coverage),
    });
  }
  const min = opts.minRelevance ?? null;
  // Semantic matches may share no word with the question: only a lexical top hit can be too weak.
  if (min !== null && search.retrieval === 'lexical' && !reranked && (hits[0]?.relevance ?? 0) < min)
    return { ...base, hits: [], rescoring, belowThreshold: true };
  return { ...base, hits, rescoring, belowThreshold: false };
}

function lexicalScores(
  candidates: readonly SearchHit[],
  matches: readonly number[][],
  features: readonly ReturnType<typeof matchFeatures>[],
  terms: readonly WeightedTerm[],
  videos: Map<string, VideoInfo | undefined>,
  lang: (id: string) => string | null,
  W: LexicalWeights,
): number[] {
  // Video-level evidence: the title/description, and the question terms the video's matching
  // passages cover together (a video about the topic matches it in many places).
  const perVideo = new Map<string, { title: number; cover: number; agg: number }>();
  const maxScore = Math.max(...candidates.map((c) => c.score)) || 1;
  const total = terms.reduce((a, t) => a + t.weight, 0) || 1;
  for (const [id, v] of videos) {
    const meta = `${v?.title ?? ''} ${v?.description ?? ''}`;
    const title = tokenize(meta).length
      ? matchFeatures(matchTokens(meta, terms, lang(id)), terms).coverage
      : 0;
    const union = new Set<number>();
    candidates.forEach((c, i) => {
      if (c.videoId !== id) return;
      for (const m of matches[i]!) if (m >= 0) union.add(m);
    });
    let w = 0;
    for (const m of union) w += terms[m]!.weight;
    // How strongly the video matches in several places: its best three passages' scores.
    const top = candidates
      .filter((c) => c.videoId === id)
      .map((c) => Math.max(0, c.score) / maxScore)
      .slice(0, 3);
    perVideo.set(id, { title, cover: w / total, agg: top.reduce((a, b) => a + b, 0) / 3 });
  }
  const maxFirst = Math.max(...candidates.map((c) => c.score)) || 1;
  return candidates.map((c, i) => {
    const f = features[i]!;
    const v = perVideo.get(c.videoId)!;
    // First-stage score: bm25 for lexical (relative to the best); the fused rank for hybrid.
    const first = c.score > 0 ? c.score / maxFirst : 1 / (1 + i);
    return (
      W.first * first +
      W.coverage * f.coverage +
      W.proximity * f.proximity +
      W.phrase * f.phrase +
      W.title * v.title +
      W.video * v.cover +
      W.videoScore * v.agg
    );
  });
}

/** Scores by the reranker, min-max normalised; null (lexical fallback) when it fails. */
async function rerankScores(
  reranker: Reranker,
  query: string,
  candidates: readonly SearchHit[],
  signal?: AbortSignal,
): Promise<number[] | null> {
  try {
    const raw = await reranker.rerank(
      query,
      candidates.map((c) => c.text),
      signal,
    );
    if (raw.length !== candidates.length) return null;
    return raw;
  } catch (e) {
    if (signal?.aborted) throw e;
    return null;
  }
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
