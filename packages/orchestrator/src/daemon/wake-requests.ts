import { type Generated, type Kysely, sql } from 'kysely';
import type { DatabaseHandle } from '../storage/database.ts';
import { applyMigrationSet, type MigrationSet } from '../storage/migration-set.ts';

/**
 * Cross-process wake-ups: the CLI, web server or bot insert a row, the leading daemon polls the
 * table every ~100 ms and evaluates the named sensor (or just the run queue) at once. A table
 * instead of LISTEN/NOTIFY or Redis works the same on SQLite and Postgres.
 */
export interface WakeRequests {
  /** `sensorName` null = no sensor, just look at the run queue now. */
  request(sensorName: string | null, now: number): Promise<void>;
  /** True when a request is waiting (cheap; polled by the daemon's idle wait). */
  hasPending(): Promise<boolean>;
  /** Removes and returns all waiting requests, oldest first. */
  take(): Promise<{ sensorName: string | null; createdAt: number }[]>;
  /** Creates the table (own migration set, tracked in `daemon_migrations`). Idempotent. */
  migrate(): Promise<void>;
}

interface WakeTables {
  daemon_wake_requests: { id: Generated<number>; sensor_name: string | null; created_at: number };
}

/** The daemon's wake-up table (its own set, so it can be added to any installation). */
export const WAKE_REQUEST_MIGRATIONS: MigrationSet = Object.freeze({
  owner: 'Daemon wake-ups',
  migrationTable: 'daemon_migrations',
  tables: ['daemon_wake_requests'],
  migrations: (dialect: DatabaseHandle['dialect']) => ({
    '0001_wake_requests': {
      async up(k: Kysely<any>) {
        await k.schema
          .createTable('daemon_wake_requests')
          .ifNotExists()
          .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
            dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
          )
          .addColumn('sensor_name', 'text')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
      },
    },
  }),
});

/** @example const wakes = createWakeRequests(handle); await wakes.migrate(); */
export function createWakeRequests(handle: DatabaseHandle): WakeRequests {
  const db = handle.db as Kysely<WakeTables>;
  let migrated: Promise<void> | undefined;
  return {
    async request(sensorName, now) {
      await db
        .insertInto('daemon_wake_requests')
        .values({ sensor_name: sensorName, created_at: now })
        .execute();
    },
    async hasPending() {
      const row = await db
        .selectFrom('daemon_wake_requests')
        .select(sql<number>`1`.as('x'))
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },
    async take() {
      const rows = await db.selectFrom('daemon_wake_requests').selectAll().orderBy('id').execute();
      if (rows.length === 0) return [];
      await db
        .deleteFrom('daemon_wake_requests')
        .where('id', '<=', Number(rows[rows.length - 1]!.id))
        .execute();
      return rows.map((r) => ({ sensorName: r.sensor_name, createdAt: Number(r.created_at) }));
    },
    migrate() {
      migrated ??= applyMigrationSet(handle, WAKE_REQUEST_MIGRATIONS);
      return migrated;
    },
  };
}
