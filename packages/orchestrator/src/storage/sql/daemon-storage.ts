import type { Kysely } from 'kysely';
import type { DaemonHeartbeat, DaemonStorage } from '../types.ts';
import { json, toHeartbeat } from './rows.ts';
import type { OrchestratorTables } from './tables.ts';

type Db = Kysely<OrchestratorTables>;

/** Heartbeats of running processes and the leader lease. */
export class SqlDaemonStorage implements DaemonStorage {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  async heartbeat(hb: DaemonHeartbeat): Promise<void> {
    const row = { daemon_type: hb.daemonType, timestamp: hb.timestamp, info: json(hb.info ?? {}) };
    await this.#db
      .insertInto('daemon_heartbeats')
      .values({ daemon_id: hb.daemonId, ...row })
      .onConflict((oc) => oc.column('daemon_id').doUpdateSet(row))
      .execute();
  }

  async listHeartbeats(): Promise<DaemonHeartbeat[]> {
    const rows = await this.#db.selectFrom('daemon_heartbeats').selectAll().orderBy('daemon_id').execute();
    return rows.map(toHeartbeat);
  }

  async deleteHeartbeat(daemonId: string): Promise<void> {
    await this.#db.deleteFrom('daemon_heartbeats').where('daemon_id', '=', daemonId).execute();
  }

  async acquireLease(name: string, holder: string, now: number, ttlMs: number): Promise<boolean> {
    // One atomic upsert: take the lease if free, expired, or already ours; otherwise no row changes.
    const row = await this.#db
      .insertInto('leases')
      .values({ name, holder, expires_at: now + ttlMs })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet((eb) => ({
            holder: eb.ref('excluded.holder'),
            expires_at: eb.ref('excluded.expires_at'),
          }))
          .where((eb) => eb.or([eb('leases.holder', '=', holder), eb('leases.expires_at', '<=', now)])),
      )
      .returning('holder')
      .executeTakeFirst();
    return row?.holder === holder;
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    await this.#db.deleteFrom('leases').where('name', '=', name).where('holder', '=', holder).execute();
  }
}
