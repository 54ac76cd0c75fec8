import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Distinct SQL texts kept prepared; `in (…)` lists of many lengths make the set open-ended. */
const DEFAULT_CAPACITY = 300;

/**
 * The database Kysely's SqliteDialect talks to, with prepared statements reused by SQL text.
 * Kysely prepares every query afresh; with better-sqlite3 that compile costs about as much as running
 * the short queries the run queue and executor issue, so reusing statements halves their cost.
 * Least-recently-used statements are dropped past `capacity`. A statement still being iterated
 * (a streaming select) is busy, so a concurrent use of the same text gets a fresh one.
 */
export function cachingSqliteDatabase(
  raw: BetterSqlite3.Database,
  capacity = DEFAULT_CAPACITY,
): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    prepare(sql: string): SqliteStatement {
      const hit = cache.get(sql);
      if (hit) {
        if (hit.busy) return raw.prepare(sql);
        // Re-insert: Map iteration order is insertion order, so the first key is the least recent.
        cache.delete(sql);
        cache.set(sql, hit);
        return hit;
      }
      const stmt = raw.prepare(sql);
      cache.set(sql, stmt);
      if (cache.size > capacity) cache.delete(cache.keys().next().value as string);
      return stmt;
    },
    close(): void {
      cache.clear();
      raw.close();
    },
  };
}
