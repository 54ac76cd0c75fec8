import type { Selectable } from 'kysely';
import { isTerminal } from '../../runs/status-machine.ts';
import { IN_PROGRESS_STATUSES, type NewRunEvent, type RunStatus } from '../../runs/types.ts';
import type { PostgresLike } from '../database.ts';
import { RUN_ENDED_PAYLOAD } from '../wake-channel.ts';
import { json } from './rows.ts';
import type { OrchestratorTables, RunsTable } from './tables.ts';

type RunSet = Partial<OrchestratorTables['runs']>;
type RunRow = Selectable<RunsTable>;

/** Column types of what a status change may set (see statusSet in run-storage.ts). */
const SET_TYPES: Partial<Record<keyof RunsTable, string>> = {
  status: 'text',
  updated_at: 'bigint',
  worker_id: 'text',
  started_at: 'bigint',
  ended_at: 'bigint',
  error: 'text',
  attempt: 'int',
};

/**
 * Statements in flight at once per process; later changes join the next one. One: each statement is a
 * commit (on a small machine ~0.3 ms of server CPU and a WAL flush of a few ms, whatever its size), so
 * under load the batch grows instead of the number of commits.
 */
const MAX_IN_FLIGHT = 1;

/** One status change of a batch: the run, what to set, its events, and the attempt the CAS requires. */
interface Change {
  readonly runId: string;
  readonly set: RunSet;
  readonly events: readonly NewRunEvent[];
  readonly attempt: number | undefined;
}

interface Pending extends Change {
  readonly shape: Shape;
  readonly resolve: (row: RunRow | undefined) => void;
  readonly reject: (error: unknown) => void;
}

/** What a group of changes in a statement shares: the columns set, the CAS, whether events go along. */
interface Shape {
  readonly key: string;
  readonly columns: (keyof RunSet)[];
  readonly from: readonly RunStatus[];
  readonly withAttempt: boolean;
  readonly withEvents: boolean;
}

interface Group {
  readonly shape: Shape;
  readonly changes: readonly Change[];
}

/**
 * The per-run status changes on PostgreSQL (start, finish with its events), as single prepared
 * statements on the pool instead of Kysely transactions — on the distributed path a run's cost was
 * mostly client CPU, round trips and commits.
 *
 * - One statement per batch: data-modifying CTEs update the runs (the compare-and-set) and insert their
 *   events and materialization rows only for the runs whose CAS matched — atomic without BEGIN/COMMIT.
 * - Natural batching: a change is sent at once while fewer than MAX_IN_FLIGHT statements are running;
 *   otherwise it waits for one to finish and goes with every change that arrived meanwhile, whatever
 *   its shape (a worker's starts and finishes share one statement and one commit), over `unnest`ed
 *   arrays. No added latency when idle; fewer round trips and commits under load.
 *   Each caller still gets its own CAS result (the row returned for its run, or undefined), and its
 *   promise resolves only after the statement committed: nothing is reported written that is not.
 *   A run appears at most once per batch, so two racing changes of one run stay a real CAS (and no
 *   statement updates a row twice).
 */
export class PostgresHotPath {
  readonly #pool: PostgresLike;
  readonly #channel: string;
  readonly #shapes = new Map<string, Shape>();
  #waiting: Pending[] = [];
  #inFlight = 0;

  /** `channel`: where a statement that ends runs notifies (the daemon's wake-up channel, see wakeChannel). */
  constructor(pool: PostgresLike, channel: string) {
    this.#pool = pool;
    this.#channel = channel;
  }

  /** Moves the run if its status is in `from` (and it is at `attempt`, if given); undefined when the CAS missed. */
  transitionRun(
    runId: string,
    from: readonly RunStatus[],
    set: RunSet,
    events: readonly NewRunEvent[],
    attempt?: number,
  ): Promise<RunRow | undefined> {
    const shape = this.#shape(set, from, attempt !== undefined, events.length > 0, false);
    return new Promise((resolve, reject) => {
      this.#waiting.push({ runId, set, events, attempt, shape, resolve, reject });
      this.#pump();
    });
  }

