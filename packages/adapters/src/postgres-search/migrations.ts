import type { DatabaseHandle } from '@llm-rag-yt/orchestrator';
import { type Kysely, type Migration, Migrator, sql } from 'kysely';

/*
 * The search tables on Postgres (migration set 'search_migrations'). Full text is a tsvector of
 * searchText() (our language-neutral stemming, see rag/search/query.ts) with the 'simple'
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

export async function migratePostgresSearch(handle: DatabaseHandle): Promise<void> {
  // Kysely's existence check scans every schema; pin ours so another schema's table does not count.
  const schema =
    handle.schema ??
    (await sql<{ s: string }>`select current_schema() as s`.execute(handle.db)).rows[0]?.s ??
    'public';
  const migrator = new Migrator({
    db: handle.db,
    provider: { getMigrations: async () => ({ '0001_chunks_tsv': initial }) },
    migrationTableName: 'search_migrations',
    migrationLockTableName: 'search_migrations_lock',
    migrationTableSchema: schema,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? '(before any migration)';
    throw new Error(
      `Search index migration ${failed} failed on Postgres: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}
