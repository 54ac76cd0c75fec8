import type { DatabaseHandle } from '@llm-rag-yt/orchestrator';
import type {
  Chunk,
  IndexMeta,
  IndexStats,
  IndexVideoOptions,
  LexicalSearchOptions,
  SearchHit,
  SearchIndex,
  TermStats,
  VectorSearchOptions,
  VideoCatalog,
} from '@llm-rag-yt/rag';
import {
  checkEmbeddings,
  countWords,
  queryTerms,
  searchScope,
  searchText,
  TEXT_SCHEME,
  toTsQuery,
  withVideoLabels,
} from '@llm-rag-yt/rag';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { migratePostgresSearch } from './migrations.ts';
import {
  approximateNearest,
  detectVectorMode,
  pgvectorBackfill,
  pgvectorColumnDdl,
  pgvectorSearchSettings,
  pgvectorValue,
  signatureBackfill,
  signatureLiteral,
  type VectorMode,
  type VectorModeChoice,
} from './vector-sql.ts';

export interface PostgresSearchOptions {
  /** Below this many vectors, search exactly. Default 10 000. */
  exactScanBelow?: number;
  /** Signature mode: Hamming candidates per wanted result, rescored exactly. Default 25 (at least 500). */
  candidateFactor?: number;
  /**
   * Titles, channels and URLs of the videos (the RAG store's videos). Without it hits carry none
   * and a channel filter matches nothing.
   */
  videos?: VideoCatalog | null;
  /** Use pgvector's HNSW index where the extension is installed or installable. Default true. */
  pgvector?: boolean;
}

/** How long the list of indexed languages is trusted before it is read again. */
const LANGUAGES_TTL_MS = 30_000;

interface ChunkRow {
  id: number;
  video_id: string;
  idx: number;
  start_seconds: number;
  end_seconds: number;
  text: string;
  score: number;
}

/**
 * Names what the tsvectors hold: the text scheme (rag/search/stemming.ts) and the tables that have
 * them (chunks, and indexed_videos for whole transcripts); another one is rebuilt once.
 */
const FTS_TEXT_VERSION = `${TEXT_SCHEME}+videos`;

/** Serialises writers so two model changes cannot interleave (any constant works; this spells "srch"). */
const INDEX_LOCK = 0x73726368;
/** Rows per INSERT: 9 parameters each stays far below Postgres' 65 535 limit. */
const INSERT_BATCH = 500;

/**
 * The search index on Postgres: `chunks` with a generated tsvector (GIN) and float4[] embeddings
 * searched by exact cosine in SQL (pgvector is not required).
 *
 * @example
 * const handle = await openDatabase('postgres://localhost/rag');
 * const index = new PostgresSearchIndex(handle, { videos: createRagStore(handle).videos });
 * await index.migrate();
 */
export class PostgresSearchIndex implements SearchIndex {
  readonly #handle: DatabaseHandle;
  readonly #db: Kysely<any>;
  readonly #videos: VideoCatalog | null;
  /** Distinct languages of the indexed videos (query words are stemmed for each); null = re-read. */
  #languages: (string | null)[] | null = null;
  /** When #languages was read: another process (a worker) may index a video of a new language. */
  #languagesAt = 0;
  readonly #dfCache = new Map<string, number>();
  readonly #exactScanBelow: number;
  readonly #candidateFactor: number;
  readonly #usePgvector: boolean;
  #mode: VectorModeChoice = { mode: 'exact', reason: 'not migrated yet' };

  constructor(handle: DatabaseHandle, opts: PostgresSearchOptions = {}) {
    this.#exactScanBelow = opts.exactScanBelow ?? 10_000;
    this.#candidateFactor = opts.candidateFactor ?? 25;
    this.#videos = opts.videos ?? null;
    this.#usePgvector = opts.pgvector ?? true;
    if (handle.dialect !== 'postgres') {
      throw new Error(
        `PostgresSearchIndex needs a Postgres database handle, got '${handle.dialect}'. Use SqliteSearchIndex.`,
      );
    }
    this.#handle = handle;
    this.#db = handle.db;
  }

