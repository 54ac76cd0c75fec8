import type { DatabaseHandle, SqliteLike, SqliteStatementLike } from '@llm-rag-yt/orchestrator';
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
  type QueryTerm,
  queryTerms,
  searchScope,
  searchText,
  TEXT_SCHEME,
  toFts5Match,
  withVideoLabels,
} from '@llm-rag-yt/rag';
import * as sqliteVec from 'sqlite-vec';
import { migrateSqliteSearch } from './migrations.ts';
import { SqliteVectorStore, type VectorStoreOptions } from './vector-store.ts';

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

export interface SqliteSearchOptions extends VectorStoreOptions {
  /**
   * Titles, channels and URLs of the videos (the RAG store's videos). Without it hits carry none
   * and a channel filter matches nothing.
   */
  videos?: VideoCatalog | null;
}

/** Query terms in more than this share of chunks are dropped (see #withoutUniversalTerms). */
const COMMON_TERM_SHARE = 0.25;

/**
 * Names what chunks_fts and videos_fts hold: the text scheme (rag/search/stemming.ts bumps it when
 * searchText() changes) and the tables; an index written under another one is rebuilt once.
 */
const FTS_TEXT_VERSION = `${TEXT_SCHEME}+videos`;

/**
 * The search index in the shared SQLite file: `chunks` + FTS5 (bm25) + sqlite-vec vectors.
 * All work runs on the shared better-sqlite3 connection, inside Kysely's connection lock so it
 * never interleaves with another module's open Kysely transaction.
 *
 * @example
 * const handle = await openDatabase('sqlite:/data/state.db');
 * const index = new SqliteSearchIndex(handle, { videos: createRagStore(handle).videos });
 * await index.migrate();
 * await index.indexVideo('dQw4w9WgXcQ', chunks, null, null);
 */
export class SqliteSearchIndex implements SearchIndex {
  readonly #handle: DatabaseHandle;
  readonly #raw: SqliteLike;
  readonly #vectors: SqliteVectorStore;
  readonly #statements = new Map<string, SqliteStatementLike>();
  readonly #videos: VideoCatalog | null;
  readonly #dfCache = new Map<string, { df: number; n: number }>();
  /** Distinct languages of the indexed videos (query words are stemmed for each); null = re-read. */
  #languages: (string | null)[] | null = null;
  /** When #languages was read: another process (a worker) may index a video of a new language. */
  #languagesAt = 0;

  constructor(handle: DatabaseHandle, opts: SqliteSearchOptions = {}) {
    if (handle.dialect !== 'sqlite' || !handle.sqlite) {
      throw new Error(
        `SqliteSearchIndex needs a SQLite database handle, got '${handle.dialect}'. Use PostgresSearchIndex.`,
      );
    }
    this.#handle = handle;
    this.#raw = handle.sqlite;
    this.#videos = opts.videos ?? null;
    loadSqliteVec(this.#raw);
    this.#vectors = new SqliteVectorStore(this.#raw, (fn) => this.#locked(fn), annDirOf(this.#raw), opts);
  }

  /** Resolves once the in-memory vector index holds every stored vector (it catches up in the background otherwise). */
  async vectorIndexReady(): Promise<void> {
    await this.#vectors.ann.whenReady();
  }

  /** Whether vector searches currently go through the ANN index, and how many vectors it holds. */
  async vectorIndexStatus(): Promise<{ approximate: boolean; annVectors: number; storedVectors: number }> {
    return this.#locked(() => this.#vectors.status());
  }

  /** Saves the vector index's pending changes to its folder and frees its memory. */
  async close(): Promise<void> {
    await this.#vectors.ann.close();
  }

  async migrate(): Promise<void> {
    await migrateSqliteSearch(this.#handle);
    await this.#locked(() => {
      this.#rebuildFtsIfStale();
      this.#raw.transaction(() => this.#vectors.upgrade())();
    });
  }

