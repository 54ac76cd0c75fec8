import { POSTGRES_SEARCH_MIGRATIONS, SQLITE_SEARCH_MIGRATIONS } from '@llm-rag-yt/adapters';
import {
  applyMigrationSet,
  type DatabaseHandle,
  type MigrationSet,
  ORCHESTRATOR_MIGRATIONS,
  WAKE_REQUEST_MIGRATIONS,
} from '@llm-rag-yt/orchestrator';
import { MONITORING_MIGRATIONS, RAG_STORE_MIGRATIONS } from '@llm-rag-yt/rag';

/*
 * The one registry of an installation's tables: which module owns which table, and the order in
 * which their migration sets run. Each set keeps its own bookkeeping table in the same database
 * (and, on PostgreSQL, in the installation's own `?schema=`). Only the owner's code writes its
 * tables; other modules read them through the owner's interfaces (ports, stores).
 */

/** Every migration set of an installation, in the order they run. */
export async function migrationSets(
  dialect: DatabaseHandle['dialect'],
  opts: { bot: boolean },
): Promise<readonly MigrationSet[]> {
  const sets: MigrationSet[] = [
    ORCHESTRATOR_MIGRATIONS,
    WAKE_REQUEST_MIGRATIONS,
    RAG_STORE_MIGRATIONS,
    MONITORING_MIGRATIONS,
    dialect === 'postgres' ? POSTGRES_SEARCH_MIGRATIONS : SQLITE_SEARCH_MIGRATIONS,
  ];
  // The bot package (grammY) loads only in processes that run the bot.
  if (opts.bot) sets.push((await import('@llm-rag-yt/bot')).BOT_MIGRATIONS);
  return sets;
}

/** Runs every set's pending migrations, one set after the other. Safe from several processes at once. */
export async function migrateAll(handle: DatabaseHandle, opts: { bot: boolean }): Promise<void> {
  for (const set of await migrationSets(handle.dialect, opts)) await applyMigrationSet(handle, set);
}
