import type { SqliteLike, SqliteStatementLike } from '@llm-rag-yt/orchestrator';
import { BitSignatures, packSignatures, wordsOf } from './bit-signatures.ts';

/*
 * Vectors on SQLite. Two plain tables, created when the first vectors arrive (their size depends
 * on the model):
 *   chunk_embeddings  float32 blob per chunk — exact cosine via sqlite-vec's vec_distance_cosine
 *   video_signatures  per video: its chunk ids and 1-bit signatures (48 bytes per chunk at 384 dims)
 * Small or filtered searches scan the exact table; large ones take coarse candidates from an
 * in-memory Hamming scan of the signatures (bit-signatures.ts) and rescore them exactly.
 * Measured at 100k×384 on 2 cores: the scan ≈ 4 ms CPU, rescoring 160 candidates ≈ 1 ms; the
 * sqlite-vec vec0 bit index this replaces took ≈ 22 ms. Databases with the old vec0 table are
 * upgraded once by upgrade().
 */

export interface VectorStoreOptions {
  /** Below this many vectors, search exactly (a full scan is cheap). Default 10 000. */
  exactScanBelow?: number;
  /** Coarse candidates per wanted result from the signatures. Default 4 (at least 100 in total). */
  coarseFactor?: number;
}

export interface VectorMatch {
  chunkId: number;
  /** Cosine distance (1 − similarity). */
  distance: number;
}

export class SqliteVectorStore {
  readonly #raw: SqliteLike;
  readonly #exactScanBelow: number;
  readonly #coarseFactor: number;
  readonly #statements = new Map<string, SqliteStatementLike>();
  #signatures: BitSignatures | null = null;

  constructor(raw: SqliteLike, opts: VectorStoreOptions = {}) {
    this.#raw = raw;
    this.#exactScanBelow = opts.exactScanBelow ?? 10_000;
    this.#coarseFactor = opts.coarseFactor ?? 4;
  }

