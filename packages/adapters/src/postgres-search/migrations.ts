import { applyMigrationSet, type DatabaseHandle, type MigrationSet } from '@llm-rag-yt/orchestrator';
import { type Kysely, type Migration, sql } from 'kysely';

/*
 * The search tables on Postgres (migration set 'search_migrations'). Full text is a tsvector of
 * searchText() (Snowball stems by the video's language, see rag/search/stemming.ts) with the 'simple'
 * configuration, so Russian and English behave as on SQLite. Vectors are float4[], exact cosine in SQL.
 */
const initial: Migration = {
  async up(db: Kysely<any>) {
    await sql`CREATE TABLE IF NOT EXISTS chunks (
      id BIGSERIAL PRIMARY KEY,
      video_id TEXT NOT NULL,
      idx INTEGER NOT NULL,
      start_seconds DOUBLE PRECISION NOT NULL,
      end_seconds DOUBLE PRECISION NOT NULL,
      text TEXT NOT NULL,
      token_count INTEGER NOT NULL,
      created_at BIGINT NOT NULL,
      tsv TSVECTOR NOT NULL,
      embedding REAL[]
    )`.execute(db);
    await sql`CREATE INDEX IF NOT EXISTS chunks_video_idx ON chunks (video_id, idx)`.execute(db);
    await sql`CREATE INDEX IF NOT EXISTS chunks_tsv_idx ON chunks USING GIN (tsv)`.execute(db);
    await sql`CREATE TABLE IF NOT EXISTS index_meta (key TEXT PRIMARY KEY, value TEXT)`.execute(db);
    await sql`CREATE TABLE IF NOT EXISTS indexed_videos (
      video_id TEXT PRIMARY KEY,
      embedding_model TEXT,
      chunk_count INTEGER NOT NULL,
      indexed_at BIGINT NOT NULL
    )`.execute(db);
  },
};

/** The video's language, so its chunks are stemmed (and re-stemmed on a scheme change) by it. */
const language: Migration = {
  async up(db: Kysely<any>) {
    await sql`ALTER TABLE indexed_videos ADD COLUMN IF NOT EXISTS language TEXT`.execute(db);
  },
};

/** 1-bit signatures of the vectors for the candidate preselection without pgvector (vector-sql.ts). */
const signatures: Migration = {
  async up(db: Kysely<any>) {
    await sql`ALTER TABLE chunks ADD COLUMN IF NOT EXISTS embedding_sig VARBIT`.execute(db);
  },
};

/** Each video's whole transcript as one tsvector, for video-level relevance (videoScores). */
const videoText: Migration = {
  async up(db: Kysely<any>) {
    await sql`ALTER TABLE indexed_videos ADD COLUMN IF NOT EXISTS tsv TSVECTOR`.execute(db);
  },
};

/**
 * Signatures in a narrow table of their own: the Hamming preselection scans every signature, and in
 * `chunks` that meant reading each row's text, tsvector and float4[] too (~3.5 KB a row; 110 ms at
 * 100,000 chunks against 40 ms over this table's ~90 bytes a row).
 */
const signatureTable: Migration = {
  async up(db: Kysely<any>) {
    await sql`CREATE TABLE IF NOT EXISTS chunk_signatures (
      chunk_id BIGINT PRIMARY KEY REFERENCES chunks (id) ON DELETE CASCADE,
      sig VARBIT NOT NULL
    )`.execute(db);
    await sql`INSERT INTO chunk_signatures (chunk_id, sig)
      SELECT id, embedding_sig FROM chunks WHERE embedding_sig IS NOT NULL ON CONFLICT DO NOTHING`.execute(
      db,
    );
    await sql`ALTER TABLE chunks DROP COLUMN IF EXISTS embedding_sig`.execute(db);
  },
};

/** The Postgres search index's tables. */
export const POSTGRES_SEARCH_MIGRATIONS: MigrationSet = Object.freeze({
  owner: 'Search index (PostgreSQL)',
  migrationTable: 'search_migrations',
  tables: ['chunks', 'chunk_signatures', 'index_meta', 'indexed_videos'],
  migrations: () => ({
    '0001_chunks_tsv': initial,
    '0002_video_language': language,
    '0003_embedding_sig': signatures,
    '0004_video_tsv': videoText,
    '0005_chunk_signatures': signatureTable,
  }),
});

export function migratePostgresSearch(handle: DatabaseHandle): Promise<void> {
  return applyMigrationSet(handle, POSTGRES_SEARCH_MIGRATIONS);
}
