import type { Kysely } from 'kysely';
import type { DefaultStatus } from '../../definitions/types.ts';
import type { InstigatorState, InstigatorStorage, Tick, TickStatus } from '../types.ts';
import { json, toInstigatorState, toTick } from './rows.ts';
import type { OrchestratorTables } from './tables.ts';

type Db = Kysely<OrchestratorTables>;

/** Sensor/schedule state (on/off, cursor, last tick) and capped tick history. */
export class SqlInstigatorStorage implements InstigatorStorage {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  async getState(name: string): Promise<InstigatorState | undefined> {
    const r = await this.#db
      .selectFrom('instigator_state')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    return r ? toInstigatorState(r) : undefined;
  }

  async listStates(): Promise<InstigatorState[]> {
    const rows = await this.#db.selectFrom('instigator_state').selectAll().orderBy('name').execute();
    return rows.map(toInstigatorState);
  }

  async setState(
    name: string,
    kind: 'sensor' | 'schedule',
    patch: { status?: DefaultStatus | null; cursor?: string | null; lastTickAt?: number | null },
    now: number,
  ): Promise<InstigatorState> {
    // Single-statement upsert: concurrent writers to different fields never lose each other's update.
    const update: Partial<OrchestratorTables['instigator_state']> = { kind, updated_at: now };
    if (patch.status !== undefined) update.status = patch.status;
    if (patch.cursor !== undefined) update.cursor = patch.cursor;
    if (patch.lastTickAt !== undefined) update.last_tick_at = patch.lastTickAt;
    const r = await this.#db
      .insertInto('instigator_state')
      .values({
        name,
        kind,
        status: patch.status ?? null,
        cursor: patch.cursor ?? null,
        last_tick_at: patch.lastTickAt ?? null,
        updated_at: now,
      })
      .onConflict((oc) => oc.column('name').doUpdateSet(update))
      .returningAll()
      .executeTakeFirstOrThrow();
    return toInstigatorState(r);
  }

  async addTick(tick: Omit<Tick, 'id'>): Promise<Tick> {
    const r = await this.#db
      .insertInto('ticks')
      .values({
        name: tick.name,
        kind: tick.kind,
        status: tick.status,
        timestamp: tick.timestamp,
        duration_ms: tick.durationMs,
        run_ids: json(tick.runIds ?? []),
        run_keys: json(tick.runKeys ?? []),
        skip_reason: tick.skipReason,
        cursor: tick.cursor,
        error: tick.error ? json(tick.error) : null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toTick(r);
  }

  async listTicks(
    name: string,
    opts: { limit?: number; statuses?: readonly TickStatus[] } = {},
  ): Promise<Tick[]> {
    let q = this.#db.selectFrom('ticks').selectAll().where('name', '=', name).orderBy('id', 'desc');
    if (opts.statuses) q = q.where('status', 'in', opts.statuses.length ? opts.statuses : ['']);
    if (opts.limit !== undefined) q = q.limit(opts.limit);
    return (await q.execute()).map(toTick);
  }

  /** Drops ticks beyond the newest `keepPerInstigator` of each instigator, and any tick older than `before`. */
  async pruneTicks(opts: { keepPerInstigator: number; before?: number }): Promise<number> {
    let deleted = 0;
    const keep = Math.max(0, Math.floor(opts.keepPerInstigator));
    const names = await this.#db.selectFrom('ticks').select('name').distinct().execute();
    for (const { name } of names) {
      // The (name, id) index finds the oldest tick to keep without scanning other instigators.
      const boundary =
        keep === 0
          ? undefined
          : await this.#db
              .selectFrom('ticks')
              .select('id')
              .where('name', '=', name)
              .orderBy('id', 'desc')
              .offset(keep - 1)
              .limit(1)
              .executeTakeFirst();
      if (keep > 0 && !boundary) continue;
      let q = this.#db.deleteFrom('ticks').where('name', '=', name);
      if (boundary) q = q.where('id', '<', Number(boundary.id));
      deleted += Number((await q.executeTakeFirst()).numDeletedRows);
    }
    if (opts.before !== undefined) {
      const r = await this.#db.deleteFrom('ticks').where('timestamp', '<', opts.before).executeTakeFirst();
      deleted += Number(r.numDeletedRows);
    }
    return deleted;
  }
}