  async migrate(): Promise<void> {
    await migratePostgresSearch(this.#handle);
    await this.#rebuildTsvIfStale();
    await this.#prepareVectors();
  }

  /** Chooses the vector mode and brings the vector columns to it (see vector-sql.ts). */
  async #prepareVectors(): Promise<void> {
    this.#mode = await detectVectorMode(this.#db, { usePgvector: this.#usePgvector });
    const names = this.#mode.pgvector;
    await this.#db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(${INDEX_LOCK})`.execute(trx);
      const { dims } = await readMeta(trx);
      if (names && dims !== null) {
        const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name = 'chunks' AND column_name = 'embedding_v'`.execute(
          trx,
        );
        // Vectors stored before pgvector was there: give them the column and the HNSW index.
        if (rows[0].n === 0)
          for (const ddl of [...pgvectorColumnDdl(dims, names), pgvectorBackfill(names)])
            await ddl.execute(trx);
      }
      if (this.#mode.mode === 'signature') await signatureBackfill().execute(trx);
    });
  }

  /** Chunks indexed under another text scheme (or before schemes were recorded) are re-stemmed once. */
  async #rebuildTsvIfStale(): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(${INDEX_LOCK})`.execute(trx);
      const { rows } = await sql<{
        value: string;
      }>`SELECT value FROM index_meta WHERE key = 'fts_text'`.execute(trx);
      if (rows[0]?.value === FTS_TEXT_VERSION) return;
      let after = 0;
      for (;;) {
        const batch = await sql<{ id: string; text: string; language: string | null }>`
          SELECT c.id, c.text, iv.language FROM chunks c LEFT JOIN indexed_videos iv ON iv.video_id = c.video_id
          WHERE c.id > ${after} ORDER BY c.id LIMIT ${INSERT_BATCH}`.execute(trx);
        if (batch.rows.length === 0) break;
        const ids = batch.rows.map((r) => Number(r.id));
        const texts = batch.rows.map((r) => searchText(r.text, r.language));
        await sql`UPDATE chunks c SET tsv = to_tsvector('simple', u.t)
          FROM unnest(${ids}::bigint[], ${texts}::text[]) AS u(id, t) WHERE c.id = u.id`.execute(trx);
        after = ids[ids.length - 1]!;
      }
      const { rows: videos } = await sql<{ video_id: string; language: string | null }>`
        SELECT video_id, language FROM indexed_videos ORDER BY video_id`.execute(trx);
      for (const v of videos) {
        const { rows: texts } = await sql<{ text: string }>`
          SELECT text FROM chunks WHERE video_id = ${v.video_id} ORDER BY idx`.execute(trx);
        await setVideoText(
          trx,
          v.video_id,
          texts.map((t) => t.text),
          v.language,
        );
      }
      await sql`INSERT INTO index_meta (key, value) VALUES ('fts_text', ${FTS_TEXT_VERSION})
        ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`.execute(trx);
    });
    this.#dfCache.clear();
  }

  /** How vector search runs on this server (pgvector HNSW, signatures + rescoring, or exact) and why. */
  vectorMode(): { mode: VectorMode; reason: string } {
    return { mode: this.#mode.mode, reason: this.#mode.reason };
  }

  async indexVideo(
    videoId: string,
    chunks: readonly Chunk[],
    embeddings: readonly Float32Array[] | null,
    embeddingModel: string | null,
    opts: IndexVideoOptions = {},
  ): Promise<{ chunks: number; embedded: boolean }> {
    const dims = checkEmbeddings(videoId, chunks, embeddings, embeddingModel);
    const embed = embeddings !== null && embeddingModel !== null && dims !== null;
    this.#languages = null;
    this.#dfCache.clear();
    await this.#db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(${INDEX_LOCK})`.execute(trx);
      const language =
        opts.language !== undefined
          ? opts.language
          : ((
              await sql<{
                language: string | null;
              }>`SELECT language FROM indexed_videos WHERE video_id = ${videoId}`.execute(trx)
            ).rows[0]?.language ?? null);
      await sql`DELETE FROM chunks WHERE video_id = ${videoId}`.execute(trx);
      if (embed) {
        const meta = await readMeta(trx);
        if (meta.embeddingModel !== embeddingModel || meta.dims !== dims) {
          // Vectors of another model are meaningless next to the new ones: drop them, re-embed later.
          await sql`DELETE FROM chunk_signatures`.execute(trx);
          await sql`UPDATE chunks SET embedding = NULL WHERE embedding IS NOT NULL`.execute(trx);
          if (this.#mode.pgvector)
            for (const ddl of pgvectorColumnDdl(dims, this.#mode.pgvector)) await ddl.execute(trx);
          await sql`UPDATE indexed_videos SET embedding_model = NULL`.execute(trx);
          await sql`INSERT INTO index_meta (key, value) VALUES ('embedding_model', ${embeddingModel}), ('dims', ${String(dims)})
            ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`.execute(trx);
        }
      }
      const now = Date.now();
      for (let from = 0; from < chunks.length; from += INSERT_BATCH) {
        const rows = chunks.slice(from, from + INSERT_BATCH).map((c, i) => ({
          video_id: videoId,
          idx: c.idx,
          start_seconds: c.start,
          end_seconds: c.end,
          text: c.text,
          tsv: sql`to_tsvector('simple', ${searchText(c.text, language)})`,
          token_count: countWords(c.text),
          created_at: now,
          embedding: embed ? Array.from(embeddings[from + i]) : null,
          ...(embed && this.#mode.pgvector
            ? { embedding_v: pgvectorValue(embeddings[from + i], this.#mode.pgvector) }
            : {}),
        }));
        const inserted = await trx.insertInto('chunks').values(rows).returning(['id', 'idx']).execute();
        if (embed && this.#mode.mode !== 'pgvector' && inserted.length > 0) {
          // By idx (unique within the video), not by the order RETURNING happens to give.
          const sigOf = new Map(
            chunks
              .slice(from, from + INSERT_BATCH)
              .map((c, i) => [c.idx, signatureLiteral(embeddings[from + i])]),
          );
          await sql`INSERT INTO chunk_signatures (chunk_id, sig)
            SELECT * FROM unnest(${inserted.map((r) => Number(r.id))}::bigint[], ${inserted.map((r) => sigOf.get(r.idx)!)}::varbit[])`.execute(
            trx,
          );
        }
      }
      await sql`INSERT INTO indexed_videos (video_id, embedding_model, chunk_count, indexed_at, language)
        VALUES (${videoId}, ${embed ? embeddingModel : null}, ${chunks.length}, ${now}, ${language})
        ON CONFLICT (video_id) DO UPDATE SET embedding_model = EXCLUDED.embedding_model,
          chunk_count = EXCLUDED.chunk_count, indexed_at = EXCLUDED.indexed_at, language = EXCLUDED.language`.execute(
        trx,
      );
      await setVideoText(
        trx,
        videoId,
        chunks.map((c) => c.text),
        language,
      );
    });
    return { chunks: chunks.length, embedded: embed && chunks.length > 0 };
  }

  async deleteVideo(videoId: string): Promise<boolean> {
    this.#languages = null;
    return this.#db.transaction().execute(async (trx) => {
      const a = await sql`DELETE FROM chunks WHERE video_id = ${videoId}`.execute(trx);
      const b = await sql`DELETE FROM indexed_videos WHERE video_id = ${videoId}`.execute(trx);
      return Number(a.numAffectedRows ?? 0) + Number(b.numAffectedRows ?? 0) > 0;
    });
  }

  async lexicalSearch(query: string, opts: LexicalSearchOptions): Promise<SearchHit[]> {
    queryTerms(query); // a clear error for a question without words
    const tsquery = toTsQuery(queryTerms(query, await this.#indexLanguages()));
    const scope = await searchScope(this.#videos, opts);
    if (scope?.length === 0) return [];
    // ts_rank normalisation 1 divides by log(length), so long chunks do not win by size alone.
    const { rows } = await sql<ChunkRow>`
      SELECT c.id, c.video_id, c.idx, c.start_seconds, c.end_seconds, c.text,
             ts_rank(c.tsv, q.q, 1) AS score
      FROM chunks c CROSS JOIN to_tsquery('simple', ${tsquery}) AS q(q)
      WHERE c.tsv @@ q.q ${inScope(scope)}
      ORDER BY score DESC, c.id LIMIT ${opts.k}`.execute(this.#db);
    return withVideoLabels(this.#videos, rows.map(toHit));
  }

  async videoScores(query: string, videoIds: readonly string[]): Promise<Record<string, number>> {
    queryTerms(query);
    if (videoIds.length === 0) return {};
    const tsquery = toTsQuery(queryTerms(query, await this.#indexLanguages()));
    // ts_rank normalisation 1 (÷ log length): a long video does not win by its length alone.
    const { rows } = await sql<{ video_id: string; score: number }>`
      SELECT iv.video_id, ts_rank(iv.tsv, q.q, 1) AS score
      FROM indexed_videos iv CROSS JOIN to_tsquery('simple', ${tsquery}) AS q(q)
      WHERE iv.video_id = ANY(${[...videoIds]}::text[]) AND iv.tsv @@ q.q`.execute(this.#db);
    return Object.fromEntries(rows.map((r) => [r.video_id, Number(r.score)]));
  }

  async termStats(stems: readonly string[]): Promise<TermStats> {
    const { rows } = await sql<{
      n: number;
    }>`SELECT coalesce(sum(chunk_count), 0)::int AS n FROM indexed_videos`.execute(this.#db);
    const n = rows[0]?.n ?? 0;
    const df: Record<string, number> = {};
    for (const s of stems) {
      let d = this.#dfCache.get(s);
      if (d === undefined) {
        // The GIN index answers a one-word count quickly; cached, as words recur across questions.
        const r = await sql<{
          d: number;
        }>`SELECT count(*)::int AS d FROM chunks WHERE tsv @@ to_tsquery('simple', ${`'${s}'`})`.execute(
          this.#db,
        );
        d = r.rows[0]?.d ?? 0;
        if (this.#dfCache.size > 10_000) this.#dfCache.clear();
        this.#dfCache.set(s, d);
      }
      df[s] = d;
    }
    return { chunks: n, df };
  }

  async #indexLanguages(): Promise<(string | null)[]> {
    if (!this.#languages || Date.now() - this.#languagesAt > LANGUAGES_TTL_MS) {
      const { rows } = await sql<{ language: string | null }>`
        SELECT DISTINCT language FROM indexed_videos WHERE chunk_count > 0`.execute(this.#db);
      this.#languages = rows.length ? rows.map((r) => r.language) : [null];
      this.#languagesAt = Date.now();
    }
    return this.#languages;
  }

  async vectorSearch(vector: Float32Array, opts: VectorSearchOptions): Promise<SearchHit[]> {
    const meta = await this.meta();
    if (meta.dims === null) return [];
    if (vector.length !== meta.dims) {
      throw new Error(
        `Query vector has ${vector.length} dimensions but the index holds ${meta.dims}-dimensional vectors of '${meta.embeddingModel}'. Use the same embedding model for queries and passages.`,
      );
    }
    const scope = await searchScope(this.#videos, opts);
    if (scope?.length === 0) return [];
    if (
      scope === undefined &&
      this.#mode.mode !== 'exact' &&
      (await this.#vectorCount(meta.embeddingModel)) >= this.#exactScanBelow
    ) {
      return withVideoLabels(this.#videos, await this.#approximateSearch(vector, opts.k));
    }
    // Vectors are unit length, so the dot product is the cosine similarity.
    const { rows } = await sql<ChunkRow>`
      SELECT c.id, c.video_id, c.idx, c.start_seconds, c.end_seconds, c.text,
             (SELECT sum(a * b) FROM unnest(c.embedding, ${Array.from(vector)}::real[]) AS t(a, b)) AS score
      FROM chunks c
      WHERE c.embedding IS NOT NULL ${inScope(scope)}
      ORDER BY score DESC, c.id LIMIT ${opts.k}`.execute(this.#db);
    return withVideoLabels(this.#videos, rows.map(toHit));
  }

  /** pgvector's HNSW index, or signature candidates rescored exactly; then the rows of the top k. */
  async #approximateSearch(vector: Float32Array, k: number): Promise<SearchHit[]> {
    const pgvector = this.#mode.pgvector ?? null;
    const nearest = approximateNearest(pgvector, vector, k, Math.max(k * this.#candidateFactor, 500));
    const matches = pgvector
      ? await this.#db.transaction().execute(async (trx) => {
          await pgvectorSearchSettings(k).execute(trx);
          return (await nearest.execute(trx)).rows;
        })
      : (await nearest.execute(this.#db)).rows;
    if (matches.length === 0) return [];
    const { rows } = await sql<ChunkRow>`
      SELECT c.id, c.video_id, c.idx, c.start_seconds, c.end_seconds, c.text, 0 AS score
      FROM chunks c WHERE c.id = ANY(${matches.map((m) => Number(m.id))}::bigint[])`.execute(this.#db);
    const byId = new Map(rows.map((r) => [Number(r.id), r]));
    return matches.flatMap((m) => {
      const row = byId.get(Number(m.id));
      return row ? [toHit({ ...row, score: Number(m.score) })] : [];
    });
  }

  /** Vectors of the current model, from the per-video counts (cheap; count(*) scans the table). */
  async #vectorCount(model: string | null): Promise<number> {
    const { rows } = await sql<{ n: number }>`
      SELECT coalesce(sum(chunk_count), 0)::int AS n FROM indexed_videos WHERE embedding_model = ${model}`.execute(
      this.#db,
    );
    return rows[0].n;
  }

  async stats(): Promise<IndexStats> {
    const { rows } = await sql<{ chunks: number; videos: number }>`
      SELECT coalesce(sum(chunk_count), 0)::int AS chunks, count(*)::int AS videos FROM indexed_videos WHERE chunk_count > 0`.execute(
      this.#db,
    );
    return { chunks: rows[0].chunks, videos: rows[0].videos, ...(await this.meta()) };
  }

  async meta(): Promise<IndexMeta> {
    return readMeta(this.#db);
  }

  async videosNeedingEmbedding(model: string): Promise<string[]> {
    const { rows } = await sql<{ video_id: string }>`
      SELECT video_id FROM indexed_videos
      WHERE chunk_count > 0 AND (embedding_model IS NULL OR embedding_model <> ${model}) ORDER BY video_id`.execute(
      this.#db,
    );
    return rows.map((r) => r.video_id);
  }

  async videoChunks(videoId: string): Promise<Chunk[]> {
    const { rows } = await sql<Chunk>`
      SELECT idx, start_seconds AS start, end_seconds AS "end", text FROM chunks WHERE video_id = ${videoId} ORDER BY idx`.execute(
      this.#db,
    );
    return rows;
  }
}

/** `AND c.video_id = ANY(…)` for a search limited to some videos; nothing for any video. */
function inScope(scope: readonly string[] | undefined): RawBuilder<unknown> {
  return scope ? sql`AND c.video_id = ANY(${[...scope]}::text[])` : sql``;
}

async function readMeta(db: Kysely<any>): Promise<IndexMeta> {
  const { rows } = await sql<{ key: string; value: string }>`
    SELECT key, value FROM index_meta WHERE key IN ('embedding_model', 'dims')`.execute(db);
  const map = new Map(rows.map((r) => [r.key, r.value]));
  const dims = map.get('dims');
  return { embeddingModel: map.get('embedding_model') ?? null, dims: dims ? Number(dims) : null };
}

function toHit(r: ChunkRow): SearchHit {
  return {
    chunkId: Number(r.id),
    videoId: r.video_id,
    idx: r.idx,
    start: Number(r.start_seconds),
    end: Number(r.end_seconds),
    text: r.text,
    score: Number(r.score),
    title: null,
    channel: null,
    url: null,
  };
}

/**
 * The video's whole transcript as one tsvector (searchText of its chunks). Chunks overlap by a
 * sentence or two; the repeats count a few words twice, which the ranking's saturation makes immaterial.
 */
async function setVideoText(
  trx: Kysely<any>,
  videoId: string,
  texts: readonly string[],
  language: string | null,
): Promise<void> {
  const text = texts.map((t) => searchText(t, language)).join(' ');
  await sql`UPDATE indexed_videos SET tsv = to_tsvector('simple', ${text}) WHERE video_id = ${videoId}`.execute(
    trx,
  );
}
