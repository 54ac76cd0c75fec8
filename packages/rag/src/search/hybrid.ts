import type { Embedder } from '../ports.ts';
import { queryTerms } from './query.ts';
import type { SearchHit, SearchIndex } from './types.ts';

/** The usual RRF constant: damps the head so one retriever's top hit cannot dominate. */
export const RRF_K = 60;

export interface HybridSearchOptions {
  k: number;
  videoIds?: readonly string[];
  channel?: string;
  /** Candidates taken from each retriever before fusion. Default max(4k, 20). */
  candidates?: number;
  signal?: AbortSignal;
}

export interface HybridSearchResult {
  hits: SearchHit[];
  /** 'lexical' when no embedder, no vectors in the index, or vectors of another model. */
  retrieval: 'hybrid' | 'lexical';
  /** Why the search is lexical although an embedder was given; null otherwise. */
  notice: string | null;
}

/**
 * BM25 + vector search fused by reciprocal rank (score = Σ 1/(60 + rank)).
 * Throws EmptyQuestionError for a question without words.
 *
 * @example
 * const { hits, retrieval } = await hybridSearch(index, embedder, 'what is attention?', { k: 5 });
 */
export async function hybridSearch(
  index: SearchIndex,
  embedder: Embedder | null,
  query: string,
  opts: HybridSearchOptions,
): Promise<HybridSearchResult> {
  queryTerms(query); // validates early: a clear error beats an empty result
  const candidates = Math.max(opts.candidates ?? Math.max(opts.k * 4, 20), opts.k);
  const filter = { videoIds: opts.videoIds, channel: opts.channel };

  let notice: string | null = null;
  let useVectors = false;
  if (embedder) {
    const meta = await index.meta();
    if (meta.embeddingModel === null) notice = 'the index has no embeddings yet';
    else if (meta.embeddingModel !== embedder.model)
      notice = `the index holds embeddings of '${meta.embeddingModel}', not '${embedder.model}' (re-embedding pending)`;
    else useVectors = true;
  }

  const lexicalPromise = index.lexicalSearch(query, { k: candidates, ...filter });
  if (!useVectors || !embedder) {
    const lexical = await lexicalPromise;
    return { hits: lexical.slice(0, opts.k), retrieval: 'lexical', notice };
  }
  const [vector] = await embedder.embed([query], 'query', opts.signal);
  const [lexical, semantic] = await Promise.all([
    lexicalPromise,
    index.vectorSearch(vector, { k: candidates, ...filter }),
  ]);
  return { hits: fuseRrf([lexical, semantic], opts.k), retrieval: 'hybrid', notice: null };
}

/** Reciprocal rank fusion of ranked lists (best first). Ties keep the first list's order. */
export function fuseRrf(lists: readonly (readonly SearchHit[])[], k: number, rrfK = RRF_K): SearchHit[] {
  const fused = new Map<number, { hit: SearchHit; score: number; order: number }>();
  let order = 0;
  for (const list of lists) {
    list.forEach((hit, rank) => {
      const add = 1 / (rrfK + rank + 1);
      const prev = fused.get(hit.chunkId);
      if (prev) prev.score += add;
      else fused.set(hit.chunkId, { hit, score: add, order: order++ });
    });
  }
  return [...fused.values()]
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .slice(0, k)
    .map(({ hit, score }) => ({ ...hit, score }));
}
