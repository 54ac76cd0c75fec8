import { randomUUID } from 'node:crypto';
import type { SqliteLike, SqliteStatementLike } from '@llm-rag-yt/orchestrator';
import { type AnnIdentity, AnnIndex, type AnnSource } from '../usearch/ann-index.ts';

/*
 * Vectors on SQLite. One plain table, created when the first vectors arrive (its size depends on
 * the model): chunk_embeddings, a float32 blob per chunk — the truth, scored exactly with
 * sqlite-vec's vec_distance_cosine. Small or filtered searches scan it; large ones take candidates
 * from an in-memory HNSW index (usearch, int8; ../usearch/ann-index.ts) persisted next to the
 * database file, and rescore them exactly. index_meta holds:
 *   vectors_version  bumped by every write, so every process sees another's writes;
 *   vectors_epoch    a new value whenever all vectors are discarded (model change).
 * Databases of earlier layouts (vec0 bit table, video_signatures) lose those tables in upgrade().
 */

export interface VectorStoreOptions {
  /** Below this many vectors, search exactly (a full scan is cheap). Default 10 000. */
  exactScanBelow?: number;
  /** ANN candidates per wanted result, rescored exactly. Default 4 (at least 50 in total). */
  candidateFactor?: number;
  /**
   * Folder of the persisted ANN index. Default: `<database file>.vectors` next to the database;
   * null keeps it in memory only (always so for an in-memory database).
   */
  annDir?: string | null;
  /** HNSW catch-up work above this many missing vectors runs in the background. Default 2 000. */
  inlineCatchUp?: number;
  /** Where ANN persistence problems are reported (they never fail a search). */
  warn?: (message: string) => void;
}

export interface VectorMatch {
  chunkId: number;
  /** Cosine distance (1 − similarity). */
  distance: number;
}

interface PendingWrite {
  before: string;
  added: { id: number; vector: Float32Array }[];
  removed: number[];
  reset: boolean;
}

export class SqliteVectorStore {
  readonly #raw: SqliteLike;
  readonly #exactScanBelow: number;
  readonly #candidateFactor: number;
  readonly #statements = new Map<string, SqliteStatementLike>();
  readonly ann: AnnIndex;
  #pending: PendingWrite | null = null;
  #count: { version: string; n: number } | null = null;

