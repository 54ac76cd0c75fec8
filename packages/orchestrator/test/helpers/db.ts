/*
 * The orchestrator's storage on the shared test databases (@llm-rag-yt/testing: a temp SQLite
 * file, or a fresh schema on the test PostgreSQL server). Each helper returns a migrated Storage
 * plus a cleanup that removes everything it made.
 *
 *   const t = await tempSqliteStorage();
 *   afterEach(() => t.cleanup());
 */

import { openTestDatabase, type TestDatabase } from '@llm-rag-yt/testing';
import type { DatabaseHandle } from '../../src/storage/database.ts';
import { createSqlStorage } from '../../src/storage/sql/sql-storage.ts';
import type { Storage } from '../../src/storage/types.ts';

export interface TempStorage {
  readonly storage: Storage;
  readonly handle: DatabaseHandle;
  /** DATABASE_URL of this database, e.g. for a child process or another module's storage. */
  readonly url: string;
  /** Another, independent connection to the same database (as a second process would have). */
  openPeer(): Promise<Storage>;
  /** Empties the orchestrator's tables (keeps the schema and id sequences), for reuse between tests. */
  truncate(): Promise<void>;
  /** Closes every connection opened here and deletes the file / drops the schema. Idempotent. */
  cleanup(): Promise<void>;
}

const TABLES = [
  'runs',
  'run_tags',
  'events',
  'materializations',
  'instigator_state',
  'ticks',
  'dynamic_partitions',
  'daemon_heartbeats',
  'leases',
] as const;

/** A migrated Storage on a new SQLite file in a temp folder. */
export async function tempSqliteStorage(): Promise<TempStorage> {
  return build(await openTestDatabase('sqlite', { prefix: 'orch-storage', poolSize: 4 }));
}

/** A migrated Storage in a new schema of the test PostgreSQL server that cleanup drops. */
export async function tempPostgresStorage(): Promise<TempStorage> {
  return build(await openTestDatabase('postgres', { prefix: 't', poolSize: 4 }));
}

async function build(db: TestDatabase): Promise<TempStorage> {
  const storage = createSqlStorage(db.handle);
  await storage.migrate();
  return {
    storage,
    handle: db.handle,
    url: db.url,
    async openPeer() {
      return createSqlStorage(await db.openPeer({ poolSize: 4 }));
    },
    async truncate() {
      // DELETE, not TRUNCATE: on tiny tables it is much faster and takes no exclusive locks.
      // Ids keep counting up; tests must not assume they start at 1.
      for (const t of TABLES) await db.handle.db.deleteFrom(t).execute();
    },
    cleanup: () => db.cleanup(),
  };
}
