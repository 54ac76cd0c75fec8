import type { Kysely } from 'kysely';
import type { PartitionStorage } from '../types.ts';
import { chunks } from './rows.ts';
import type { OrchestratorTables } from './tables.ts';

type Db = Kysely<OrchestratorTables>;

/** Dynamic partition keys per partitions definition, in insertion order. */
export class SqlPartitionStorage implements PartitionStorage {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  async addPartitions(partitionsName: string, keys: readonly string[], now: number): Promise<string[]> {
    const unique = [...new Set(keys)];
    if (unique.length === 0) return [];
    return this.#db.transaction().execute(async (trx) => {
      const added: string[] = [];
      for (const batch of chunks(unique, 500)) {
        // DO NOTHING + RETURNING yields exactly the keys that were new, race-free.
        const rows = await trx
          .insertInto('dynamic_partitions')
          .values(batch.map((key) => ({ name: partitionsName, key, created_at: now })))
          .onConflict((oc) => oc.columns(['name', 'key']).doNothing())
          .returning('key')
          .execute();
        const fresh = new Set(rows.map((r) => r.key));
        added.push(...batch.filter((k) => fresh.has(k)));
      }
      return added;
    });
  }

  async listPartitions(partitionsName: string): Promise<string[]> {
    const rows = await this.#db
      .selectFrom('dynamic_partitions')
      .select('key')
      .where('name', '=', partitionsName)
      .orderBy('id')
      .execute();
    return rows.map((r) => r.key);
  }

  async deletePartition(partitionsName: string, key: string): Promise<boolean> {
    const r = await this.#db
      .deleteFrom('dynamic_partitions')
      .where('name', '=', partitionsName)
      .where('key', '=', key)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
