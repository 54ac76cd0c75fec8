import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { errorMessage, OrchestratorError } from '../errors.ts';
import { type DatabaseTarget, parseDatabaseUrl } from './database-url.ts';
import {
  SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES,
  startWalCheckpointer,
  WAL_SAFETY_NET_PAGES,
  type WalCheckpointer,
} from './sqlite-checkpointer.ts';
import { cachingSqliteDatabase } from './sqlite-statement-cache.ts';

/**
 * The few better-sqlite3 methods we use, declared here so vendor types stay out of our API
 * (other modules load sqlite-vec or run FTS5 statements through this).
 */
export interface SqliteLike {
  loadExtension(path: string): unknown;
  prepare(sql: string): SqliteStatementLike;
  exec(sql: string): unknown;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  transaction<F extends (...args: never[]) => unknown>(fn: F): F;
}

export interface SqliteStatementLike {
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

/**
 * The few node-postgres pool methods the hot path and LISTEN use, declared here like SqliteLike so
 * vendor types stay out of our API.
 */
export interface PostgresLike {
  query(q: { name?: string; text: string; values?: unknown[] }): Promise<{ rows: unknown[] }>;
  connect(): Promise<PostgresClientLike>;
}

export interface PostgresClientLike {
  query(text: string, values?: unknown[]): Promise<unknown>;
  on(event: 'notification', listener: (m: { channel: string; payload?: string }) => void): unknown;
  on(event: 'error', listener: (e: Error) => void): unknown;
  release(destroy?: boolean | Error): void;
}

/** An open database: the Kysely instance every storage module shares, plus the raw handle for SQLite. */
export interface DatabaseHandle {
  readonly dialect: 'sqlite' | 'postgres';
  readonly db: Kysely<any>;
  /** The raw SQLite connection (extensions, FTS5); null on Postgres. */
  readonly sqlite: SqliteLike | null;
  /**
   * A raw Postgres pool of its own (prepared hot-path statements, LISTEN/NOTIFY; generic plans, see
   * openPostgres); null on SQLite.
   */
  readonly postgres: PostgresLike | null;
  /** Postgres schema from `?schema=`; null when not given (search_path default) or on SQLite. */
  readonly schema: string | null;
  /** Closes the connection / pool (a shared SQLite connection when its last handle closes). Idempotent. */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** Paths of SQLite extensions to load (e.g. sqlite-vec). Ignored on Postgres. */
  sqliteExtensions?: readonly string[];
  /** Postgres pool size. Default 10. */
  poolSize?: number;
  /** Postgres connect timeout in ms. Default 10 000. */
  connectTimeoutMs?: number;
}

/**
 * Opens the database named by a DATABASE_URL.
 *
 * @example
 * const handle = await openDatabase('sqlite:/var/lib/llm-rag-yt/state.db');
 * const storage = createSqlStorage(handle);
 * await storage.migrate();
 */
export async function openDatabase(url: string, opts: OpenDatabaseOptions = {}): Promise<DatabaseHandle> {
  const target = parseDatabaseUrl(url);
  return target.dialect === 'sqlite' ? openSqlite(target.filename, opts) : openPostgres(target, opts);
}

/*
 * better-sqlite3 is synchronous: a second connection to the same file in the same process would
 * wait for the write lock *on the event loop* while the first connection's transaction needs that
 * loop to finish — a self-deadlock until busy_timeout. So within one process every open of a file
 * shares one connection (Kysely serializes its users), reference-counted until the last close.
 */
interface SharedSqlite {
  raw: BetterSqlite3.Database;
  checkpointer: WalCheckpointer | null;
  db: Kysely<unknown>;
  refs: number;
  loaded: Set<string>;
}
const sharedSqlite = new Map<string, SharedSqlite>();

function openSqlite(filename: string, opts: OpenDatabaseOptions): DatabaseHandle {
  const key = filename === ':memory:' ? undefined : filename;
  let shared = key ? sharedSqlite.get(key) : undefined;
  if (!shared) {
    const raw = connectSqlite(filename);
    shared = {
      raw,
      checkpointer: key ? offThreadCheckpoints(raw, filename) : null,
      db: new Kysely<unknown>({ dialect: new SqliteDialect({ database: cachingSqliteDatabase(raw) }) }),
      refs: 0,
      loaded: new Set(),
    };
    if (key) sharedSqlite.set(key, shared);
  }
  const conn = shared;
  for (const ext of opts.sqliteExtensions ?? []) {
    if (conn.loaded.has(ext)) continue;
    try {
      conn.raw.loadExtension(ext);
      conn.loaded.add(ext);
    } catch (cause) {
      if (conn.refs === 0) {
        if (key) sharedSqlite.delete(key);
        void conn.checkpointer?.stop();
        conn.raw.close();
      }
      throw new OrchestratorError(
        'STORAGE_ERROR',
        `Cannot load SQLite extension '${ext}': ${errorMessage(cause)}`,
        {
          cause,
        },
      );
    }
  }
  conn.refs++;
  return makeHandle('sqlite', conn.db, conn.raw as unknown as SqliteLike, null, null, async () => {
    conn.refs--;
    if (conn.refs > 0) return;
    if (key) sharedSqlite.delete(key);
    await conn.checkpointer?.stop();
    await conn.db.destroy();
  });
}

function connectSqlite(filename: string): BetterSqlite3.Database {
  let raw: BetterSqlite3.Database;
  try {
    if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true });
    raw = new BetterSqlite3(filename);
  } catch (cause) {
    throw new OrchestratorError(
      'STORAGE_ERROR',
      `Cannot open SQLite database '${filename}': ${errorMessage(cause)}. Check that the folder is writable.`,
      { cause },
    );
  }
  // WAL lets the web server read while the daemon writes; NORMAL is durable enough under WAL.
  raw.pragma('journal_mode = WAL');
  raw.pragma('busy_timeout = 5000');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  return raw;
}

