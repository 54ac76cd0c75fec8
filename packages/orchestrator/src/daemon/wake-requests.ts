import { type Generated, type Kysely, sql } from 'kysely';
import type { DatabaseHandle, PostgresClientLike, PostgresLike } from '../storage/database.ts';
import { applyMigrationSet, type MigrationSet } from '../storage/migration-set.ts';
import { RUN_ENDED_PAYLOAD, wakeChannel } from '../storage/wake-channel.ts';

/** Why a subscriber is woken: a wake request row was inserted, or a run ended (a slot freed up). */
export type WakeReason = 'request' | 'run-ended';

/**
 * Cross-process wake-ups: the CLI, web server or bot insert a row and the leading daemon evaluates
 * the named sensor (or just the run queue) at once. The table works the same on SQLite and Postgres
 * and keeps a request that arrives while no daemon listens; on Postgres the insert also sends a
 * NOTIFY, so a subscribed daemon reacts within a round trip instead of polling every ~100 ms.
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
  /**
   * Postgres only (undefined on SQLite): calls `onWake` whenever a request is inserted anywhere, over
   * a dedicated LISTEN connection that reconnects by itself, and with 'run-ended' whenever runs reach
   * their end (the storage statement that ends them notifies, one notification per statement). Resolves
   * with the unsubscribe function once listening; `onWake('request')` also fires after a reconnect,
   * since requests may have arrived meanwhile.
   */
  subscribe?(
    onWake: (reason: WakeReason) => void,
    onError?: (e: unknown) => void,
  ): Promise<() => Promise<void>>;
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
  const pg = handle.dialect === 'postgres' ? handle.postgres : null;
  const channel = wakeChannel(handle.schema);
  const requests: WakeRequests = {
    async request(sensorName, now) {
      if (pg) {
        // Insert and notify in one statement (the notification is delivered when it commits).
        await sql`with r as (insert into daemon_wake_requests (sensor_name, created_at) values (${sensorName}, ${now}) returning id)
          select pg_notify(${channel}, '') from r`.execute(db);
        return;
      }
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
      // One statement: what it deletes is what it returns, so a request inserted meanwhile stays.
      const rows = await db.deleteFrom('daemon_wake_requests').returningAll().execute();
      return rows
        .sort((a, b) => Number(a.id) - Number(b.id))
        .map((r) => ({ sensorName: r.sensor_name, createdAt: Number(r.created_at) }));
    },
    migrate() {
      migrated ??= applyMigrationSet(handle, WAKE_REQUEST_MIGRATIONS);
      return migrated;
    },
  };
  if (pg) requests.subscribe = (onWake, onError) => listen(pg, channel, onWake, onError);
  return requests;
}

/** LISTEN on a pooled connection held for the subscription; reconnects with backoff when it drops. */
async function listen(
  pool: PostgresLike,
  channel: string,
  onWake: (reason: WakeReason) => void,
  onError: (e: unknown) => void = () => {},
): Promise<() => Promise<void>> {
  let client: PostgresClientLike | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | null = null;
  const connect = async (): Promise<void> => {
    const c = await pool.connect();
    c.on('notification', (m) => {
      if (m.channel === channel) onWake(m.payload === RUN_ENDED_PAYLOAD ? 'run-ended' : 'request');
    });
    c.on('error', (e) => {
      onError(e);
      c.release(e);
      if (client === c) client = null;
      schedule(500);
    });
    await c.query(`LISTEN "${channel}"`);
    if (closed) {
      c.release(true);
      return;
    }
    client = c;
  };
  const schedule = (ms: number) => {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = null;
      connect().then(
        () => onWake('request'),
        (e) => {
          onError(e);
          schedule(Math.min(ms * 2, 10_000));
        },
      );
    }, ms);
    retry.unref?.();
  };
  await connect();
  return async () => {
    closed = true;
    if (retry) clearTimeout(retry);
    const c = client;
    client = null;
    if (!c) return;
    try {
      await c.query(`UNLISTEN "${channel}"`);
      c.release();
    } catch (e) {
      c.release(e as Error);
    }
  };
}
