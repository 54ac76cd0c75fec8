import { openTestDatabase } from '@llm-rag-yt/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  acknowledgeAlert,
  countActiveAlertsBySeverity,
  listAlerts,
  pruneAlerts,
  syncAlerts,
} from '../src/alerts/alert-store.ts';
import { evaluateAlertRules, ruleScope } from '../src/alerts/rules.ts';
import { openTestDb, quietMetrics } from './monitoring-helpers.ts';

let t: Awaited<ReturnType<typeof openTestDb>>;
beforeEach(async () => {
  t = await openTestDb();
});
afterEach(async () => t.cleanup());

const scope = ruleScope({ withHealth: false });

describe('alert store on SQLite', () => {
  it('raises once per condition, updates it on later evaluations, and resolves it when the condition clears', async () => {
    const h = t.handle;
    const r1 = await syncAlerts(h, evaluateAlertRules(quietMetrics({ ytFailed: 6 })), { now: 1000, scope });
    expect(r1.raised).toHaveLength(1);
    const r2 = await syncAlerts(h, evaluateAlertRules(quietMetrics({ ytFailed: 9 })), { now: 2000, scope });
    expect(r2.raised).toHaveLength(0);
    expect(r2.updated).toHaveLength(1);
    let all = await listAlerts(h);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({
      status: 'open',
      createdAt: 1000,
      updatedAt: 2000,
      details: { failed: 9 },
    });

    const r3 = await syncAlerts(h, evaluateAlertRules(quietMetrics({ ytFailed: 2 })), { now: 3000, scope });
    expect(r3.resolved.map((a) => a.id)).toEqual([all[0]!.id]);
    all = await listAlerts(h);
    expect(all[0]).toMatchObject({ status: 'resolved', resolvedAt: 3000 });

    // The condition coming back is a new occurrence.
    const r4 = await syncAlerts(h, evaluateAlertRules(quietMetrics({ ytFailed: 7 })), { now: 4000, scope });
    expect(r4.raised).toHaveLength(1);
    expect(await listAlerts(h)).toHaveLength(2);
  });

  it('an acknowledged alert is updated, not duplicated, and still resolves itself', async () => {
    const h = t.handle;
    const { raised } = await syncAlerts(h, evaluateAlertRules(quietMetrics({ audioFailed: 4 })), {
      now: 1,
      scope,
    });
    const acked = await acknowledgeAlert(h, raised[0]!.id, 'admin', 5);
    expect(acked).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'admin', acknowledgedAt: 5 });
    const r = await syncAlerts(h, evaluateAlertRules(quietMetrics({ audioFailed: 8 })), { now: 10, scope });
    expect(r.raised).toEqual([]);
    expect((await listAlerts(h))[0]).toMatchObject({ status: 'acknowledged', updatedAt: 10 });
    expect(await countActiveAlertsBySeverity(h)).toEqual({ error: 1 });
    await syncAlerts(h, [], { now: 20, scope });
    expect((await listAlerts(h))[0]).toMatchObject({ status: 'resolved', resolvedAt: 20 });
  });

  it('leaves alerts outside the evaluated scope alone (health alerts when no health check ran)', async () => {
    const h = t.handle;
    const health = { ffmpeg: { ok: false, detail: 'missing' } };
    await syncAlerts(h, evaluateAlertRules(quietMetrics(), {}, health), {
      now: 1,
      scope: ruleScope({ withHealth: true }),
    });
    await syncAlerts(h, evaluateAlertRules(quietMetrics()), { now: 2, scope });
    expect((await listAlerts(h))[0]).toMatchObject({ status: 'open', type: 'system_error' });
    await syncAlerts(h, evaluateAlertRules(quietMetrics(), {}, { ffmpeg: { ok: true, detail: '' } }), {
      now: 3,
      scope: ruleScope({ withHealth: true }),
    });
    expect((await listAlerts(h))[0]).toMatchObject({ status: 'resolved' });
  });

  it('acknowledging an unknown alert says which id and how to find valid ones', async () => {
    await expect(acknowledgeAlert(t.handle, 999, 'x', 1)).rejects.toThrow(
      /Alert 999 does not exist.*bot alerts/,
    );
  });

  it('prunes old resolved alerts but never open ones', async () => {
    const h = t.handle;
    await syncAlerts(h, evaluateAlertRules(quietMetrics({ ytFailed: 6 })), { now: 1, scope });
    await syncAlerts(h, [], { now: 2, scope });
    await syncAlerts(h, evaluateAlertRules(quietMetrics({ jobsPending: 20 })), { now: 3, scope });
    expect(await pruneAlerts(h, 100)).toBe(1);
    const left = await listAlerts(h);
    expect(left.map((a) => a.type)).toEqual(['job_backlog']);
  });
});

describe('alert store on PostgreSQL', () => {
  it('migrates, de-duplicates, resolves and schedules deliveries the same way', async () => {
    const { migrateMonitoring } = await import('../src/monitoring/migrations.ts');
    const { deliverPendingAlerts, listDeliveries } = await import('../src/alerts/delivery.ts');
    const db = await openTestDatabase('postgres', { prefix: 'monitoring_test' });
    const pg = db.handle;
    try {
      await migrateMonitoring(pg);
      await migrateMonitoring(pg); // idempotent
      await syncAlerts(pg, evaluateAlertRules(quietMetrics({ ytFailed: 6 })), { now: 1000, scope });
      await syncAlerts(pg, evaluateAlertRules(quietMetrics({ ytFailed: 8 })), { now: 2000, scope });
      const [a] = await listAlerts(pg);
      expect(a).toMatchObject({ status: 'open', createdAt: 1000, updatedAt: 2000 });
      expect(typeof a!.id).toBe('number');
      const sent: number[] = [];
      const notifier = {
        channel: 'memory',
        send: async (m: { alertId: number }) => void sent.push(m.alertId),
      };
      expect((await deliverPendingAlerts(pg, { notifiers: [notifier], now: 2000 })).sent).toBe(1);
      expect((await deliverPendingAlerts(pg, { notifiers: [notifier], now: 3000 })).sent).toBe(0);
      await syncAlerts(pg, [], { now: 4000, scope });
      expect((await deliverPendingAlerts(pg, { notifiers: [notifier], now: 4000 })).sent).toBe(1);
      expect((await listDeliveries(pg)).map((d) => [d.state, d.status])).toEqual([
        ['firing', 'sent'],
        ['resolved', 'sent'],
      ]);
      expect((await listAlerts(pg))[0]).toMatchObject({ status: 'resolved', resolvedAt: 4000 });
    } finally {
      await db.cleanup();
    }
  });
});
