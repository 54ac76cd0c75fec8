import type { Kysely } from 'kysely';
import type { NewRunEvent, RunEvent } from '../../runs/types.ts';
import { chunks, json } from './rows.ts';
import type { SqliteHotPath } from './sqlite-hot-path.ts';
import type { OrchestratorTables } from './tables.ts';

// 7 columns × 400 rows stays far below both dialects' bound-parameter limits.
const EVENT_CHUNK = 400;

/**
 * Inserts events in order inside the caller's transaction and returns them with ids.
 * ASSET_MATERIALIZATION events carrying `data.assetKey` also land in the materialization index,
 * so the executor writes one event and the catalog stays consistent with the log.
 */
export async function insertEvents(
  trx: Kysely<OrchestratorTables>,
  events: readonly NewRunEvent[],
  /** SQLite: prepared statements instead of Kysely (the caller's transaction owns the connection). */
  hot: SqliteHotPath | null = null,
): Promise<RunEvent[]> {
  if (hot) return hot.insertEvents(events);
  const out: RunEvent[] = [];
  for (const batch of chunks(events, EVENT_CHUNK)) {
    const rows = await trx
      .insertInto('events')
      .values(
        batch.map((e) => ({
          run_id: e.runId,
          timestamp: e.timestamp,
          type: e.type,
          level: e.level,
          step_key: e.stepKey,
          message: e.message,
          data: e.data === null || e.data === undefined ? null : json(e.data),
        })),
      )
      .returning('id')
      .execute();
    // Ids of one multi-row insert ascend in VALUES order; RETURNING order itself is not promised.
    const ids = rows.map((r) => Number(r.id)).sort((a, b) => a - b);
    batch.forEach((e, i) => {
      out.push(Object.freeze({ ...e, data: e.data ?? null, id: ids[i]! }));
    });
  }
  const materializations = out.filter(
    (e) => e.type === 'ASSET_MATERIALIZATION' && typeof e.data?.assetKey === 'string',
  );
  for (const batch of chunks(materializations, EVENT_CHUNK)) {
    await trx
      .insertInto('materializations')
      .values(
        batch.map((e) => ({
          asset_key: e.data!.assetKey as string,
          partition_key: typeof e.data!.partitionKey === 'string' ? e.data!.partitionKey : null,
          run_id: e.runId,
          timestamp: e.timestamp,
          metadata: json(e.data!.metadata ?? {}),
        })),
      )
      .execute();
  }
  return out;
}