  constructor(
    raw: SqliteLike,
    runLocked: <T>(fn: () => T) => Promise<T>,
    defaultAnnDir: string | null,
    opts: VectorStoreOptions = {},
  ) {
    this.#raw = raw;
    this.#exactScanBelow = opts.exactScanBelow ?? 10_000;
    this.#candidateFactor = opts.candidateFactor ?? 4;
    this.ann = new AnnIndex(this.#annSource(), {
      dir: opts.annDir === undefined ? defaultAnnDir : opts.annDir,
      runLocked,
      inlineCatchUp: opts.inlineCatchUp,
      warn: opts.warn,
    });
  }

  /** Current model and dims from index_meta. */
  meta(): { embeddingModel: string | null; dims: number | null } {
    const map = this.#metaValues();
    const dims = map.get('dims');
    return { embeddingModel: map.get('embedding_model') ?? null, dims: dims ? Number(dims) : null };
  }

  /** Drops the tables of earlier layouts (no re-embedding needed) and gives old databases an epoch. Idempotent; inside the caller's transaction. */
  upgrade(): void {
    if (!this.#hasTables()) return;
    this.#raw.exec('DROP TABLE IF EXISTS video_signatures; DROP TABLE IF EXISTS chunk_vectors;');
    if (!this.#metaValues().has('vectors_epoch')) this.#newEpoch();
    this.#statements.clear();
  }

  /**
   * Runs a write (the caller's transaction) and, once it committed, applies its vector changes to
   * the in-memory ANN index without re-reading the table.
   */
  writing<T>(fn: () => T): T {
    this.#pending = { before: this.#version(), added: [], removed: [], reset: false };
    try {
      const result = fn();
      const p = this.#pending;
      if (!p.reset) this.ann.applyWrite(p.before, this.#version(), p.added, p.removed);
      return result;
    } finally {
      this.#pending = null;
    }
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
       CREATE INDEX chunk_embeddings_video ON chunk_embeddings (video_id);`,
    );
    // Statements on the dropped tables must be prepared again.
    this.#statements.clear();
    const put = this.#stmt('INSERT OR REPLACE INTO index_meta (key, value) VALUES (?, ?)');
    put.run('embedding_model', model);
    put.run('dims', String(dims));
    this.#newEpoch();
    this.#bumpVersion();
    if (this.#pending) this.#pending.reset = true;
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
      this.#pending?.added.push({ id: chunkId, vector });
    }
    this.#bumpVersion();
  }

  deleteVideo(videoId: string): void {
    if (!this.#hasTables()) return;
    const ids = this.#stmt('SELECT chunk_id AS id FROM chunk_embeddings WHERE video_id = ?').all(videoId) as {
      id: number;
    }[];
    if (ids.length === 0) return;
    this.#stmt('DELETE FROM chunk_embeddings WHERE video_id = ?').run(videoId);
    this.#pending?.removed.push(...ids.map((r) => r.id));
    this.#bumpVersion();
  }

  count(): number {
    if (!this.#hasTables()) return 0;
    const version = this.#version();
    if (this.#count?.version !== version) {
      const { n } = this.#stmt('SELECT count(*) AS n FROM chunk_embeddings').get() as { n: number };
      this.#count = { version, n };
    }
    return this.#count.n;
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
    // Exact while small, or while the ANN index is still being (re)built in the background.
    if (this.count() < this.#exactScanBelow || !this.ann.ready()) return this.exactSearch(vector, k);
    const candidates = this.ann.search(vector, Math.max(k * this.#candidateFactor, 50));
    return this.#stmt(
      `SELECT chunk_id AS chunkId, vec_distance_cosine(embedding, ?) AS distance FROM chunk_embeddings
       WHERE chunk_id IN (SELECT value FROM json_each(?)) ORDER BY distance LIMIT ?`,
    ).all(q, JSON.stringify(candidates), k) as VectorMatch[];
  }

  status(): { approximate: boolean; annVectors: number; storedVectors: number } {
    const storedVectors = this.count();
    const approximate = storedVectors >= this.#exactScanBelow && this.ann.ready();
    return { approximate, annVectors: this.ann.size, storedVectors };
  }

  /** The exact top `k` by a full scan (the reference the ANN path is measured against). */
  exactSearch(vector: Float32Array, k: number): VectorMatch[] {
    if (!this.#hasTables()) return [];
    return this.#stmt(
      'SELECT chunk_id AS chunkId, vec_distance_cosine(embedding, ?) AS distance FROM chunk_embeddings ORDER BY distance LIMIT ?',
    ).all(Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength), k) as VectorMatch[];
  }

  #annSource(): AnnSource {
    return {
      identity: (): AnnIdentity | null => {
        const map = this.#metaValues();
        const dims = map.get('dims');
        const model = map.get('embedding_model');
        const epoch = map.get('vectors_epoch');
        if (!dims || !model || !epoch || !this.#hasTables()) return null;
        return { epoch, model, dims: Number(dims) };
      },
      version: () => this.#version(),
      ids: () =>
        Float64Array.from(
          this.#stmt('SELECT chunk_id AS id FROM chunk_embeddings').all() as { id: number }[],
          (r) => r.id,
        ),
      vectors: (ids) =>
        (
          this.#stmt(
            'SELECT chunk_id AS id, embedding FROM chunk_embeddings WHERE chunk_id IN (SELECT value FROM json_each(?))',
          ).all(JSON.stringify(ids)) as { id: number; embedding: Uint8Array }[]
        ).map((r) => ({ id: r.id, vector: asFloats(r.embedding) })),
    };
  }

  #metaValues(): Map<string, string> {
    const rows = this.#stmt(
      `SELECT key, value FROM index_meta WHERE key IN ('embedding_model', 'dims', 'vectors_epoch', 'vectors_version')`,
    ).all() as { key: string; value: string }[];
    return new Map(rows.map((r) => [r.key, r.value]));
  }

  #version(): string {
    const row = this.#stmt(`SELECT value FROM index_meta WHERE key = 'vectors_version'`).get() as
      | { value: string }
      | undefined;
    return row?.value ?? '0';
  }

  #newEpoch(): void {
    this.#stmt(`INSERT OR REPLACE INTO index_meta (key, value) VALUES ('vectors_epoch', ?)`).run(
      randomUUID(),
    );
  }

  #bumpVersion(): void {
    this.#stmt(
      `INSERT INTO index_meta (key, value) VALUES ('vectors_version', '1')
       ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1`,
    ).run();
  }

  #hasTables(): boolean {
    return (
      this.#stmt(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'chunk_embeddings'`).get() !==
      undefined
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