function offThreadCheckpoints(raw: BetterSqlite3.Database, filename: string): WalCheckpointer {
  raw.pragma(`wal_autocheckpoint = ${WAL_SAFETY_NET_PAGES}`);
  return startWalCheckpointer(filename, () => {
    // The worker is gone: checkpoint on this thread again, as SQLite does by default.
    try {
      raw.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES}`);
    } catch {
      // Already closed.
    }
  });
}

async function openPostgres(
  target: Extract<DatabaseTarget, { dialect: 'postgres' }>,
  opts: OpenDatabaseOptions,
): Promise<DatabaseHandle> {
  // Loaded only for PostgreSQL, so SQLite (the default) never pays for loading the driver.
  const pg = createRequire(import.meta.url)('pg') as typeof import('pg');
  // Counts and bigint timestamps arrive as strings by default; our ms timestamps fit in a double.
  const types = new pg.TypeOverrides();
  types.setTypeParser(20, (v: string) => Number(v));
  types.setTypeParser(1700, (v: string) => Number(v));
  // Set at connection startup, so every pooled connection sees the schema without an extra query.
  const searchPath = target.schema ? `-c search_path=${target.schema}` : '';
  const newPool = (options: string) => {
    const p = new pg.Pool({
      connectionString: target.connectionString,
      max: opts.poolSize ?? 10,
      connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
      types,
      ...(options ? { options } : {}),
    });
    // An idle client losing its server must not crash the process; the next query reports it.
    p.on('error', () => {});
    return p;
  };
  const pool = newPool(searchPath);
  // The hot path's named statements (and LISTEN) get a pool of their own whose sessions always use a
  // statement's generic plan: their unnest'ed arrays change length every time, so Postgres' default
  // would plan each execution anew (custom plans look cheaper for short arrays) — most of the
  // server's CPU per run. Kysely's unnamed statements stay on the main pool with per-execution plans.
  // No bitmap scans there either: the hot statements are key lookups and ordered index reads, and a
  // bitmap scan never marks the dead row versions it visits, so the run queue's in-progress count
  // re-visited every ended run's old versions on each pass (about 3 ms at 20,000 runs without a vacuum);
  // a plain index scan marks them once and skips them after.
  // Connections open on demand: the hot path holds one or two at a time.
  const hotPool = newPool(
    `${searchPath} -c plan_cache_mode=force_generic_plan -c enable_bitmapscan=off`.trim(),
  );
  try {
    const client = await pool.connect();
    try {
      if (target.schema)
        await client.query(`CREATE SCHEMA IF NOT EXISTS "${target.schema}"`).catch((e: { code?: string }) => {
          // Processes starting together race on IF NOT EXISTS; the loser sees the winner's schema.
          if (e?.code !== '23505' && e?.code !== '42P06') throw e;
        });
    } finally {
      client.release();
    }
  } catch (cause) {
    await pool.end().catch(() => {});
    await hotPool.end().catch(() => {});
    const code = (cause as { code?: string }).code;
    throw new OrchestratorError(
      'STORAGE_ERROR',
      `Cannot connect to PostgreSQL at ${target.display}: ${code ? `${code} ` : ''}${safeMessage(cause)}. Check that the server is running and DATABASE_URL is right.`,
      { cause },
    );
  }
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  return makeHandle('postgres', db, null, hotPool as unknown as PostgresLike, target.schema, async () => {
    await Promise.all([db.destroy(), hotPool.end()]);
  });
}

function safeMessage(cause: unknown): string {
  // pg messages name users and hosts, never passwords; strip any URL-embedded secret anyway.
  return errorMessage(cause).replace(/(\/\/[^:/@]*:)[^@]*@/g, '$1***@');
}

function makeHandle(
  dialect: 'sqlite' | 'postgres',
  db: Kysely<unknown>,
  sqlite: SqliteLike | null,
  postgres: PostgresLike | null,
  schema: string | null,
  release: () => Promise<void>,
): DatabaseHandle {
  let closing: Promise<void> | undefined;
  return Object.freeze({
    dialect,
    db: db as Kysely<any>,
    sqlite,
    postgres,
    schema,
    close() {
      closing ??= release();
      return closing;
    },
  });
}
