import { type Kysely, type Migration, sql } from 'kysely';
import type { DatabaseHandle } from '../database.ts';
import { applyMigrationSet, type MigrationSet } from '../migration-set.ts';

/*
 * Versioned schema of the orchestrator. Append new migrations; never edit a shipped one.
 * Indexes are chosen for the hot queries: newest runs by status / job / tag, a run's events
 * in order, the global event tail, materialization history per asset and partition.
 */

type Dialect = DatabaseHandle['dialect'];

function idColumn(dialect: Dialect) {
  return dialect === 'sqlite' ? 'integer' : 'bigserial';
}

function initial(dialect: Dialect): Migration {
  // AUTOINCREMENT on SQLite so ids are never reused after deletes (live tails use `id > afterId`).
  const autoId = (db: Kysely<unknown>, table: string) =>
    db.schema
      .createTable(table)
      .addColumn('id', idColumn(dialect), (c) =>
        dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
      );
  return {
    async up(db) {
      await db.schema
        .createTable('runs')
        .addColumn('run_id', 'text', (c) => c.primaryKey())
        .addColumn('job_name', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('run_config', 'text', (c) => c.notNull())
        .addColumn('tags', 'text', (c) => c.notNull())
        .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('run_key', 'text')
        .addColumn('partition_key', 'text')
        .addColumn('step_selection', 'text')
        .addColumn('parent_run_id', 'text')
        .addColumn('root_run_id', 'text')
        .addColumn('origin', 'text')
        .addColumn('worker_id', 'text')
        .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('started_at', 'bigint')
        .addColumn('ended_at', 'bigint')
        .addColumn('error', 'text')
        .execute();
      // run_id in every ordered index: the listing order and cursor are (created_at, run_id).
      await db.schema.createIndex('runs_created_idx').on('runs').columns(['created_at', 'run_id']).execute();
      await db.schema
        .createIndex('runs_status_created_idx')
        .on('runs')
        .columns(['status', 'created_at', 'run_id'])
        .execute();
      await db.schema
        .createIndex('runs_job_created_idx')
        .on('runs')
        .columns(['job_name', 'created_at', 'run_id'])
        .execute();
      await db.schema.createIndex('runs_run_key_idx').on('runs').column('run_key').unique().execute();
      // Queue admission order: priority desc, created_at asc among QUEUED runs.
      await db.schema
        .createIndex('runs_queue_idx')
        .on('runs')
        .columns(['status', 'priority desc', 'created_at', 'run_id'])
        .execute();

      await db.schema
        .createTable('run_tags')
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('run_tags_pk', ['run_id', 'key'])
        .execute();
      await db.schema
        .createIndex('run_tags_kv_idx')
        .on('run_tags')
        .columns(['key', 'value', 'run_id'])
        .execute();

      await autoId(db, 'events')
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('timestamp', 'bigint', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('level', 'text', (c) => c.notNull())
        .addColumn('step_key', 'text')
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('data', 'text')
        .execute();
      await db.schema.createIndex('events_run_idx').on('events').columns(['run_id', 'id']).execute();

      await autoId(db, 'materializations')
        .addColumn('asset_key', 'text', (c) => c.notNull())
        .addColumn('partition_key', 'text')
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('timestamp', 'bigint', (c) => c.notNull())
        .addColumn('metadata', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('materializations_partition_idx')
        .on('materializations')
        .columns(['asset_key', 'partition_key', 'id'])
        .execute();
      await db.schema
        .createIndex('materializations_asset_idx')
        .on('materializations')
        .columns(['asset_key', 'id'])
        .execute();

      await db.schema
        .createTable('instigator_state')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('status', 'text')
        .addColumn('cursor', 'text')
        .addColumn('last_tick_at', 'bigint')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await autoId(db, 'ticks')
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('timestamp', 'bigint', (c) => c.notNull())
        .addColumn('duration_ms', 'bigint')
        .addColumn('run_ids', 'text', (c) => c.notNull())
        .addColumn('run_keys', 'text', (c) => c.notNull())
        .addColumn('skip_reason', 'text')
        .addColumn('cursor', 'text')
        .addColumn('error', 'text')
        .execute();
      await db.schema.createIndex('ticks_name_idx').on('ticks').columns(['name', 'id']).execute();

      await autoId(db, 'dynamic_partitions')
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('dynamic_partitions_key_idx')
        .on('dynamic_partitions')
        .columns(['name', 'key'])
        .unique()
        .execute();

      await db.schema
        .createTable('daemon_heartbeats')
        .addColumn('daemon_id', 'text', (c) => c.primaryKey())
        .addColumn('daemon_type', 'text', (c) => c.notNull())
        .addColumn('timestamp', 'bigint', (c) => c.notNull())
        .addColumn('info', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('leases')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('holder', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
    },
    async down(db) {
      for (const t of [
        'leases',
        'daemon_heartbeats',
        'dynamic_partitions',
        'ticks',
        'instigator_state',
        'materializations',
        'events',
        'run_tags',
        'runs',
      ]) {
        await db.schema.dropTable(t).ifExists().execute();
      }
    },
  };
}

/*
 * Tag filters list newest-first: with created_at copied into run_tags, one ordered range scan of
 * (key, value, created_at, run_id) yields the newest N runs with a tag, whether the tag is rare or common.
 */
const runTagsCreatedAt: Migration = {
  async up(db) {
    await db.schema
      .alterTable('run_tags')
      .addColumn('created_at', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
    await sql`update run_tags set created_at = (select r.created_at from runs r where r.run_id = run_tags.run_id)`.execute(
      db,
    );
    await db.schema
      .createIndex('run_tags_kv_created_idx')
      .on('run_tags')
      .columns(['key', 'value', 'created_at', 'run_id'])
      .execute();
  },
  async down(db) {
    await db.schema.dropIndex('run_tags_kv_created_idx').execute();
    await db.schema.alterTable('run_tags').dropColumn('created_at').execute();
  },
};

/*
 * The run queue counts the runs in progress on every pass. Every status change writes a new row version,
 * so a history of N ended runs leaves about 2N index entries under STARTING and STARTED in
 * runs_status_created_idx until a vacuum; a count through it (a bitmap scan, which never marks dead
 * entries) visits them all — on PostgreSQL about 3 ms a pass at 20,000 runs, most of the server's CPU on a
 * busy distributed queue. A partial index holds only in-progress row versions, so the count (and the run
 * monitor's list of runs in progress) costs what is in progress, not the history. SQLite updates rows in
 * place (no dead versions), so it gets no such index: it would only add a write to every status change.
 */
function runsInProgressIndex(dialect: Dialect): Migration {
  return {
    async up(db) {
      if (dialect !== 'postgres') return;
      await sql`create index runs_in_progress_idx on runs (created_at, run_id)
        where status in ('STARTING', 'STARTED', 'CANCELING')`.execute(db);
    },
    async down(db) {
      if (dialect !== 'postgres') return;
      await db.schema.dropIndex('runs_in_progress_idx').execute();
    },
  };
}

function migrationsFor(dialect: Dialect): Record<string, Migration> {
  return {
    '0001_initial': initial(dialect),
    '0002_run_tags_created_at': runTagsCreatedAt,
    '0003_runs_in_progress_index': runsInProgressIndex(dialect),
  };
}

/** The orchestrator's tables: runs, their events and tags, schedules/sensors state, daemons. */
export const ORCHESTRATOR_MIGRATIONS: MigrationSet = Object.freeze({
  owner: 'Orchestrator',
  migrationTable: 'orchestrator_migrations',
  tables: [
    'runs',
    'run_tags',
    'events',
    'materializations',
    'instigator_state',
    'ticks',
    'dynamic_partitions',
    'daemon_heartbeats',
    'leases',
  ],
  migrations: migrationsFor,
});

/** Applies pending orchestrator migrations. Idempotent; safe to call from several processes at once. */
export function migrateOrchestrator(handle: DatabaseHandle): Promise<void> {
  return applyMigrationSet(handle, ORCHESTRATOR_MIGRATIONS);
}
