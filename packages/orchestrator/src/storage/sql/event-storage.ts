import { type Kysely, sql } from 'kysely';
import type { AssetMaterialization, EventType, NewRunEvent, RunEvent } from '../../runs/types.ts';
import type { EventFilter, EventStorage } from '../types.ts';
import { insertEvents } from './event-writer.ts';
import { json, likeContains, toEvent, toMaterialization } from './rows.ts';
import type { SqliteHotPath } from './sqlite-hot-path.ts';
import type { OrchestratorTables } from './tables.ts';

type Db = Kysely<OrchestratorTables>;

const DEFAULT_TAIL_LIMIT = 1000;

/** The append-only event log and the materialization index derived from it. */
export class SqlEventStorage implements EventStorage {
  readonly #db: Db;
  readonly #hot: SqliteHotPath | null;
  constructor(db: Db, hot: SqliteHotPath | null = null) {
    this.#db = db;
    this.#hot = hot;
  }

  async appendEvents(events: readonly NewRunEvent[]): Promise<RunEvent[]> {
    if (events.length === 0) return [];
    return this.#db.transaction().execute((trx) => insertEvents(trx, events, this.#hot));
  }

  async listEvents(runId: string, filter: EventFilter = {}): Promise<RunEvent[]> {
    let q = this.#db.selectFrom('events').selectAll().where('run_id', '=', runId).orderBy('id', 'asc');
    if (filter.afterId !== undefined) q = q.where('id', '>', filter.afterId);
    if (filter.levels) q = q.where('level', 'in', filter.levels.length ? filter.levels : ['']);
    if (filter.types) q = q.where('type', 'in', filter.types.length ? filter.types : ['']);
    if (filter.stepKey !== undefined) q = q.where('step_key', '=', filter.stepKey);
    if (filter.search)
      q = q.where(sql<boolean>`lower(message) like ${likeContains(filter.search)} escape '\\'`);
    if (filter.limit !== undefined) q = q.limit(filter.limit);
    return (await q.execute()).map(toEvent);
  }

  async countEvents(runId: string): Promise<number> {
    const r = await this.#db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('run_id', '=', runId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async listEventsAfter(
    afterId: number,
    opts: { limit?: number; types?: readonly EventType[] } = {},
  ): Promise<RunEvent[]> {
    let q = this.#db
      .selectFrom('events')
      .selectAll()
      .where('id', '>', afterId)
      .orderBy('id', 'asc')
      .limit(opts.limit ?? DEFAULT_TAIL_LIMIT);
    if (opts.types) q = q.where('type', 'in', opts.types.length ? opts.types : ['']);
    return (await q.execute()).map(toEvent);
  }

  async maxEventId(): Promise<number> {
    const r = await this.#db
      .selectFrom('events')
      .select((eb) => eb.fn.max('id').as('m'))
      .executeTakeFirst();
    return r?.m === null || r?.m === undefined ? 0 : Number(r.m);
  }

  async addMaterialization(m: Omit<AssetMaterialization, 'id'>): Promise<AssetMaterialization> {
    const r = await this.#db
      .insertInto('materializations')
      .values({
        asset_key: m.assetKey,
        partition_key: m.partitionKey,
        run_id: m.runId,
        timestamp: m.timestamp,
        metadata: json(m.metadata ?? {}),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toMaterialization(r);
  }

  async listMaterializations(
    assetKey: string,
    opts: { partitionKey?: string | null; limit?: number; beforeId?: number } = {},
  ): Promise<AssetMaterialization[]> {
    let q = this.#db
      .selectFrom('materializations')
      .selectAll()
      .where('asset_key', '=', assetKey)
      .orderBy('id', 'desc');
    if (opts.partitionKey === null) q = q.where('partition_key', 'is', null);
    else if (opts.partitionKey !== undefined) q = q.where('partition_key', '=', opts.partitionKey);
    if (opts.beforeId !== undefined) q = q.where('id', '<', opts.beforeId);
    if (opts.limit !== undefined) q = q.limit(opts.limit);
    return (await q.execute()).map(toMaterialization);
  }

  async latestMaterializations(): Promise<Map<string, AssetMaterialization>> {
    const latest = this.#db
      .selectFrom('materializations')
      .select((eb) => eb.fn.max('id').as('id'))
      .groupBy('asset_key');
    const rows = await this.#db
      .selectFrom('materializations')
      .selectAll()
      .where('id', 'in', latest)
      .orderBy('asset_key')
      .execute();
    return new Map(rows.map((r) => [r.asset_key, toMaterialization(r)]));
  }

  async latestByPartition(assetKey: string): Promise<Map<string, AssetMaterialization>> {
    const latest = this.#db
      .selectFrom('materializations')
      .select((eb) => eb.fn.max('id').as('id'))
      .where('asset_key', '=', assetKey)
      .where('partition_key', 'is not', null)
      .groupBy('partition_key');
    const rows = await this.#db
      .selectFrom('materializations')
      .selectAll()
      .where('id', 'in', latest)
      .orderBy('partition_key')
      .execute();
    return new Map(rows.map((r) => [r.partition_key as string, toMaterialization(r)]));
  }

  async deleteEventsBefore(before: number): Promise<number> {
    const r = await this.#db.deleteFrom('events').where('timestamp', '<', before).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
