/*
 * Real databases for tests: a temp SQLite file, or a fresh Postgres schema on the local server.
 * Each helper returns a migrated Storage plus a cleanup that removes everything it made.
 *
 *   const t = await tempSqliteStorage();
 *   afterEach(() => t.cleanup());
 */

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_DATABASE_URL } from '@llm-rag-yt/testing';
import { sql } from 'kysely';
import { type DatabaseHandle, openDatabase } from '../../src/storage/database.ts';
import { createSqlStorage } from '../../src/storage/sql/sql-storage.ts';
import type { Storage } from '../../src/storage/types.ts';

/** The test server (trust auth). Schemas isolate test files from each other. */
export const POSTGRES_TEST_BASE_URL = TEST_DATABASE_URL; // one setting for every package (TEST_DATABASE_URL)

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
  const dir = mkdtempSync(join(tmpdir(), 'orch-storage-'));
  const url = `sqlite:${join(dir, 'state.db')}`;
  return build(url, async () => rmSync(dir, { recursive: true, force: true }));
}

/** A migrated Storage in a new Postgres schema (`t_<random>`) that cleanup drops. */
export async function tempPostgresStorage(baseUrl: string = POSTGRES_TEST_BASE_URL): Promise<TempStorage> {
  const schema = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const url = `${baseUrl}${baseUrl.includes('?') ? '&' : '?'}schema=${schema}`;
  return build(url, async () => {
    const admin = await openDatabase(baseUrl, { poolSize: 1 });
    try {
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(admin.db);
    } finally {
      await admin.close();
    }
  });
}

async function build(url: string, removeData: () => Promise<void>): Promise<TempStorage> {
  const handle = await openDatabase(url, { poolSize: 4 });
  const storage = createSqlStorage(handle);
  await storage.migrate();
  const peers: Storage[] = [];
  let cleaned: Promise<void> | undefined;
  return {
    storage,
    handle,
    url,
    async openPeer() {
      const peer = createSqlStorage(await openDatabase(url, { poolSize: 4 }));
      peers.push(peer);
      return peer;
    },
    async truncate() {
      // DELETE, not TRUNCATE: on tiny tables it is much faster and takes no exclusive locks.
      // Ids keep counting up; tests must not assume they start at 1.
      for (const t of TABLES) await handle.db.deleteFrom(t).execute();
    },
    cleanup() {
      cleaned ??= (async () => {
        for (const p of peers) await p.close();
        await storage.close();
        await removeData();
      })();
      return cleaned;
    },
  };
}
