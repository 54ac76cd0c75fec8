import { NotFoundError } from '@llm-rag-yt/orchestrator';
import type { MonitoringDb } from '../monitoring/migrations.ts';
import type { Alert } from '../service/types.ts';
import type { AlertCandidate } from './rules.ts';

/*
 * system_alerts: one row per occurrence of a condition. A condition is its fingerprint; while an
 * alert with that fingerprint is open or acknowledged, evaluations update it instead of adding rows
 * (a partial unique index enforces this). When the condition clears the alert resolves itself; if it
 * comes back later, that is a new occurrence and a new row.
 */

export interface AlertRow {
  id: number;
  type: string;
  severity: string;
  title: string;
  message: string;
  details: string;
  fingerprint: string;
  status: Alert['status'];
  created_at: number;
  updated_at: number;
  resolved_at: number | null;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  sent_at: number | null;
}

export function rowToAlert(r: AlertRow): Alert {
  return {
    id: Number(r.id),
    type: r.type,
    severity: r.severity as Alert['severity'],
    title: r.title,
    message: r.message,
    details: parseJson(r.details),
    fingerprint: r.fingerprint,
    status: r.status,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    resolvedAt: r.resolved_at == null ? null : Number(r.resolved_at),
    acknowledgedAt: r.acknowledged_at == null ? null : Number(r.acknowledged_at),
    acknowledgedBy: r.acknowledged_by,
  };
}

function parseJson(s: string): Record<string, unknown> {
  try {
    const v = JSON.parse(s);
    return v && typeof v === 'object' ? v : { value: v };
  } catch {
    return { raw: s };
  }
}

export interface SyncResult {
  raised: Alert[];
  updated: Alert[];
  resolved: Alert[];
}

export class AlertNotFoundError extends NotFoundError {
  constructor(id: number) {
    super(`Alert ${id} does not exist. List alerts with 'llm-rag-yt bot alerts' to see valid ids.`);
    this.name = 'AlertNotFoundError';
  }
}

/**
 * Applies one evaluation: raises new conditions, refreshes ongoing ones, and resolves alerts in
 * `scope` whose condition is gone. Alerts outside `scope` (e.g. health alerts when no health check
 * was part of this evaluation) are left alone.
 */
export async function syncAlerts(
  h: MonitoringDb,
  candidates: readonly AlertCandidate[],
  opts: { now: number; scope: (fingerprint: string) => boolean },
): Promise<SyncResult> {
  const { now } = opts;
  return h.db.transaction().execute(async (trx) => {
    const active = (await trx
      .selectFrom('system_alerts')
      .selectAll()
      .where('status', '<>', 'resolved')
      .execute()) as AlertRow[];
    const byFp = new Map(active.map((a) => [a.fingerprint, a]));
    const out: SyncResult = { raised: [], updated: [], resolved: [] };
    const wanted = new Set<string>();
    for (const c of candidates) {
      wanted.add(c.fingerprint);
      const fields = {
        type: c.type,
        severity: c.severity,
        title: c.title,
        message: c.message,
        details: JSON.stringify(c.details),
        updated_at: now,
      };
      const existing = byFp.get(c.fingerprint);
      if (existing) {
        await trx.updateTable('system_alerts').set(fields).where('id', '=', existing.id).execute();
        out.updated.push(rowToAlert({ ...existing, ...fields }));
        continue;
      }
      const row = (await trx
        .insertInto('system_alerts')
        .values({ ...fields, fingerprint: c.fingerprint, status: 'open', created_at: now })
        .returningAll()
        .executeTakeFirstOrThrow()) as AlertRow;
      out.raised.push(rowToAlert(row));
    }
    for (const a of active) {
      if (wanted.has(a.fingerprint) || !opts.scope(a.fingerprint)) continue;
      await trx
        .updateTable('system_alerts')
        .set({ status: 'resolved', resolved_at: now, updated_at: now })
        .where('id', '=', a.id)
        .execute();
      out.resolved.push(rowToAlert({ ...a, status: 'resolved', resolved_at: now, updated_at: now }));
    }
    return out;
  });
}

export async function getAlert(h: MonitoringDb, id: number): Promise<Alert | undefined> {
  const r = (await h.db.selectFrom('system_alerts').selectAll().where('id', '=', id).executeTakeFirst()) as
    | AlertRow
    | undefined;
  return r ? rowToAlert(r) : undefined;
}

/** Newest first. */
export async function listAlerts(
  h: MonitoringDb,
  opts: { status?: Alert['status'] | readonly Alert['status'][]; limit?: number } = {},
): Promise<Alert[]> {
  let q = h.db.selectFrom('system_alerts').selectAll();
  if (opts.status) q = q.where('status', 'in', Array.isArray(opts.status) ? opts.status : [opts.status]);
  const rows = (await q
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(opts.limit ?? 100)
    .execute()) as AlertRow[];
  return rows.map(rowToAlert);
}

/** Marks an open alert acknowledged (it stays active until its condition clears). Idempotent. */
export async function acknowledgeAlert(h: MonitoringDb, id: number, by: string, now: number): Promise<Alert> {
  const a = await getAlert(h, id);
  if (!a) throw new AlertNotFoundError(id);
  if (a.status === 'open') {
    await h.db
      .updateTable('system_alerts')
      .set({ status: 'acknowledged', acknowledged_at: now, acknowledged_by: by, updated_at: now })
      .where('id', '=', id)
      .where('status', '=', 'open')
      .execute();
  }
  return (await getAlert(h, id))!;
}

/** Resolves an alert by hand. If its condition persists, the next evaluation raises a new one. */
export async function resolveAlert(h: MonitoringDb, id: number, now: number): Promise<Alert> {
  const a = await getAlert(h, id);
  if (!a) throw new AlertNotFoundError(id);
  if (a.status !== 'resolved') {
    await h.db
      .updateTable('system_alerts')
      .set({ status: 'resolved', resolved_at: now, updated_at: now })
      .where('id', '=', id)
      .execute();
  }
  return (await getAlert(h, id))!;
}

/** Counts of open + acknowledged alerts by severity. */
export async function countActiveAlertsBySeverity(h: MonitoringDb): Promise<Record<string, number>> {
  const rows = await h.db
    .selectFrom('system_alerts')
    .select(['severity', (eb) => eb.fn.countAll<number>().as('n')])
    .where('status', '<>', 'resolved')
    .groupBy('severity')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.severity as string, Number(r.n)]));
}

/**
 * Deletes resolved alerts, and acknowledged ones no evaluation has touched, last updated before
 * `before`. Open alerts are never pruned: someone still has to see them.
 */
export async function pruneAlerts(h: MonitoringDb, before: number): Promise<number> {
  const ids = (
    await h.db
      .selectFrom('system_alerts')
      .select('id')
      .where('status', 'in', ['resolved', 'acknowledged'])
      .where('updated_at', '<', before)
      .execute()
  ).map((r) => r.id);
  if (ids.length === 0) return 0;
  // Deliveries first: SQLite only cascades when foreign keys are on, and not every connection is ours.
  await h.db.deleteFrom('alert_deliveries').where('alert_id', 'in', ids).execute();
  const r = await h.db.deleteFrom('system_alerts').where('id', 'in', ids).executeTakeFirst();
  return Number(r.numDeletedRows);
}
