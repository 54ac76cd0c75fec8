import type { Chunk } from '../chunking/chunk-segments.ts';

/*
 * The search index port. One implementation per database (packages/adapters/src/sqlite-search,
 * packages/adapters/src/postgres-search); the domain only sees this.
 */

/** One retrieved chunk. `score` is the retriever's own (bm25 → higher is better; cosine similarity; or RRF). */
export interface SearchHit {
  chunkId: number;
  videoId: string;
  idx: number;
  start: number;
  end: number;
  text: string;
  score: number;
  /** From the index's VideoCatalog (the RAG store's videos); null when it has none or does not know the video. */
  title: string | null;
  channel: string | null;
  /** The video's source URL (for non-YouTube deep links); null when unknown. */
  url: string | null;
}

export interface LexicalSearchOptions {
  k: number;
  videoIds?: readonly string[];
  /** Channel name (as the VideoCatalog knows it) — matches nothing when the index has no catalog. */
  channel?: string;
}

export interface VectorSearchOptions {
  k: number;
  videoIds?: readonly string[];
  channel?: string;
}

/** What a search hit shows of its video besides the chunk. */
export interface VideoLabel {
  title: string | null;
  channel: string | null;
  url: string | null;
}

/**
 * The videos a search index labels its hits with and resolves a channel filter against. The RAG
 * store owns `videos` and implements this; a search index never reads another owner's tables.
 */
export interface VideoCatalog {
  /** Labels of the known videos among `videoIds` (unknown ids are left out). */
  labels(videoIds: readonly string[]): Promise<Map<string, VideoLabel>>;
  /** Ids of the videos whose channel is `channel`. */
  idsInChannel(channel: string): Promise<string[]>;
}

export interface IndexStats {
  chunks: number;
  videos: number;
  /** Model whose vectors the index currently holds; null when no vectors. */
  embeddingModel: string | null;
  dims: number | null;
}

export interface IndexVideoOptions {
  /** The video's language ('en', 'ru', …): picks the stemmer. Undefined keeps the stored one. */
  language?: string | null;
}

export interface TermStats {
  /** Chunks in the index. */
  chunks: number;
  /** Chunks containing each stem. */
  df: Record<string, number>;
}

export interface IndexMeta {
  embeddingModel: string | null;
  dims: number | null;
}

export interface SearchIndex {
  /** Creates or upgrades the index tables (idempotent). */
  migrate(): Promise<void>;
  /**
   * Replaces all chunks of a video atomically. With `embeddings` (one per chunk, same order),
   * the vectors are stored under `embeddingModel`; a different model than the index holds
   * discards the other videos' vectors (they show up in `videosNeedingEmbedding`).
   */
  indexVideo(
    videoId: string,
    chunks: readonly Chunk[],
    embeddings: readonly Float32Array[] | null,
    embeddingModel: string | null,
    opts?: IndexVideoOptions,
  ): Promise<{ chunks: number; embedded: boolean }>;
  /**
   * How many chunks hold each stem (the full-text index's document frequencies), for weighting
   * question words in re-scoring. Optional: without it every word weighs the same.
   */
  termStats?(stems: readonly string[]): Promise<TermStats>;
  /**
   * Whole-transcript relevance of each of `videoIds` to the query (BM25 with each video's whole
   * transcript as one document; higher is better, 0 = no match), for weighing which video is
   * cited first. Optional: without it only the candidates' own evidence counts.
   */
  videoScores?(query: string, videoIds: readonly string[]): Promise<Record<string, number>>;
  /** Removes a video's chunks and vectors; false when it had none. */
  deleteVideo(videoId: string): Promise<boolean>;
  /** Full-text search (bm25). The query is user text; it is sanitised, never a syntax error. */
  lexicalSearch(query: string, opts: LexicalSearchOptions): Promise<SearchHit[]>;
  /** Nearest chunks by cosine similarity to an L2-normalised vector of the index's model. */
  vectorSearch(vector: Float32Array, opts: VectorSearchOptions): Promise<SearchHit[]>;
  stats(): Promise<IndexStats>;
  /** Cheap read of the model/dims the vectors are in (used on every hybrid query). */
  meta(): Promise<IndexMeta>;
  /** Videos with chunks whose vectors are missing or made by another model. */
  videosNeedingEmbedding(model: string): Promise<string[]>;
  /** The stored chunks of a video in order (for re-embedding without re-chunking). */
  videoChunks(videoId: string): Promise<Chunk[]>;
}
