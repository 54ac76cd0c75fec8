import type { Selectable } from 'kysely';
import type { NewRunEvent, RunEvent, RunStatus } from '../../runs/types.ts';
import type { SqliteLike, SqliteStatementLike } from '../database.ts';
import { json } from './rows.ts';
import type { OrchestratorTables, RunsTable } from './tables.ts';

type RunSet = Partial<OrchestratorTables['runs']>;

/**
 * The statements every run issues (status compare-and-set, event inserts) as prepared better-sqlite3
 * statements, skipping Kysely's query building and compiling — on SQLite that was a third of a short
 * run's cost. Same SQL semantics as the Kysely path (the one contract suite runs over this on SQLite).
 *
 * Synchronous, so the caller must own the connection: inside a Kysely transaction callback, or inside
 * `db.connection().execute(…)`, which holds the single SQLite connection's mutex; otherwise these
 * statements could land inside a transaction Kysely has open on the shared connection.
 */
export class SqliteHotPath {
  readonly #raw: SqliteLike;
  readonly #statements = new Map<string, SqliteStatementLike>();

  constructor(raw: SqliteLike) {
    this.#raw = raw;
  }

  /** `update runs set … where run_id = ? and status in (…) returning *`; undefined when the CAS missed. */
  transitionRun(
    runId: string,
    from: readonly RunStatus[],
    set: RunSet,
    attempt?: number,
  ): Selectable<RunsTable> | undefined {
    const columns = Object.keys(set) as (keyof RunSet)[];
    const withAttempt = attempt !== undefined;
    const key = `transition:${columns.join(',')}:${from.length}:${withAttempt}`;
    const stmt = this.#statement(
      key,
      () =>
        `update "runs" set ${columns.map((c) => `"${c}" = ?`).join(', ')} where "run_id" = ? and "status" in (${from.map(() => '?').join(', ')})${withAttempt ? ' and "attempt" = ?' : ''} returning *`,
    );
    const params = [...columns.map((c) => set[c] ?? null), runId, ...from];
    if (withAttempt) params.push(attempt);
    return stmt.get(...params) as Selectable<RunsTable> | undefined;
  }

  /** Inserts events in order (ids ascend with it) and indexes materialization events, like `insertEvents`. */
  insertEvents(events: readonly NewRunEvent[]): RunEvent[] {
    const insert = this.#statement(
      'events',
      () =>
        'insert into "events" ("run_id", "timestamp", "type", "level", "step_key", "message", "data") values (?, ?, ?, ?, ?, ?, ?)',
    );
    const out: RunEvent[] = [];
    for (const e of events) {
      const data = e.data === null || e.data === undefined ? null : json(e.data);
      const { lastInsertRowid } = insert.run(
        e.runId,
        e.timestamp,
        e.type,
        e.level,
        e.stepKey ?? null,
        e.message,
        data,
      );
      out.push(Object.freeze({ ...e, data: e.data ?? null, id: Number(lastInsertRowid) }));
    }
    for (const e of out) {
      if (e.type !== 'ASSET_MATERIALIZATION' || typeof e.data?.assetKey !== 'string') continue;
      this.#statement(
        'materialization',
        () =>
          'insert into "materializations" ("asset_key", "partition_key", "run_id", "timestamp", "metadata") values (?, ?, ?, ?, ?)',
      ).run(
        e.data.assetKey,
        typeof e.data.partitionKey === 'string' ? e.data.partitionKey : null,
        e.runId,
        e.timestamp,
        json(e.data.metadata ?? {}),
      );
    }
    return out;
  }

  /** Runs `fn` in a transaction (a savepoint when one is already open); rolls back if it throws. */
  transaction<T>(fn: () => T): T {
    return this.#raw.transaction(fn)();
  }

  #statement(key: string, build: () => string): SqliteStatementLike {
    let stmt = this.#statements.get(key);
    if (!stmt) {
      stmt = this.#raw.prepare(build());
      this.#statements.set(key, stmt);
    }
    return stmt;
  }
}
