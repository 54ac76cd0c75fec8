import { applyMigrationSet, type DatabaseHandle, type MigrationSet } from '@llm-rag-yt/orchestrator';
import { type Kysely, type Migration, sql } from 'kysely';

/*
 * The search tables on SQLite (migration set 'search_migrations'). The vector tables depend on
 * the embedding dimensions, which are known only when the first vectors arrive, so they are
 * created by SqliteVectorStore, not here.
 */
const initial: Migration = {
  async up(db: Kysely<any>) {
    await sql`CREATE TABLE IF NOT EXISTS chunks (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      video_id TEXT NOT NULL,
      idx INTEGER NOT NULL,
      start_seconds REAL NOT NULL,
      end_seconds REAL NOT NULL,
      text TEXT NOT NULL,
      token_count INTEGER NOT NULL,
      created_at INTEGER NOT NULL
    )`.execute(db);
    await sql`CREATE INDEX IF NOT EXISTS chunks_video_idx ON chunks (video_id, idx)`.execute(db);
    // Contentless: the text lives once, in chunks; the index gets searchText() (Snowball stems by
    // the video's language, see rag/search/stemming.ts). contentless_delete lets us delete by rowid.
    // remove_diacritics 2 folds й→и, é→e on both sides, so Russian and English both match.
    await sql`CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(
      text, content='', contentless_delete=1, tokenize="unicode61 remove_diacritics 2"
    )`.execute(db);
    await sql`CREATE TABLE IF NOT EXISTS index_meta (key TEXT PRIMARY KEY, value TEXT)`.execute(db);
    // Per video: which model made its vectors (null = lexical only), so model changes are detected.
    await sql`CREATE TABLE IF NOT EXISTS indexed_videos (
      video_id TEXT PRIMARY KEY,
      embedding_model TEXT,
      chunk_count INTEGER NOT NULL,
      indexed_at INTEGER NOT NULL
    )`.execute(db);
  },
};

/** Document frequencies of full-text terms, used to drop near-universal words from queries. */
const vocab: Migration = {
  async up(db: Kysely<any>) {
    await sql`CREATE VIRTUAL TABLE IF NOT EXISTS chunks_vocab USING fts5vocab(chunks_fts, 'row')`.execute(db);
  },
};

/** The video's language, so its chunks are stemmed (and re-stemmed on a scheme change) by it. */
const language: Migration = {
  async up(db: Kysely<any>) {
    await sql`ALTER TABLE indexed_videos ADD COLUMN language TEXT`.execute(db);
  },
};

/** Each video's whole transcript as one full-text document (rowid = indexed_videos' rowid), for video-level BM25. */
const videoText: Migration = {
  async up(db: Kysely<any>) {
    await sql`CREATE VIRTUAL TABLE IF NOT EXISTS videos_fts USING fts5(
      text, content='', contentless_delete=1, tokenize="unicode61 remove_diacritics 2"
    )`.execute(db);
  },
};

/** The SQLite search index's tables (the vector tables come later, see above). */
export const SQLITE_SEARCH_MIGRATIONS: MigrationSet = Object.freeze({
  owner: 'Search index (SQLite)',
  migrationTable: 'search_migrations',
  tables: ['chunks', 'chunks_fts', 'chunks_vocab', 'index_meta', 'indexed_videos', 'videos_fts'],
  hint: 'Check that the SQLite build has FTS5 (better-sqlite3 bundles it).',
  migrations: () => ({
    '0001_chunks_fts': initial,
    '0002_chunks_vocab': vocab,
    '0003_video_language': language,
    '0004_videos_fts': videoText,
  }),
});

export function migrateSqliteSearch(handle: DatabaseHandle): Promise<void> {
  return applyMigrationSet(handle, SQLITE_SEARCH_MIGRATIONS);
}