  #shape(set: RunSet, from: readonly RunStatus[], withAttempt: boolean, withEvents: boolean, claim: boolean) {
    const columns = (Object.keys(set) as (keyof RunSet)[]).sort();
    const key = `${claim ? 'claim|' : ''}${columns.join(',')}|${from.join(',')}|${withAttempt}|${withEvents}`;
    let shape = this.#shapes.get(key);
    if (!shape) {
      for (const c of columns) {
        if (!SET_TYPES[c]) throw new Error(`PostgresHotPath cannot set column '${c}'`);
      }
      shape = Object.freeze({ key, columns, from, withAttempt, withEvents });
      this.#shapes.set(key, shape);
    }
    return shape;
  }

  /**
   * A new run with its tags and RUN_ENQUEUED event in one statement; undefined when its run key is taken
   * (nothing is written then).
   */
  async createRun(
    row: RunsTable,
    tags: Readonly<Record<string, string>>,
    event: NewRunEvent,
  ): Promise<RunRow | undefined> {
    const cols = Object.keys(row) as (keyof RunsTable)[];
    const values: unknown[] = cols.map((c) => row[c]);
    const p = (v: unknown) => {
      values.push(v);
      return `$${values.length}`;
    };
    const entries = Object.entries(tags);
    const text = `with ins as (
        insert into "runs" (${cols.map((c) => `"${c}"`).join(', ')})
        values (${cols.map((_, i) => `$${i + 1}`).join(', ')})
        on conflict ("run_key") do nothing
        returning *
      ),
      tags as (
        insert into "run_tags" ("run_id", "key", "value", "created_at")
        select ins.run_id, t.key, t.value, ins.created_at
        from ins, unnest(${p(entries.map(([k]) => k))}::text[], ${p(entries.map(([, v]) => String(v)))}::text[]) as t(key, value)
        returning 1
      ),
      ev as (
        insert into "events" ("run_id", "timestamp", "type", "level", "step_key", "message", "data")
        select ins.run_id, ${p(event.timestamp)}::bigint, ${p(event.type)}, ${p(event.level)}, null, ${p(event.message)}, ${p(json(event.data))}
        from ins
        returning 1
      )
      select * from ins`;
    const r = await this.#pool.query({ name: statementName(`create|${cols.join(',')}`), text, values });
    return r.rows[0] as RunRow | undefined;
  }

  /**
   * The run queue's claim in one statement: moves each run still in `from` at the attempt it was read
   * with, and inserts the given events (made beforehand) only for the runs that moved.
   */
  async claimRuns(
    runs: readonly { runId: string; attempt: number }[],
    from: readonly RunStatus[],
    set: RunSet,
    events: readonly NewRunEvent[],
  ): Promise<RunRow[]> {
    const shape = this.#shape(set, from, true, events.length > 0, true);
    // The events ride on the first change: #execute inserts them only for the runs that moved.
    const changes: Change[] = runs.map((r, i) => ({
      runId: r.runId,
      set,
      events: i === 0 ? events : [],
      attempt: r.attempt,
    }));
    return this.#execute([{ shape, changes }]);
  }

  /**
   * The run queue's reads, asked on every pass: prepared like the status changes (Kysely would build
   * and Postgres plan them anew each time).
   */
  async countRunsIn(statuses: readonly RunStatus[]): Promise<number> {
    if (isInProgressSet(statuses)) {
      // Literal statuses, so the planner can prove the partial index runs_in_progress_idx applies (an
      // array parameter in a generic plan cannot): the count costs the runs in progress, not the history.
      const r = await this.#pool.query({
        name: 'orch_count_in_progress',
        text: COUNT_IN_PROGRESS,
        values: [],
      });
      return Number((r.rows[0] as { n: number }).n);
    }
    const r = await this.#pool.query({
      name: 'orch_count_in',
      text: 'select count(*)::int as n from "runs" where "status" = any($1::text[])',
      values: [statuses],
    });
    return Number((r.rows[0] as { n: number }).n);
  }

  /** QUEUED runs in admission order (priority desc, created_at, run_id). */
  async listQueuedRuns(limit: number): Promise<RunRow[]> {
    const r = await this.#pool.query({
      name: 'orch_list_queued',
      text: `select * from "runs" where "status" = 'QUEUED'
        order by "priority" desc, "created_at" asc, "run_id" asc limit $1`,
      values: [limit],
    });
    return r.rows as RunRow[];
  }

  #pump(): void {
    while (this.#inFlight < MAX_IN_FLIGHT && this.#waiting.length > 0) {
      const batch: Pending[] = [];
      const later: Pending[] = [];
      const ids = new Set<string>();
      for (const p of this.#waiting) {
        if (ids.has(p.runId)) later.push(p);
        else {
          ids.add(p.runId);
          batch.push(p);
        }
      }
      this.#waiting = later;
      this.#inFlight++;
      void this.#send(batch).finally(() => {
        this.#inFlight--;
        this.#pump();
      });
    }
  }

  async #send(batch: Pending[]): Promise<void> {
    try {
      const byShape = new Map<Shape, Pending[]>();
      for (const p of batch) {
        const list = byShape.get(p.shape);
        if (list) list.push(p);
        else byShape.set(p.shape, [p]);
      }
      // Sorted by shape, so a set of shapes is one statement text (and one prepared name), in any order.
      const groups = [...byShape]
        .map(([shape, changes]) => ({ shape, changes }))
        .sort((a, b) => (a.shape.key < b.shape.key ? -1 : 1));
      const rows = await this.#execute(groups);
      const byId = new Map(rows.map((r) => [r.run_id, r]));
      for (const p of batch) p.resolve(byId.get(p.runId));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      // Tell each caller its own outcome: one bad change must not fail the changes batched with it.
      await Promise.all(
        batch.map((p) =>
          this.#execute([{ shape: p.shape, changes: [p] }]).then(
            (rows) => p.resolve(rows[0]),
            (e) => p.reject(e),
          ),
        ),
      );
    }
  }

  /**
   * Tells the daemon that runs ended (a slot freed), after the statement that ended them committed, as a
   * statement of its own: NOTIFY takes a database-wide lock that a transaction holds through its commit,
   * WAL flush included, so notifying inside the status change would serialize every worker's commits.
   * A read-only NOTIFY commits without a flush. Not awaited; a lost one costs the daemon's idle timeout.
   */
  #notifyEnded(): void {
    this.#pool
      .query({
        name: 'orch_run_ended',
        text: 'select pg_notify($1, $2)',
        values: [this.#channel, RUN_ENDED_PAYLOAD],
      })
      .catch(() => {});
  }

  /** One statement for every group (a block of CTEs each, suffixed by its index): one round trip, one commit. */
  async #execute(groups: readonly Group[]): Promise<RunRow[]> {
    const values: unknown[] = [];
    const p = (v: unknown) => {
      values.push(v);
      return `$${values.length}`;
    };
    const ctes: string[] = [];
    groups.forEach(({ shape, changes: batch }, g) => {
      const inputs = [
        `${p(batch.map((b) => b.runId))}::text[]`,
        ...shape.columns.map((c) => `${p(batch.map((b) => b.set[c] ?? null))}::${SET_TYPES[c]}[]`),
      ];
      const names = ['"run_id"', ...shape.columns.map((c) => `"${c}"`)];
      if (shape.withAttempt) {
        inputs.push(`${p(batch.map((b) => b.attempt))}::int[]`);
        names.push('"if_attempt"');
      }
      const assignments = shape.columns.map((c) => `"${c}" = i."${c}"`).join(', ');
      const attemptCheck = shape.withAttempt ? ' and r."attempt" = i."if_attempt"' : '';
      ctes.push(`input_${g} as (select * from unnest(${inputs.join(', ')}) as i(${names.join(', ')}))`);
      ctes.push(`moved_${g} as (
        update "runs" as r set ${assignments} from input_${g} i
        where r."run_id" = i."run_id" and r."status" = any(${p(shape.from)}::text[])${attemptCheck}
        returning r.*
      )`);
      if (!shape.withEvents) return;
      const events = batch.flatMap((b) => b.events);
      const mats = events.filter(
        (e) => e.type === 'ASSET_MATERIALIZATION' && typeof e.data?.assetKey === 'string',
      );
      // WITH ORDINALITY + ORDER BY keeps event ids ascending in the order given.
      ctes.push(`ev_${g} as (
        insert into "events" ("run_id", "timestamp", "type", "level", "step_key", "message", "data")
        select e.run_id, e.ts, e.type, e.level, e.step_key, e.message, e.data
        from unnest(${p(events.map((e) => e.runId))}::text[], ${p(events.map((e) => e.timestamp))}::bigint[],
          ${p(events.map((e) => e.type))}::text[], ${p(events.map((e) => e.level))}::text[],
          ${p(events.map((e) => e.stepKey ?? null))}::text[], ${p(events.map((e) => e.message))}::text[],
          ${p(events.map((e) => (e.data === null || e.data === undefined ? null : json(e.data))))}::text[])
          with ordinality as e(run_id, ts, type, level, step_key, message, data, ord)
        where e.run_id in (select run_id from moved_${g})
        order by e.ord
        returning 1
      )`);
      ctes.push(`mat_${g} as (
        insert into "materializations" ("asset_key", "partition_key", "run_id", "timestamp", "metadata")
        select m.asset_key, m.partition_key, m.run_id, m.ts, m.metadata
        from unnest(${p(mats.map((e) => e.data!.assetKey as string))}::text[],
          ${p(mats.map((e) => (typeof e.data!.partitionKey === 'string' ? e.data!.partitionKey : null)))}::text[],
          ${p(mats.map((e) => e.runId))}::text[], ${p(mats.map((e) => e.timestamp))}::bigint[],
          ${p(mats.map((e) => json(e.data!.metadata ?? {})))}::text[]) as m(asset_key, partition_key, run_id, ts, metadata)
        where m.run_id in (select run_id from moved_${g})
        returning 1
      )`);
    });
    const text = `with ${ctes.join(',\n      ')}\n      ${groups.map((_, g) => `select * from moved_${g}`).join(' union all ')}`;
    // A named statement is parsed and planned once per connection, then only bound and executed; the
    // text depends on the shapes alone (arrays carry the batch), so one name per combination of shapes.
    const r = await this.#pool.query({
      name: statementName(groups.map((x) => x.shape.key).join('+')),
      text,
      values,
    });
    if (r.rows.some((row) => isTerminal((row as RunRow).status as RunStatus))) this.#notifyEnded();
    return r.rows as RunRow[];
  }
}

export const COUNT_IN_PROGRESS = `select count(*)::int as n from "runs" where "status" in (${IN_PROGRESS_STATUSES.map((x) => `'${x}'`).join(', ')})`;

function isInProgressSet(statuses: readonly RunStatus[]): boolean {
  return (
    statuses.length === IN_PROGRESS_STATUSES.length && IN_PROGRESS_STATUSES.every((x) => statuses.includes(x))
  );
}

/** Shapes → short statement name (Postgres truncates identifiers at 63 bytes); one text per name. */
const statementNames = new Map<string, string>();
function statementName(key: string): string {
  let name = statementNames.get(key);
  if (name === undefined) {
    name = `orch_hot_${statementNames.size}`;
    statementNames.set(key, name);
  }
  return name;
}