  /** Current model and dims from index_meta. */
  meta(): { embeddingModel: string | null; dims: number | null } {
    const rows = this.#stmt(
      `SELECT key, value FROM index_meta WHERE key IN ('embedding_model', 'dims')`,
    ).all() as {
      key: string;
      value: string;
    }[];
    const map = new Map(rows.map((r) => [r.key, r.value]));
    const dims = map.get('dims');
    return { embeddingModel: map.get('embedding_model') ?? null, dims: dims ? Number(dims) : null };
  }

  /**
   * Replaces the vec0 bit index of earlier versions by chunk_signatures (computed from the stored
   * embeddings, no re-embedding). Idempotent; must run inside the caller's transaction.
   */
  upgrade(): void {
    if (!this.#hasTables() || this.#tableExists('video_signatures')) return;
    const dims = this.meta().dims;
    this.#raw.exec(
      `CREATE TABLE video_signatures (video_id TEXT PRIMARY KEY, chunk_ids BLOB NOT NULL, bits BLOB NOT NULL);
       DROP TABLE IF EXISTS chunk_vectors;`,
    );
    this.#statements.clear();
    if (dims !== null) {
      const rows = this.#stmt(
        'SELECT video_id, chunk_id, embedding FROM chunk_embeddings ORDER BY video_id, chunk_id',
      ).all() as { video_id: string; chunk_id: number; embedding: Uint8Array }[];
      for (let i = 0; i < rows.length; ) {
        let j = i;
        while (j < rows.length && rows[j].video_id === rows[i].video_id) j++;
        const group = rows.slice(i, j).map((r) => ({ chunkId: r.chunk_id, vector: asFloats(r.embedding) }));
        this.#putSignatures(rows[i].video_id, group, dims);
        i = j;
      }
    }
    this.#bumpVersion();
  }

  /**
   * Makes the tables hold vectors of `model`. Returns true when the previous vectors were discarded
   * (another model or size): the caller marks the other videos as needing embedding.
   * Must run inside the caller's transaction.
   */
  prepareFor(model: string, dims: number): boolean {
    const current = this.meta();
    if (current.embeddingModel === model && current.dims === dims && this.#hasTables()) return false;
    this.#raw.exec(
      `DROP TABLE IF EXISTS chunk_vectors; DROP TABLE IF EXISTS chunk_embeddings; DROP TABLE IF EXISTS video_signatures;
       CREATE TABLE chunk_embeddings (chunk_id INTEGER PRIMARY KEY, video_id TEXT NOT NULL, embedding BLOB NOT NULL);
       CREATE INDEX chunk_embeddings_video ON chunk_embeddings (video_id);
       CREATE TABLE video_signatures (video_id TEXT PRIMARY KEY, chunk_ids BLOB NOT NULL, bits BLOB NOT NULL);`,
    );
    // Statements on the dropped tables must be prepared again.
    this.#statements.clear();
    const put = this.#stmt('INSERT OR REPLACE INTO index_meta (key, value) VALUES (?, ?)');
    put.run('embedding_model', model);
    put.run('dims', String(dims));
    this.#bumpVersion();
    return current.embeddingModel !== null;
  }

  /**
   * Replaces all vectors of a video with `rows` (every chunk of the video that has a vector).
   * Inside the caller's transaction, after prepareFor().
   */
  replaceVideo(videoId: string, rows: readonly { chunkId: number; vector: Float32Array }[]): void {
    this.deleteVideo(videoId);
    const dims = this.meta().dims;
    if (rows.length === 0 || dims === null) return;
    const exact = this.#stmt('INSERT INTO chunk_embeddings (chunk_id, video_id, embedding) VALUES (?, ?, ?)');
    for (const { chunkId, vector } of rows) {
      exact.run(chunkId, videoId, Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength));
    }
    this.#putSignatures(videoId, rows, dims);
    this.#bumpVersion();
  }

  deleteVideo(videoId: string): void {
    if (!this.#hasTables()) return;
    const gone = this.#stmt('DELETE FROM video_signatures WHERE video_id = ?').run(videoId).changes;
    this.#stmt('DELETE FROM chunk_embeddings WHERE video_id = ?').run(videoId);
    if (gone > 0) this.#bumpVersion();
  }

  #putSignatures(videoId: string, rows: readonly { chunkId: number; vector: Float32Array }[], dims: number) {
    const ids = Float64Array.from(rows, (r) => r.chunkId);
    const bits = packSignatures(
      rows.map((r) => r.vector),
      dims,
    );
    this.#stmt('INSERT OR REPLACE INTO video_signatures (video_id, chunk_ids, bits) VALUES (?, ?, ?)').run(
      videoId,
      Buffer.from(ids.buffer),
      Buffer.from(bits.buffer),
    );
  }

  count(): number {
    if (!this.#hasTables()) return 0;
    return (this.#stmt('SELECT count(*) AS n FROM chunk_embeddings').get() as { n: number }).n;
  }

  search(vector: Float32Array, k: number, videoIds: readonly string[] | null): VectorMatch[] {
    const meta = this.meta();
    if (meta.dims === null || !this.#hasTables()) return [];
    if (vector.length !== meta.dims) {
      throw new Error(
        `Query vector has ${vector.length} dimensions but the index holds ${meta.dims}-dimensional vectors of '${meta.embeddingModel}'. Use the same embedding model for queries and passages.`,
      );
    }
    const q = Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
    if (videoIds) {
      return this.#stmt(
        `SELECT chunk_id AS chunkId, vec_distance_cosine(embedding, ?) AS distance FROM chunk_embeddings
         WHERE video_id IN (SELECT value FROM json_each(?)) ORDER BY distance LIMIT ?`,
      ).all(q, JSON.stringify(videoIds), k) as VectorMatch[];
    }
    const signatures = this.#currentSignatures(meta.dims);
    if (signatures.count < this.#exactScanBelow) {
      return this.#stmt(
        'SELECT chunk_id AS chunkId, vec_distance_cosine(embedding, ?) AS distance FROM chunk_embeddings ORDER BY distance LIMIT ?',
      ).all(q, k) as VectorMatch[];
    }
    const candidates = signatures.nearest(vector, Math.max(k * this.#coarseFactor, 100));
    return this.#stmt(
      `SELECT chunk_id AS chunkId, vec_distance_cosine(embedding, ?) AS distance FROM chunk_embeddings
       WHERE chunk_id IN (SELECT value FROM json_each(?)) ORDER BY distance LIMIT ?`,
    ).all(q, JSON.stringify(candidates), k) as VectorMatch[];
  }

  /** The in-memory signatures, reloaded when another write (this or another process) changed them. */
  #currentSignatures(dims: number): BitSignatures {
    const row = this.#stmt(`SELECT value FROM index_meta WHERE key = 'vectors_version'`).get() as
      | { value: string }
      | undefined;
    const version = row?.value ?? '0';
    if (this.#signatures?.version !== version) {
      this.#signatures = null; // free the old copy before loading the new one
      const rows = this.#stmt('SELECT chunk_ids, bits FROM video_signatures').all() as {
        chunk_ids: Uint8Array;
        bits: Uint8Array;
      }[];
      const groups = rows.map((r) => ({
        ids: new Float64Array(new Uint8Array(r.chunk_ids).buffer),
        bits: wordsOf(r.bits),
      }));
      this.#signatures = new BitSignatures(version, dims, groups);
    }
    return this.#signatures;
  }

  #bumpVersion(): void {
    this.#stmt(
      `INSERT INTO index_meta (key, value) VALUES ('vectors_version', '1')
       ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1`,
    ).run();
  }

  #hasTables(): boolean {
    return this.#tableExists('chunk_embeddings');
  }

  #tableExists(name: string): boolean {
    return (
      this.#stmt(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name) !== undefined
    );
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

function asFloats(blob: Uint8Array): Float32Array {
  return new Float32Array(new Uint8Array(blob).buffer);
}
