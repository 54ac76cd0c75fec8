import type { Kysely, Migration } from 'kysely';

/*
 * Tables of issue 11 — keeping the knowledge base current: chapters and summaries of videos,
 * subscriptions to channels/playlists/feeds with their entries (the per-subscription cursor),
 * and a priority on youtube_requests so subscription work queues behind hand-sent links.
 */

type Dialect = 'sqlite' | 'postgres';

export function subscriptionsMigration(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<any>) {
      const pk = (t: any) =>
        dialect === 'postgres'
          ? t.addColumn('id', 'bigserial', (c: any) => c.primaryKey())
          : t.addColumn('id', 'integer', (c: any) => c.primaryKey().autoIncrement());

      // Hand-sent 0; subscriptions below (fresh uploads -10, backfill -20). Pending requests are
      // taken highest priority first, so a backfill never delays a link someone just sent.
      await db.schema
        .alterTable('youtube_requests')
        .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createIndex('youtube_requests_pending_priority')
        .on('youtube_requests')
        .columns(['status', 'priority', 'id'])
        .execute();

      await db.schema
        .createTable('video_chapters')
        .addColumn('video_id', 'text', (c) => c.notNull())
        .addColumn('idx', 'integer', (c) => c.notNull())
        .addColumn('start', 'double precision', (c) => c.notNull())
        .addColumn('end', 'double precision', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('video_chapters_pk', ['video_id', 'idx'])
        .execute();

      await db.schema
        .createTable('video_summaries')
        .addColumn('video_id', 'text', (c) => c.primaryKey())
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('summary', 'text', (c) => c.notNull())
        .addColumn('key_points', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('chapters', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('transcript_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await pk(db.schema.createTable('subscriptions'))
        .addColumn('url', 'text', (c: any) => c.notNull())
        .addColumn('kind', 'text', (c: any) => c.notNull())
        .addColumn('feed_url', 'text', (c: any) => c.notNull())
        .addColumn('title', 'text')
        .addColumn('status', 'text', (c: any) => c.notNull().defaultTo('active'))
        .addColumn('filters', 'text', (c: any) => c.notNull().defaultTo('{}'))
        .addColumn('backfill', 'integer', (c: any) => c.notNull().defaultTo(0))
        .addColumn('user_id', 'bigint')
        .addColumn('chat_id', 'bigint')
        .addColumn('notify', 'text', (c: any) => c.notNull().defaultTo('instant'))
        .addColumn('initialized', 'integer', (c: any) => c.notNull().defaultTo(0))
        .addColumn('etag', 'text')
        .addColumn('last_modified', 'text')
        .addColumn('last_checked_at', 'bigint')
        .addColumn('next_check_at', 'bigint', (c: any) => c.notNull())
        .addColumn('last_error', 'text')
        .addColumn('error_count', 'integer', (c: any) => c.notNull().defaultTo(0))
        .addColumn('notice', 'text')
        .addColumn('videos_found', 'integer', (c: any) => c.notNull().defaultTo(0))
        .addColumn('last_found', 'integer', (c: any) => c.notNull().defaultTo(0))
        .addColumn('check_count', 'integer', (c: any) => c.notNull().defaultTo(0))
        .addColumn('digest_sent_at', 'bigint')
        .addColumn('created_at', 'bigint', (c: any) => c.notNull())
        .addColumn('updated_at', 'bigint', (c: any) => c.notNull())
        .execute();
      await db.schema.createIndex('subscriptions_url').on('subscriptions').column('url').unique().execute();
      await db.schema
        .createIndex('subscriptions_due')
        .on('subscriptions')
        .columns(['status', 'next_check_at'])
        .execute();

      // One row per entry ever seen: this is the subscription's cursor (what is new is what has
      // no row yet), so it survives restarts and works for feeds without dates or order.
      await db.schema
        .createTable('subscription_entries')
        .addColumn('subscription_id', 'bigint', (c) => c.notNull())
        .addColumn('entry_key', 'text', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('title', 'text')
        .addColumn('published_at', 'bigint')
        .addColumn('duration_seconds', 'double precision')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('request_id', 'bigint')
        .addColumn('video_id', 'text')
        .addColumn('indexed_at', 'bigint')
        .addColumn('notified_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('subscription_entries_pk', ['subscription_id', 'entry_key'])
        .execute();
      await db.schema
        .createIndex('subscription_entries_status')
        .on('subscription_entries')
        .columns(['status', 'priority', 'created_at'])
        .execute();
      await db.schema
        .createIndex('subscription_entries_request')
        .on('subscription_entries')
        .column('request_id')
        .execute();
    },
    async down(db: Kysely<any>) {
      for (const t of ['subscription_entries', 'subscriptions', 'video_summaries', 'video_chapters'])
        await db.schema.dropTable(t).ifExists().execute();
      await db.schema.dropIndex('youtube_requests_pending_priority').ifExists().execute();
      await db.schema.alterTable('youtube_requests').dropColumn('priority').execute();
    },
  };
}
