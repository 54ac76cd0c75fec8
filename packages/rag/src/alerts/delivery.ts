import type { MonitoringDb } from '../monitoring/migrations.ts';
import type { AlertMessage, AlertSeverity, Notifier } from '../ports.ts';
import { type AlertRow, rowToAlert } from './alert-store.ts';

/*
 * Each alert is delivered once per enabled channel when it fires, and once more when it resolves
 * (only to channels that got the firing message). alert_deliveries holds one row per
 * (alert, channel, state) — a unique index — with attempts, the last error and when to retry.
 */

const SEVERITY_RANK: Record<AlertSeverity, number> = { info: 0, warning: 1, error: 2, critical: 3 };

export interface DeliveryChannel {
  readonly notifier: Notifier;
  /** Alerts below this severity are not sent on this channel. Default 'info' (everything). */
  readonly minSeverity?: AlertSeverity;
}

export interface DeliveryPolicy {
  /** Give up (status 'failed') after this many attempts. Default 8. */
  maxAttempts: number;
  /** First retry delay; doubles on each failure. Default 30 s. */
  baseDelayMs: number;
  /** Upper bound of the retry delay. Default 1 h. */
  maxDelayMs: number;
}

export const DEFAULT_DELIVERY_POLICY: Readonly<DeliveryPolicy> = Object.freeze({
  maxAttempts: 8,
  baseDelayMs: 30_000,
  maxDelayMs: 3_600_000,
});

// Long enough for one send with its timeout and a short Telegram retry_after wait.
const CLAIM_LEASE_MS = 5 * 60_000;

export interface DeliveryReport {
  sent: number;
  failed: number;
  /** Deliveries that gave up for good in this pass. */
  abandoned: number;
  /** Errors of this pass (secrets already removed by the notifiers), for logs. */
  errors: { alertId: number; channel: string; error: string }[];
}

/** Delay before attempt `attempts + 1`, given `attempts` failures so far (≥ 1). */
export function backoffDelayMs(attempts: number, policy: DeliveryPolicy = DEFAULT_DELIVERY_POLICY): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempts - 1));
}

function normalize(channels: readonly (DeliveryChannel | Notifier)[]): DeliveryChannel[] {
  return channels.map((c) => ('notifier' in c ? c : { notifier: c }));
}

/** Creates the delivery rows that are due to exist (new firing alerts, newly resolved ones). */
export async function scheduleDeliveries(
  h: MonitoringDb,
  channels: readonly (DeliveryChannel | Notifier)[],
  now: number,
): Promise<number> {
  let created = 0;
  for (const ch of normalize(channels)) {
    const channel = ch.notifier.channel;
    const minRank = SEVERITY_RANK[ch.minSeverity ?? 'info'];
    const severities = (Object.keys(SEVERITY_RANK) as AlertSeverity[]).filter(
      (s) => SEVERITY_RANK[s] >= minRank,
    );
    // Firing: active alerts without a firing row on this channel.
    const firing = await h.db
      .selectFrom('system_alerts as a')
      .select('a.id')
      .where('a.status', '<>', 'resolved')
      .where('a.severity', 'in', severities)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('alert_deliveries as d')
              .select('d.id')
              .whereRef('d.alert_id', '=', 'a.id')
              .where('d.channel', '=', channel)
              .where('d.state', '=', 'firing'),
          ),
        ),
      )
      .execute();
    // Resolved: alerts whose firing message reached this channel and whose resolution has no row yet.
    const resolved = await h.db
      .selectFrom('system_alerts as a')
      .innerJoin('alert_deliveries as f', (j) =>
        j
          .onRef('f.alert_id', '=', 'a.id')
          .on('f.channel', '=', channel)
          .on('f.state', '=', 'firing')
          .on('f.status', '=', 'sent'),
      )
      .select('a.id')
      .where('a.status', '=', 'resolved')
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('alert_deliveries as d')
              .select('d.id')
              .whereRef('d.alert_id', '=', 'a.id')
              .where('d.channel', '=', channel)
              .where('d.state', '=', 'resolved'),
          ),
        ),
      )
      .execute();
    const rows = [
      ...firing.map((r) => ({ alert_id: r.id, state: 'firing' })),
      ...resolved.map((r) => ({ alert_id: r.id, state: 'resolved' })),
    ].map((r) => ({ ...r, channel, status: 'pending', attempts: 0, next_attempt_at: now, created_at: now }));
    if (rows.length === 0) continue;
    // Two delivery passes at once must not create a second row: the unique index decides, we ignore the loser.
    const res = await h.db
      .insertInto('alert_deliveries')
      .values(rows)
      .onConflict((oc) => oc.columns(['alert_id', 'channel', 'state']).doNothing())
      .executeTakeFirst();
    created += Number(res.numInsertedOrUpdatedRows ?? 0);
  }
  return created;
}

interface DueRow extends AlertRow {
  delivery_id: number;
  channel: string;
  state: 'firing' | 'resolved';
  attempts: number;
}

/**
 * Sends what is due: schedules new deliveries, then tries every pending one whose retry time has
 * come. A failure is recorded with exponential backoff (or the channel's retry-after, when it
 * gave one); after `maxAttempts` the delivery is marked failed and not tried again.
 */
