import { applyMigrationSet, type DatabaseHandle, type MigrationSet } from '@llm-rag-yt/orchestrator';
import { type Kysely, type Migration, sql } from 'kysely';
import { subscriptionsMigration } from './migrations-subscriptions.ts';

/*
 * The RAG store's tables (see the agreed list in the project notes): requests, videos, audio,
 * transcripts, the seed's pipeline_jobs queue, and the bot/API tables. One migration set,
 * 'rag_migrations', beside the orchestrator's own, in the same database. Timestamps are epoch
 * ms (bigint), JSON is text, booleans are 0/1 integers so both dialects read them the same way.
 */

type Dialect = 'sqlite' | 'postgres';

function idColumn(dialect: Dialect) {
  return dialect === 'postgres' ? ('bigserial' as const) : ('integer' as const);
}

function init(dialect: Dialect): Migration {
  const id = idColumn(dialect);
  return {
    async up(db: Kysely<any>) {
      const pk = (t: any) =>
        dialect === 'postgres'
          ? t.addColumn('id', id, (c: any) => c.primaryKey())
          : t.addColumn('id', id, (c: any) => c.primaryKey().autoIncrement());

      await pk(db.schema.createTable('youtube_requests'))
        .addColumn('url', 'text', (c: any) => c.notNull())
        .addColumn('video_id', 'text')
        .addColumn('user_id', 'bigint')
        .addColumn('chat_id', 'bigint')
        .addColumn('status', 'text', (c: any) => c.notNull().defaultTo('pending'))
        .addColumn('stage', 'text', (c: any) => c.notNull().defaultTo('validating'))
        .addColumn('error', 'text')
        .addColumn('error_permanent', 'integer', (c: any) => c.notNull().defaultTo(0))
        .addColumn('language', 'text', (c: any) => c.notNull().defaultTo('auto'))
        .addColumn('force', 'integer', (c: any) => c.notNull().defaultTo(0))
        .addColumn('attempts', 'integer', (c: any) => c.notNull().defaultTo(0))
        .addColumn('run_id', 'text')
        .addColumn('source', 'text', (c: any) => c.notNull().defaultTo('cli'))
        .addColumn('created_at', 'bigint', (c: any) => c.notNull())
        .addColumn('updated_at', 'bigint', (c: any) => c.notNull())
        .addColumn('timings', 'text', (c: any) => c.notNull().defaultTo('{}'))
        .execute();
      await db.schema
        .createIndex('youtube_requests_status')
        .on('youtube_requests')
        .columns(['status', 'id'])
        .execute();
      await db.schema
        .createIndex('youtube_requests_video')
        .on('youtube_requests')
        .column('video_id')
        .execute();
      await db.schema
        .createIndex('youtube_requests_user')
        .on('youtube_requests')
        .columns(['user_id', 'id'])
        .execute();

      await db.schema
        .createTable('videos')
        .addColumn('video_id', 'text', (c) => c.primaryKey())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('channel', 'text')
        .addColumn('channel_id', 'text')
        .addColumn('duration_seconds', 'double precision')
        .addColumn('upload_date', 'text')
        .addColumn('language', 'text')
        .addColumn('description', 'text')
        .addColumn('transcript_source', 'text')
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('downloaded'))
        .addColumn('embedding_model', 'text')
        .addColumn('chunk_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('videos_channel').on('videos').column('channel').execute();

      await pk(db.schema.createTable('audio_files'))
        .addColumn('video_id', 'text', (c: any) => c.notNull())
        .addColumn('path', 'text', (c: any) => c.notNull())
        .addColumn('bytes', 'bigint')
        .addColumn('duration_seconds', 'double precision')
        .addColumn('status', 'text', (c: any) => c.notNull().defaultTo('pending'))
        .addColumn('error', 'text')
        .addColumn('content_hash', 'text')
        .addColumn('created_at', 'bigint', (c: any) => c.notNull())
        .addColumn('updated_at', 'bigint', (c: any) => c.notNull())
        .execute();
      await db.schema.createIndex('audio_files_video').on('audio_files').column('video_id').execute();
      await db.schema.createIndex('audio_files_status').on('audio_files').column('status').execute();
      await db.schema.createIndex('audio_files_hash').on('audio_files').column('content_hash').execute();

      await db.schema
        .createTable('transcript_segments')
        .addColumn('video_id', 'text', (c) => c.notNull())
        .addColumn('idx', 'integer', (c) => c.notNull())
        .addColumn('start', 'double precision', (c) => c.notNull())
        .addColumn('end', 'double precision', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('transcript_segments_pk', ['video_id', 'idx'])
        .execute();

      await db.schema
        .createTable('transcript_files')
        .addColumn('video_id', 'text', (c) => c.notNull())
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('transcript_files_pk', ['video_id', 'path'])
        .execute();

      await pk(db.schema.createTable('pipeline_jobs'))
        .addColumn('job_type', 'text', (c: any) => c.notNull())
        .addColumn('job_data', 'text', (c: any) => c.notNull().defaultTo('{}'))
        .addColumn('priority', 'integer', (c: any) => c.notNull().defaultTo(0))
        .addColumn('status', 'text', (c: any) => c.notNull().defaultTo('pending'))
        .addColumn('run_id', 'text')
        .addColumn('error', 'text')
        .addColumn('created_at', 'bigint', (c: any) => c.notNull())
        .addColumn('updated_at', 'bigint', (c: any) => c.notNull())
        .execute();
      await db.schema
        .createIndex('pipeline_jobs_pending')
        .on('pipeline_jobs')
        .columns(['status', 'priority', 'id'])
        .execute();

      await db.schema
        .createTable('users')
        .addColumn('user_id', 'bigint', (c) => c.primaryKey())
        .addColumn('username', 'text')
        .addColumn('first_name', 'text')
        .addColumn('is_allowed', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('verbose', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
        .execute();

      await pk(db.schema.createTable('user_queries'))
        .addColumn('user_id', 'bigint')
        .addColumn('query', 'text', (c: any) => c.notNull())
        .addColumn('answer', 'text')
        .addColumn('mode', 'text')
        .addColumn('retrieval', 'text')
        .addColumn('latency_ms', 'integer')
        .addColumn('source', 'text')
        .addColumn('citations', 'text', (c: any) => c.notNull().defaultTo('[]'))
        .addColumn('created_at', 'bigint', (c: any) => c.notNull())
        .execute();
      await db.schema.createIndex('user_queries_created').on('user_queries').column('created_at').execute();

      await pk(db.schema.createTable('feedback'))
        .addColumn('query_id', 'bigint', (c: any) => c.notNull())
        .addColumn('user_id', 'bigint')
        .addColumn('rating', 'integer', (c: any) => c.notNull())
        .addColumn('comment', 'text')
        .addColumn('created_at', 'bigint', (c: any) => c.notNull())
        .execute();

      await pk(db.schema.createTable('user_activity'))
        .addColumn('user_id', 'bigint')
        .addColumn('action', 'text', (c: any) => c.notNull())
        .addColumn('details', 'text', (c: any) => c.notNull().defaultTo('{}'))
        .addColumn('created_at', 'bigint', (c: any) => c.notNull())
        .execute();

      await pk(db.schema.createTable('api_log'))
        .addColumn('method', 'text', (c: any) => c.notNull())
        .addColumn('path', 'text', (c: any) => c.notNull())
        .addColumn('status', 'integer', (c: any) => c.notNull())
        .addColumn('duration_ms', 'double precision', (c: any) => c.notNull())
        .addColumn('ip', 'text')
        .addColumn('user_agent', 'text')
        .addColumn('created_at', 'bigint', (c: any) => c.notNull())
        .execute();
      await db.schema.createIndex('api_log_created').on('api_log').column('created_at').execute();
    },
    async down(db: Kysely<any>) {
      for (const t of [
        'api_log',
        'user_activity',
        'feedback',
        'user_queries',
        'users',
        'pipeline_jobs',
        'transcript_files',
        'transcript_segments',
        'audio_files',
        'videos',
        'youtube_requests',
      ]) {
        await db.schema.dropTable(t).ifExists().execute();
      }
    },
  };
}

/** Active requests are de-duplicated by URL for pages whose video id is known only after download. */
const requestsByUrl: Migration = {
  async up(db) {
    await db.schema
      .createIndex('youtube_requests_url')
      .on('youtube_requests')
      .columns(['url', 'status'])
      .execute();
  },
  async down(db) {
    await db.schema.dropIndex('youtube_requests_url').execute();
  },
};

/** The RAG store's tables. */
export const RAG_STORE_MIGRATIONS: MigrationSet = Object.freeze({
  owner: 'RAG store',
  migrationTable: 'rag_migrations',
  tables: [
    'youtube_requests',
    'videos',
    'audio_files',
    'transcript_segments',
    'transcript_files',
    'pipeline_jobs',
    'users',
    'user_queries',
    'feedback',
    'user_activity',
    'api_log',
    'video_chapters',
    'video_summaries',
    'subscriptions',
    'subscription_entries',
  ],
  hint: 'The database may be from a newer version or partly migrated; check the rag_migrations table.',
  migrations: (dialect: Dialect) => ({
    '0001_rag_init': init(dialect),
    '0002_requests_url': requestsByUrl,
    '0003_subscriptions_chapters_summaries': subscriptionsMigration(dialect),
  }),
});

/** Applies the RAG store's migrations. Idempotent; safe to call from several processes at once. */
export function migrateRagStore(handle: DatabaseHandle): Promise<void> {
  return applyMigrationSet(handle, RAG_STORE_MIGRATIONS);
}

/** Now as epoch ms; one place so tests can reason about it. */
export const nowMs = (): number => Date.now();

export { sql };
