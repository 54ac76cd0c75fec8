import type { Kysely } from 'kysely';
import type { DatabaseHandle } from '../database.ts';
import type { Storage } from '../types.ts';
import { wakeChannel } from '../wake-channel.ts';
import { SqlDaemonStorage } from './daemon-storage.ts';
import { SqlEventStorage } from './event-storage.ts';
import { SqlInstigatorStorage } from './instigator-storage.ts';
import { migrateOrchestrator } from './migrations.ts';
import { SqlPartitionStorage } from './partition-storage.ts';
import { PostgresHotPath } from './postgres-hot-path.ts';
import { SqlRunStorage } from './run-storage.ts';
import { SqliteHotPath } from './sqlite-hot-path.ts';
import type { OrchestratorTables } from './tables.ts';

/**
 * The orchestrator's Storage over an open database (SQLite or Postgres, one code path).
 * `close()` closes the handle.
 *
 * @example
 * const storage = createSqlStorage(await openDatabase(config.databaseUrl));
 * await storage.migrate();
 * const { run, created } = await storage.runs.createRun({ jobName: 'ingest', runKey: 'video:abc' }, Date.now());
 */
export function createSqlStorage(handle: DatabaseHandle): Storage {
  const db = handle.db as Kysely<OrchestratorTables>;
  // The per-run statements skip Kysely on both dialects (see SqliteHotPath, PostgresHotPath).
  const hot = handle.sqlite ? new SqliteHotPath(handle.sqlite) : null;
  const pgHot = handle.postgres ? new PostgresHotPath(handle.postgres, wakeChannel(handle.schema)) : null;
  return Object.freeze({
    dialect: handle.dialect,
    runs: new SqlRunStorage(db, hot, pgHot),
    events: new SqlEventStorage(db, hot),
    instigators: new SqlInstigatorStorage(db),
    partitions: new SqlPartitionStorage(db),
    daemon: new SqlDaemonStorage(db),
    migrate: () => migrateOrchestrator(handle),
    close: () => handle.close(),
  });
}