  /** The full-text index holds searchText(); indexes written before that (or by another scheme) are rebuilt once. */
  #rebuildFtsIfStale(): void {
    const row = this.#stmt(`SELECT value FROM index_meta WHERE key = 'fts_text'`).get() as
      | { value: string }
      | undefined;
    if (row?.value === FTS_TEXT_VERSION) return;
    this.#raw.transaction(() => {
      this.#raw.exec(`INSERT INTO chunks_fts (chunks_fts) VALUES ('delete-all')`);
      const insert = this.#stmt('INSERT INTO chunks_fts (rowid, text) VALUES (?, ?)');
      const rows = this.#stmt(
        'SELECT c.id, c.text, iv.language FROM chunks c LEFT JOIN indexed_videos iv ON iv.video_id = c.video_id',
      ).all() as { id: number; text: string; language: string | null }[];
      for (const r of rows) insert.run(r.id, searchText(r.text, r.language));
      this.#raw.exec(`INSERT INTO videos_fts (videos_fts) VALUES ('delete-all')`);
      const videos = this.#stmt(
        'SELECT iv.rowid AS id, iv.video_id, iv.language FROM indexed_videos iv WHERE chunk_count > 0',
      ).all() as { id: number; video_id: string; language: string | null }[];
      const chunksOf = this.#stmt('SELECT text FROM chunks WHERE video_id = ? ORDER BY idx');
      for (const v of videos) {
        const texts = (chunksOf.all(v.video_id) as { text: string }[]).map((c) => c.text);
        this.#insertVideoText(v.id, texts, v.language);
      }
      this.#dfCache.clear();
      this.#stmt(`INSERT OR REPLACE INTO index_meta (key, value) VALUES ('fts_text', ?)`).run(
        FTS_TEXT_VERSION,
      );
    })();
  }

  async indexVideo(
    videoId: string,
    chunks: readonly Chunk[],
    embeddings: readonly Float32Array[] | null,
    embeddingModel: string | null,
    opts: IndexVideoOptions = {},
  ): Promise<{ chunks: number; embedded: boolean }> {
    const dims = checkEmbeddings(videoId, chunks, embeddings, embeddingModel);
    return this.#locked(() => {
      const language =
        opts.language !== undefined
          ? opts.language
          : ((
              this.#stmt('SELECT language FROM indexed_videos WHERE video_id = ?').get(videoId) as
                | { language: string | null }
                | undefined
            )?.language ?? null);
      this.#languages = null;
      const now = Date.now();
      const insertChunk = this.#stmt(
        'INSERT INTO chunks (video_id, idx, start_seconds, end_seconds, text, token_count, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      );
      const insertFts = this.#stmt('INSERT INTO chunks_fts (rowid, text) VALUES (?, ?)');
      this.#vectors.writing(() =>
        this.#raw.transaction(() => {
          this.#deleteRows(videoId);
          const embed = embeddings && embeddingModel && dims !== null && chunks.length > 0;
          if (embed && this.#vectors.prepareFor(embeddingModel, dims)) {
            this.#stmt('UPDATE indexed_videos SET embedding_model = NULL').run();
          }
          const vectors: { chunkId: number; vector: Float32Array }[] = [];
          for (let i = 0; i < chunks.length; i++) {
            const c = chunks[i];
            const id = Number(
              insertChunk.run(videoId, c.idx, c.start, c.end, c.text, countWords(c.text), now)
                .lastInsertRowid,
            );
            insertFts.run(id, searchText(c.text, language));
            if (embed) vectors.push({ chunkId: id, vector: embeddings[i] });
          }
          this.#vectors.replaceVideo(videoId, vectors);
          const row = this.#stmt(
            'INSERT OR REPLACE INTO indexed_videos (video_id, embedding_model, chunk_count, indexed_at, language) VALUES (?, ?, ?, ?, ?)',
          ).run(videoId, embed ? embeddingModel : null, chunks.length, now, language);
          this.#insertVideoText(
            Number(row.lastInsertRowid),
            chunks.map((c) => c.text),
            language,
          );
        })(),
      );
      return { chunks: chunks.length, embedded: Boolean(embeddings && chunks.length > 0) };
    });
  }

  async deleteVideo(videoId: string): Promise<boolean> {
    return this.#locked(() => {
      let deleted = false;
      this.#languages = null;
      this.#vectors.writing(() =>
        this.#raw.transaction(() => {
          deleted = this.#deleteRows(videoId) > 0;
          deleted =
            this.#stmt('DELETE FROM indexed_videos WHERE video_id = ?').run(videoId).changes > 0 || deleted;
        })(),
      );
      return deleted;
    });
  }

  async lexicalSearch(query: string, opts: LexicalSearchOptions): Promise<SearchHit[]> {
    queryTerms(query); // a clear error for a question without words, before taking the lock
    // The catalog is read outside the lock: it runs its own queries on this connection.
    const scope = await searchScope(this.#videos, opts);
    if (scope?.length === 0) return [];
    const hits = await this.#locked(() => {
      const terms = queryTerms(query, this.#indexLanguages());
      const match = toFts5Match(this.#withoutUniversalTerms(terms));
      const where: string[] = ['chunks_fts MATCH @match'];
      const params: Record<string, unknown> = { match, k: opts.k };
      if (scope) {
        where.push('c.video_id IN (SELECT value FROM json_each(@videoIds))');
        params.videoIds = JSON.stringify(scope);
      }
      // Rank ids first and fetch rows for the top k only: carrying each match's text through the
      // sort made 100k-chunk queries 5× slower.
      const sql = `WITH m AS (
          SELECT chunks_fts.rowid AS id, chunks_fts.rank AS r FROM chunks_fts
          ${scope ? 'JOIN chunks c ON c.id = chunks_fts.rowid' : ''}
          WHERE ${where.join(' AND ')} ORDER BY chunks_fts.rank LIMIT @k)
        SELECT c.id, c.video_id, c.idx, c.start_seconds, c.end_seconds, c.text, -m.r AS score
        FROM m JOIN chunks c ON c.id = m.id ORDER BY m.r`;
      return (this.#stmt(sql).all(params) as ChunkRow[]).map(toHit);
    });
    return withVideoLabels(this.#videos, hits);
  }

  async videoScores(query: string, videoIds: readonly string[]): Promise<Record<string, number>> {
    queryTerms(query);
    if (videoIds.length === 0) return {};
    return this.#locked(() => {
      const match = toFts5Match(queryTerms(query, this.#indexLanguages()));
      const rows = this.#stmt(
        `SELECT iv.video_id, -bm25(videos_fts) AS score FROM videos_fts
         JOIN indexed_videos iv ON iv.rowid = videos_fts.rowid
         WHERE videos_fts MATCH @match AND iv.video_id IN (SELECT value FROM json_each(@ids))`,
      ).all({ match, ids: JSON.stringify(videoIds) }) as { video_id: string; score: number }[];
      return Object.fromEntries(rows.map((r) => [r.video_id, Math.max(0, r.score)]));
    });
  }

  async termStats(stems: readonly string[]): Promise<TermStats> {
    return this.#locked(() => {
      const { n } = this.#stmt('SELECT coalesce(sum(chunk_count), 0) AS n FROM indexed_videos').get() as {
        n: number;
      };
      const df: Record<string, number> = {};
      for (const s of stems) df[s] = this.#documentFrequency(s, n);
      return { chunks: n, df };
    });
  }

  /** Languages of the indexed videos (null for unknown); a handful at most in practice. */
  #indexLanguages(): (string | null)[] {
    if (!this.#languages || Date.now() - this.#languagesAt > LANGUAGES_TTL_MS) {
      const rows = this.#stmt('SELECT DISTINCT language FROM indexed_videos WHERE chunk_count > 0').all() as {
        language: string | null;
      }[];
      this.#languages = rows.length ? rows.map((r) => r.language) : [null];
      this.#languagesAt = Date.now();
    }
    return this.#languages;
  }

  async vectorSearch(vector: Float32Array, opts: VectorSearchOptions): Promise<SearchHit[]> {
    const scope = await searchScope(this.#videos, opts);
    if (scope?.length === 0) return [];
    const hits = await this.#locked(() => {
      const matches = this.#vectors.search(vector, opts.k, scope ?? null);
      if (matches.length === 0) return [];
      const rows = this.#stmt(
        `SELECT c.id, c.video_id, c.idx, c.start_seconds, c.end_seconds, c.text, 0 AS score
         FROM chunks c WHERE c.id IN (SELECT value FROM json_each(?))`,
      ).all(JSON.stringify(matches.map((m) => m.chunkId))) as ChunkRow[];
      const byId = new Map(rows.map((r) => [r.id, r]));
      return matches.flatMap((m) => {
        const row = byId.get(m.chunkId);
        return row ? [toHit({ ...row, score: 1 - m.distance })] : [];
      });
    });
    return withVideoLabels(this.#videos, hits);
  }

  async stats(): Promise<IndexStats> {
    return this.#locked(() => {
      const { chunks, videos } = this.#stmt(
        'SELECT coalesce(sum(chunk_count), 0) AS chunks, count(*) AS videos FROM indexed_videos WHERE chunk_count > 0',
      ).get() as { chunks: number; videos: number };
      return { chunks, videos, ...this.#vectors.meta() };
    });
  }

  async meta(): Promise<IndexMeta> {
    return this.#locked(() => this.#vectors.meta());
  }

  async videosNeedingEmbedding(model: string): Promise<string[]> {
    return this.#locked(() =>
      (
        this.#stmt(
          'SELECT video_id FROM indexed_videos WHERE chunk_count > 0 AND (embedding_model IS NULL OR embedding_model <> ?) ORDER BY video_id',
        ).all(model) as { video_id: string }[]
      ).map((r) => r.video_id),
    );
  }

  async videoChunks(videoId: string): Promise<Chunk[]> {
    return this.#locked(
      () =>
        this.#stmt(
          'SELECT idx, start_seconds AS start, end_seconds AS "end", text FROM chunks WHERE video_id = ? ORDER BY idx',
        ).all(videoId) as Chunk[],
    );
  }

  /**
   * Drops terms found in more than a quarter of all chunks. Their bm25 weight is small (idf <
   * log 3, a fraction of a selective term's), yet FTS5 would score every chunk containing them:
   * at 100k chunks a word in 45% of them made a query take 80 ms instead of 4 ms.
   */
  #withoutUniversalTerms(terms: QueryTerm[]): QueryTerm[] {
    if (terms.length < 2) return terms;
    const { n } = this.#stmt('SELECT coalesce(sum(chunk_count), 0) AS n FROM indexed_videos').get() as {
      n: number;
    };
    if (n < 1000) return terms;
    const df = terms.map((t) => Math.max(...t.stems.map((s) => this.#documentFrequency(s, n))));
    const kept = terms.filter((_, i) => df[i] <= n * COMMON_TERM_SHARE);
    if (kept.length > 0) return kept;
    // Every term is common: keep the rarest so the question still finds something.
    return [terms[df.indexOf(Math.min(...df))]];
  }

  /**
   * Chunks containing `term`, cached: fts5vocab counts by walking the term's whole doclist (~1 ms
   * for a word in most of 100k chunks). A cached count is reused while the index size stays
   * within 10% of what it was, which is exact enough for the common-term cut-off.
   */
  #documentFrequency(term: string, n: number): number {
    const cached = this.#dfCache.get(term);
    if (cached && Math.abs(cached.n - n) <= n / 10) return cached.df;
    const { df } = this.#stmt('SELECT coalesce(sum(doc), 0) AS df FROM chunks_vocab WHERE term = ?').get(
      term,
    ) as { df: number };
    if (this.#dfCache.size >= 10_000) this.#dfCache.clear();
    this.#dfCache.set(term, { df, n });
    return df;
  }

  /**
   * The video's whole transcript as one full-text row. Chunks overlap by a sentence or two; the
   * repeats count a few words twice, which BM25's saturation makes immaterial.
   */
  #insertVideoText(rowid: number, texts: readonly string[], language: string | null): void {
    this.#stmt('INSERT INTO videos_fts (rowid, text) VALUES (?, ?)').run(
      rowid,
      texts.map((t) => searchText(t, language)).join(' '),
    );
  }

  /** Deletes a video's chunks, full-text rows and vectors; returns how many chunks. Inside a transaction. */
  #deleteRows(videoId: string): number {
    const video = this.#stmt('SELECT rowid AS id FROM indexed_videos WHERE video_id = ?').get(videoId) as
      | { id: number }
      | undefined;
    if (video) this.#stmt('DELETE FROM videos_fts WHERE rowid = ?').run(video.id);
    const ids = this.#stmt('SELECT id FROM chunks WHERE video_id = ?').all(videoId) as { id: number }[];
    const delFts = this.#stmt('DELETE FROM chunks_fts WHERE rowid = ?');
    for (const { id } of ids) delFts.run(id);
    this.#vectors.deleteVideo(videoId);
    this.#stmt('DELETE FROM chunks WHERE video_id = ?').run(videoId);
    return ids.length;
  }

  /** Runs synchronous better-sqlite3 work while holding Kysely's single-connection lock. */
  #locked<T>(fn: () => T): Promise<T> {
    return this.#handle.db.connection().execute(async () => fn());
  }

  #stmt(sql: string): SqliteStatementLike {
    let s = this.#statements.get(sql);
    if (!s) {
      s = this.#raw.prepare(sql);
      this.#statements.set(sql, s);
    }
    return s;
  }
}

function toHit(r: ChunkRow): SearchHit {
  return {
    chunkId: r.id,
    videoId: r.video_id,
    idx: r.idx,
    start: r.start_seconds,
    end: r.end_seconds,
    text: r.text,
    score: r.score,
    title: null,
    channel: null,
    url: null,
  };
}

/** `<database file>.vectors`, the folder of the persisted vector index; null for an in-memory database. */
function annDirOf(raw: SqliteLike): string | null {
  const main = (raw.prepare('PRAGMA database_list').all() as { name: string; file: string }[]).find(
    (d) => d.name === 'main',
  );
  return main?.file ? `${main.file}.vectors` : null;
}

function loadSqliteVec(raw: SqliteLike): void {
  try {
    raw.prepare('SELECT vec_version()').get();
    return; // already loaded on this connection (openDatabase's sqliteExtensions)
  } catch {
    // not loaded yet
  }
  try {
    raw.loadExtension(sqliteVec.getLoadablePath());
  } catch (cause) {
    throw new Error(
      `Cannot load the sqlite-vec extension: ${cause instanceof Error ? cause.message : String(cause)}. Reinstall dependencies (npm i) so the sqlite-vec platform package is present.`,
      { cause },
    );
  }
}