export async function deliverPendingAlerts(
  h: MonitoringDb,
  opts: {
    notifiers: readonly (DeliveryChannel | Notifier)[];
    now: number;
    policy?: Partial<DeliveryPolicy>;
    signal?: AbortSignal;
    /** Clock for recording delivered_at after slow sends; defaults to `now`. */
    clock?: () => number;
  },
): Promise<DeliveryReport> {
  const policy = { ...DEFAULT_DELIVERY_POLICY, ...opts.policy };
  const channels = normalize(opts.notifiers);
  const byChannel = new Map(channels.map((c) => [c.notifier.channel, c.notifier]));
  const report: DeliveryReport = { sent: 0, failed: 0, abandoned: 0, errors: [] };
  if (byChannel.size === 0) return report;
  await scheduleDeliveries(h, channels, opts.now);
  const due = (await h.db
    .selectFrom('alert_deliveries as d')
    .innerJoin('system_alerts as a', 'a.id', 'd.alert_id')
    .selectAll('a')
    .select(['d.id as delivery_id', 'd.channel', 'd.state', 'd.attempts'])
    .where('d.status', '=', 'pending')
    .where('d.next_attempt_at', '<=', opts.now)
    .where('d.channel', 'in', [...byChannel.keys()])
    .orderBy('d.id')
    .execute()) as DueRow[];
  for (const row of due) {
    opts.signal?.throwIfAborted();
    const notifier = byChannel.get(row.channel)!;
    const alert = rowToAlert(row);
    const message: AlertMessage = {
      alertId: alert.id,
      type: alert.type,
      severity: alert.severity,
      title: alert.title,
      message: alert.message,
      details: alert.details,
      createdAt: alert.createdAt,
      state: row.state,
      fingerprint: alert.fingerprint,
    };
    const attempts = Number(row.attempts) + 1;
    // Claim the row by moving its retry time forward; a concurrent delivery pass loses the race and skips it.
    const claim = await h.db
      .updateTable('alert_deliveries')
      .set({ next_attempt_at: opts.now + CLAIM_LEASE_MS })
      .where('id', '=', row.delivery_id)
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', opts.now)
      .executeTakeFirst();
    if (Number(claim.numUpdatedRows) !== 1) continue;
    try {
      await notifier.send(message, opts.signal);
      const at = opts.clock?.() ?? opts.now;
      await h.db
        .updateTable('alert_deliveries')
        .set({ status: 'sent', attempts, delivered_at: at, last_error: null })
        .where('id', '=', row.delivery_id)
        .execute();
      if (row.state === 'firing' && row.sent_at == null)
        await h.db.updateTable('system_alerts').set({ sent_at: at }).where('id', '=', alert.id).execute();
      report.sent++;
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      const retryAfter =
        (err as { afterMs?: unknown; retryAfterMs?: unknown }).afterMs ??
        (err as { retryAfterMs?: unknown }).retryAfterMs;
      const giveUp = attempts >= policy.maxAttempts;
      const delay = Math.max(
        backoffDelayMs(attempts, policy),
        typeof retryAfter === 'number' ? retryAfter : 0,
      );
      await h.db
        .updateTable('alert_deliveries')
        .set({
          status: giveUp ? 'failed' : 'pending',
          attempts,
          last_error: error.slice(0, 2000),
          next_attempt_at: opts.now + delay,
        })
        .where('id', '=', row.delivery_id)
        .execute();
      report.failed++;
      if (giveUp) report.abandoned++;
      report.errors.push({ alertId: alert.id, channel: row.channel, error });
    }
  }
  return report;
}

/** True when some delivery is due now or some alert still needs a delivery row (for telegram_alert_sensor). */
export async function hasUndeliveredAlerts(
  h: MonitoringDb,
  channels: readonly (DeliveryChannel | Notifier)[],
  now: number,
): Promise<boolean> {
  const names = normalize(channels).map((c) => c.notifier.channel);
  if (names.length === 0) return false;
  const due = await h.db
    .selectFrom('alert_deliveries')
    .select('id')
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .where('channel', 'in', names)
    .limit(1)
    .executeTakeFirst();
  if (due) return true;
  // Scheduling is idempotent and cheap; doing it here tells us whether new rows were needed.
  return (await scheduleDeliveries(h, channels, now)) > 0;
}

export interface DeliveryRow {
  id: number;
  alertId: number;
  channel: string;
  state: 'firing' | 'resolved';
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  lastError: string | null;
  nextAttemptAt: number;
  deliveredAt: number | null;
}

export async function listDeliveries(h: MonitoringDb, alertId?: number): Promise<DeliveryRow[]> {
  let q = h.db.selectFrom('alert_deliveries').selectAll();
  if (alertId !== undefined) q = q.where('alert_id', '=', alertId);
  const rows = await q.orderBy('id').execute();
  return rows.map((r) => ({
    id: Number(r.id),
    alertId: Number(r.alert_id),
    channel: r.channel,
    state: r.state,
    status: r.status,
    attempts: Number(r.attempts),
    lastError: r.last_error,
    nextAttemptAt: Number(r.next_attempt_at),
    deliveredAt: r.delivered_at == null ? null : Number(r.delivered_at),
  }));
}
