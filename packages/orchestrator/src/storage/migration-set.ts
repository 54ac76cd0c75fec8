import { type Kysely, type Migration, Migrator, sql } from 'kysely';
import { errorMessage, OrchestratorError } from '../errors.ts';
import type { DatabaseHandle } from './database.ts';

/**
 * One module's tables and the migrations that make them. Each owner (orchestrator, rag store,
 * monitoring, search index, bot, …) has its own set, with its own bookkeeping table, so sets never
 * collide; the composition root lists them all in one registry (cli/src/schema.ts).
 */
export interface MigrationSet {
  /** Who owns these tables, in words ("RAG store"). Shown in errors and `llm-rag-yt db tables`. */
  readonly owner: string;
  /** Kysely's bookkeeping table for this set; the lock table is `<migrationTable>_lock`. */
  readonly migrationTable: string;
  /** The tables this set creates: no other module writes them except through the owner's code. */
  readonly tables: readonly string[];
  /** What to check when a migration fails (appended to the error). */
  readonly hint?: string;
  migrations(dialect: DatabaseHandle['dialect']): Record<string, Migration>;
}

/** How long a migrator waits for another process that is migrating the same SQLite file. */
const SQLITE_LOCK_WAIT_MS = 60_000;

/**
 * Applies a set's pending migrations. Idempotent, and safe when several processes start at once:
 * - PostgreSQL: the bookkeeping tables live in the handle's schema (`?schema=`), so a second
 *   installation in another schema of the same database has its own; Kysely serialises the runs
 *   with an advisory lock (one wins, the others wait, then find nothing to do).
 * - SQLite: the whole set runs inside one `BEGIN IMMEDIATE` transaction, so one process migrates
 *   while the others wait (busy timeout, retried up to a minute) and then find nothing to do.
 */
export async function applyMigrationSet(handle: DatabaseHandle, set: MigrationSet): Promise<void> {
  let result: Awaited<ReturnType<Migrator['migrateToLatest']>>;
  try {
    if (handle.dialect === 'postgres') {
      result = await (await migratorFor(handle, set, handle.db)).migrateToLatest();
    } else {
      result = await handle.db
        .connection()
        .execute(async (db) =>
          withImmediateTransaction(db, async () => (await migratorFor(handle, set, db)).migrateToLatest()),
        );
    }
  } catch (cause) {
    result = { error: cause, results: undefined };
  }
  if (result.error) {
    const failed =
      result.results?.find((r) => r.status === 'Error')?.migrationName ?? '(before any migration)';
    throw new OrchestratorError(
      'STORAGE_ERROR',
      `${set.owner} migration ${failed} failed on ${handle.dialect}: ${errorMessage(result.error)}.` +
        (set.hint ? ` ${set.hint}` : ''),
      { cause: result.error },
    );
  }
}

/**
 * How many of a set's migrations this database has applied, of how many there are (for
 * `llm-rag-yt db tables`). Reads only: a database never migrated has applied none.
 */
export async function migrationSetStatus(
  handle: DatabaseHandle,
  set: MigrationSet,
): Promise<{ applied: number; total: number }> {
  const infos = await (await migratorFor(handle, set, handle.db)).getMigrations();
  return { applied: infos.filter((m) => m.executedAt !== undefined).length, total: infos.length };
}

async function migratorFor(handle: DatabaseHandle, set: MigrationSet, db: Kysely<any>): Promise<Migrator> {
  const options = {
    db,
    provider: { getMigrations: async () => set.migrations(handle.dialect) },
    migrationTableName: set.migrationTable,
    migrationLockTableName: `${set.migrationTable}_lock`,
  };
  if (handle.dialect !== 'postgres') return new Migrator(options);
  // Kysely's existence check scans every schema: pin ours, so another schema's table does not count.
  const schema = handle.schema ?? (await currentSchema(db));
  return new Migrator({ ...options, migrationTableSchema: schema });
}

async function currentSchema(db: Kysely<any>): Promise<string> {
  return (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s ?? 'public';
}

/** Runs `fn` on one SQLite connection inside BEGIN IMMEDIATE, waiting while another process writes. */
async function withImmediateTransaction<T>(db: Kysely<any>, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + SQLITE_LOCK_WAIT_MS;
  for (;;) {
    try {
      await sql`BEGIN IMMEDIATE`.execute(db);
      break;
    } catch (e) {
      // busy_timeout already waited a few seconds; keep waiting while the other migrator works.
      if ((e as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw e;
    }
  }
  try {
    const out = await fn();
    const failed = (out as { error?: unknown } | null)?.error !== undefined;
    await sql.raw(failed ? 'ROLLBACK' : 'COMMIT').execute(db);
    return out;
  } catch (e) {
    await sql`ROLLBACK`.execute(db).catch(() => {});
    throw e;
  }
}
