/*
 * Real databases for tests, the same way in every package: a temp SQLite file, or a fresh schema
 * of the local PostgreSQL server. Each test database is empty (callers migrate what they need) and
 * its cleanup removes everything it made.
 *
 *   const db = await openTestDatabase('postgres');
 *   afterAll(() => db.cleanup());
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DatabaseHandle, type OpenDatabaseOptions, openDatabase } from '@llm-rag-yt/orchestrator';
import { sql } from 'kysely';

export type Dialect = DatabaseHandle['dialect'];
export const DIALECTS: readonly Dialect[] = Object.freeze(['sqlite', 'postgres']);

/**
 * The PostgreSQL server tests use (trust auth); each test gets its own schema of this database.
 * One setting for every package: TEST_DATABASE_URL, default the local development server.
 */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || 'postgres://root@127.0.0.1:5432/test';

/** A schema name no other test uses: `<prefix>_<time>_<random>`. */
export function testSchemaName(prefix = 't'): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

/** DATABASE_URL of `schema` on the test server. */
export function postgresUrl(schema: string, base: string = TEST_DATABASE_URL): string {
  return `${base}${base.includes('?') ? '&' : '?'}schema=${schema}`;
}

/**
 * Drops a schema of the test server with everything in it: for tests whose processes create their
 * schema themselves (from `postgresUrl(testSchemaName())`).
 */
export async function dropTestSchema(schema: string): Promise<void> {
  const admin = await openDatabase(TEST_DATABASE_URL, { poolSize: 1 });
  try {
    await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(admin.db);
  } finally {
    await admin.close();
  }
}

export interface TestDatabase {
  readonly dialect: Dialect;
  /** DATABASE_URL of this database, e.g. for a child process or a second handle. */
  readonly url: string;
  readonly handle: DatabaseHandle;
  /** Another, independent handle on the same database (as a second process would have). */
  openPeer(opts?: OpenDatabaseOptions): Promise<DatabaseHandle>;
  /** Closes every handle opened here and deletes the file / drops the schema. Idempotent. */
  cleanup(): Promise<void>;
}

/** An empty database: a new SQLite file in a temp folder, or a new schema on the test server. */
export async function openTestDatabase(
  dialect: Dialect,
  opts: OpenDatabaseOptions & { prefix?: string } = {},
): Promise<TestDatabase> {
  const { prefix = 't', ...open } = opts;
  let url: string;
  let removeData: () => Promise<void>;
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
    url = `sqlite:${join(dir, 'state.db')}`;
    removeData = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const schema = testSchemaName(prefix);
    url = postgresUrl(schema);
    removeData = () => dropTestSchema(schema);
  }
  const handle = await openDatabase(url, open);
  const peers: DatabaseHandle[] = [];
  let cleaned: Promise<void> | undefined;
  return {
    dialect,
    url,
    handle,
    async openPeer(peerOpts = open) {
      const peer = await openDatabase(url, peerOpts);
      peers.push(peer);
      return peer;
    },
    cleanup() {
      cleaned ??= (async () => {
        for (const p of peers) await p.close();
        await handle.close();
        await removeData();
      })();
      return cleaned;
    },
  };
}
