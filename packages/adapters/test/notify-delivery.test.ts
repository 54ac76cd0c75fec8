import {
  backoffDelayMs,
  deliverPendingAlerts,
  evaluateAlertRules,
  hasUndeliveredAlerts,
  listDeliveries,
  ruleScope,
  syncAlerts,
} from '@llm-rag-yt/rag';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestDb, quietMetrics } from '../../rag/test/monitoring-helpers.ts';
import { createPagerDutyNotifier } from '../src/notify-pagerduty/index.ts';
import { createSlackNotifier } from '../src/notify-slack/index.ts';
import { createTelegramNotifier } from '../src/notify-telegram/index.ts';
import { createWebhookNotifier } from '../src/notify-webhook/index.ts';
import { startReceiver } from './notify-receiver.ts';

let t: Awaited<ReturnType<typeof openTestDb>>;
let closers: (() => Promise<void>)[] = [];
beforeEach(async () => {
  t = await openTestDb();
});
afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  closers = [];
  await t.cleanup();
});
const scope = ruleScope({ withHealth: false });
const policy = { baseDelayMs: 1000, maxDelayMs: 60_000, maxAttempts: 4 };

describe('alert delivery through real channels', () => {
  it('delivers each alert once per channel when firing and once when resolved', async () => {
    const tg = await startReceiver({ status: 200, body: { ok: true } });
    const hook = await startReceiver({ status: 200, body: 'ok' });
    const pd = await startReceiver({ status: 202, body: { status: 'success' } });
    closers.push(tg.close, hook.close, pd.close);
    const notifiers = [
      createTelegramNotifier({ botToken: '1:tok', chatId: 7, apiRoot: tg.url }),
      createSlackNotifier({ webhookUrl: `${hook.url}/slack/secret` }),
      createWebhookNotifier({ url: `${hook.url}/generic` }),
      createPagerDutyNotifier({ routingKey: 'rk-1234', endpoint: `${pd.url}/v2/enqueue` }),
    ];
    await syncAlerts(t.handle, evaluateAlertRules(quietMetrics({ ytFailed: 6, audioMb: 5000 })), {
      now: 1000,
      scope,
    });
    const r1 = await deliverPendingAlerts(t.handle, { notifiers, now: 1000, policy });
    expect(r1).toMatchObject({ sent: 8, failed: 0 });
    // Nothing new: a second pass sends nothing, even as the alerts are re-evaluated.
    await syncAlerts(t.handle, evaluateAlertRules(quietMetrics({ ytFailed: 7, audioMb: 5000 })), {
      now: 2000,
      scope,
    });
    expect(await hasUndeliveredAlerts(t.handle, notifiers, 2000)).toBe(false);
    expect((await deliverPendingAlerts(t.handle, { notifiers, now: 2000, policy })).sent).toBe(0);
    expect(tg.received).toHaveLength(2);

    // Storage condition clears → one resolved message per channel for that alert.
    await syncAlerts(t.handle, evaluateAlertRules(quietMetrics({ ytFailed: 7 })), { now: 3000, scope });
    expect(await hasUndeliveredAlerts(t.handle, notifiers, 3000)).toBe(true);
    expect((await deliverPendingAlerts(t.handle, { notifiers, now: 3000, policy })).sent).toBe(4);
    expect(JSON.parse(pd.received.at(-1)!.body)).toMatchObject({
      event_action: 'resolve',
      dedup_key: 'storage_full:audio_storage',
    });
    expect(JSON.parse(tg.received.at(-1)!.body).text).toContain('Resolved');
  });

  it('a failing receiver is retried with exponential backoff, recorded, and then succeeds', async () => {
    const hook = await startReceiver({ status: 200, body: 'ok' });
    closers.push(hook.close);
    hook.replies.push({ status: 500, body: 'down' }, { status: 502, body: 'still down' });
    const notifiers = [createWebhookNotifier({ url: `${hook.url}/generic` })];
    const { raised } = await syncAlerts(t.handle, evaluateAlertRules(quietMetrics({ jobsPending: 50 })), {
      now: 0,
      scope,
    });
    const id = raised[0]!.id;

    expect(await deliverPendingAlerts(t.handle, { notifiers, now: 0, policy })).toMatchObject({
      sent: 0,
      failed: 1,
    });
    let [d] = await listDeliveries(t.handle, id);
    expect(d).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: 1000 });
    expect(d!.lastError).toMatch(/HTTP 500: down/);

    // Not yet due: nothing is sent.
    expect((await deliverPendingAlerts(t.handle, { notifiers, now: 999, policy })).failed).toBe(0);
    expect(hook.received).toHaveLength(1);

    await deliverPendingAlerts(t.handle, { notifiers, now: 1000, policy });
    [d] = await listDeliveries(t.handle, id);
    expect(d).toMatchObject({
      status: 'pending',
      attempts: 2,
      nextAttemptAt: 1000 + backoffDelayMs(2, { ...policy }),
    });
    expect(d!.nextAttemptAt).toBe(3000);
    expect(d!.lastError).toMatch(/HTTP 502/);

    expect((await deliverPendingAlerts(t.handle, { notifiers, now: 3000, policy })).sent).toBe(1);
    [d] = await listDeliveries(t.handle, id);
    expect(d).toMatchObject({ status: 'sent', attempts: 3, lastError: null, deliveredAt: 3000 });
    expect(hook.received).toHaveLength(3);
  });

  it('gives up after maxAttempts and marks the delivery failed', async () => {
    const hook = await startReceiver({ status: 503, body: 'nope' });
    closers.push(hook.close);
    const notifiers = [createWebhookNotifier({ url: `${hook.url}/x` })];
    await syncAlerts(t.handle, evaluateAlertRules(quietMetrics({ jobsPending: 50 })), { now: 0, scope });
    let now = 0;
    for (let i = 0; i < 4; i++) {
      await deliverPendingAlerts(t.handle, { notifiers, now, policy });
      now += 100_000;
    }
    const [d] = await listDeliveries(t.handle);
    expect(d).toMatchObject({ status: 'failed', attempts: 4 });
    expect((await deliverPendingAlerts(t.handle, { notifiers, now, policy })).failed).toBe(0);
  });

  it('a Telegram 429 with a long retry_after schedules the retry no sooner than Telegram asked', async () => {
    const tg = await startReceiver({
      status: 429,
      body: {
        ok: false,
        error_code: 429,
        description: 'Too Many Requests',
        parameters: { retry_after: 120 },
      },
    });
    closers.push(tg.close);
    const notifiers = [createTelegramNotifier({ botToken: '1:tok', chatId: 7, apiRoot: tg.url })];
    await syncAlerts(t.handle, evaluateAlertRules(quietMetrics({ audioFailed: 9 })), { now: 0, scope });
    await deliverPendingAlerts(t.handle, { notifiers, now: 0, policy });
    const [d] = await listDeliveries(t.handle);
    expect(d).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: 120_000 });
  });

  it('a channel with minSeverity skips lower-severity alerts', async () => {
    const tg = await startReceiver({ status: 200, body: { ok: true } });
    closers.push(tg.close);
    const notifier = createTelegramNotifier({ botToken: '1:tok', chatId: 7, apiRoot: tg.url });
    await syncAlerts(t.handle, evaluateAlertRules(quietMetrics({ jobsPending: 50, audioFailed: 9 })), {
      now: 0,
      scope,
    });
    const r = await deliverPendingAlerts(t.handle, {
      notifiers: [{ notifier, minSeverity: 'error' }],
      now: 0,
      policy,
    });
    expect(r.sent).toBe(1);
    expect(JSON.parse(tg.received[0]!.body).text).toContain('[ERROR]');
  });
});
