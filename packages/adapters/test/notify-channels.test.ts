import { createHmac } from 'node:crypto';
import type { AlertMessage } from '@llm-rag-yt/rag';
import { afterEach, describe, expect, it } from 'vitest';
import { createPagerDutyNotifier } from '../src/notify-pagerduty/index.ts';
import { createSlackNotifier } from '../src/notify-slack/index.ts';
import { createTelegramNotifier } from '../src/notify-telegram/index.ts';
import { createWebhookNotifier, SIGNATURE_HEADER } from '../src/notify-webhook/index.ts';
import { NotifyError } from '../src/shared/notify-http.ts';
import { startReceiver } from './notify-receiver.ts';

const alert: AlertMessage = {
  alertId: 42,
  type: 'storage_full',
  severity: 'error',
  title: 'Audio <storage> & more',
  message: 'Audio uses 2048 MB > 1024 MB',
  details: { audio_total_size_mb: 2048 },
  createdAt: Date.parse('2025-01-19T10:30:00Z'),
  state: 'firing',
  fingerprint: 'storage_full:audio_storage',
};

const TOKEN = '123456:SECRET-bot-token-abc';
let closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  closers = [];
});
async function receiver(...args: Parameters<typeof startReceiver>) {
  const r = await startReceiver(...args);
  closers.push(r.close);
  return r;
}

describe('Telegram notifier', () => {
  it('calls sendMessage for the admin chat with HTML-escaped text and an Acknowledge button', async () => {
    const r = await receiver({ status: 200, body: { ok: true, result: { message_id: 1 } } });
    await createTelegramNotifier({ botToken: TOKEN, chatId: -100, apiRoot: r.url }).send(alert);
    expect(r.received).toHaveLength(1);
    expect(r.received[0]!.path).toBe(`/bot${TOKEN}/sendMessage`);
    const body = JSON.parse(r.received[0]!.body);
    expect(body).toMatchObject({ chat_id: -100, parse_mode: 'HTML' });
    expect(body.text).toContain('Audio &lt;storage&gt; &amp; more');
    expect(body.reply_markup.inline_keyboard[0][0]).toEqual({ text: 'Acknowledge', callback_data: 'ack:42' });
  });

  it('a resolved alert has no button', async () => {
    const r = await receiver({ status: 200, body: { ok: true } });
    await createTelegramNotifier({ botToken: TOKEN, chatId: 1, apiRoot: r.url }).send({
      ...alert,
      state: 'resolved',
    });
    const body = JSON.parse(r.received[0]!.body);
    expect(body.text).toContain('Resolved');
    expect(body.reply_markup).toBeUndefined();
  });

  it('honours a short 429 retry_after by waiting and sending again', async () => {
    const r = await receiver({ status: 200, body: { ok: true } });
    r.replies.push({
      status: 429,
      body: {
        ok: false,
        error_code: 429,
        description: 'Too Many Requests: retry after 1',
        parameters: { retry_after: 1 },
      },
    });
    await createTelegramNotifier({ botToken: TOKEN, chatId: 1, apiRoot: r.url }).send(alert);
    expect(r.received).toHaveLength(2);
    expect(r.received[1]!.at - r.received[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('a long 429 retry_after is handed back to the caller as retryAfterMs', async () => {
    const r = await receiver({
      status: 429,
      body: { ok: false, error_code: 429, description: 'Too Many Requests', parameters: { retry_after: 60 } },
    });
    const err = await createTelegramNotifier({ botToken: TOKEN, chatId: 1, apiRoot: r.url })
      .send(alert)
      .catch((e) => e);
    expect(err).toBeInstanceOf(NotifyError);
    expect(err.retryAfterMs).toBe(60_000);
    expect(r.received).toHaveLength(1);
  });

  it('a wrong token gives a clear error that never contains the token', async () => {
    const r = await receiver({
      status: 401,
      body: { ok: false, error_code: 401, description: `Unauthorized ${TOKEN}` },
    });
    const err = await createTelegramNotifier({ botToken: TOKEN, chatId: 1, apiRoot: r.url })
      .send(alert)
      .catch((e) => e);
    expect(err.message).toMatch(/HTTP 401.*BOT_TOKEN/);
    expect(err.message).not.toContain('SECRET');
  });

  it('an unreachable API names the host, not the token', async () => {
    const r = await receiver();
    await r.close();
    closers = [];
    const err = await createTelegramNotifier({ botToken: TOKEN, chatId: 1, apiRoot: r.url })
      .send(alert)
      .catch((e) => e);
    expect(err.message).toContain('cannot reach http://127.0.0.1');
    expect(err.message).not.toContain('SECRET');
  });
});

describe('Slack notifier', () => {
  it('posts to the incoming webhook; errors hide the webhook path', async () => {
    const r = await receiver({ status: 200, body: 'ok' });
    const url = `${r.url}/services/T000/B000/XXXXSECRETXXXX`;
    await createSlackNotifier({ webhookUrl: url }).send(alert);
    const body = JSON.parse(r.received[0]!.body);
    expect(r.received[0]!.path).toBe('/services/T000/B000/XXXXSECRETXXXX');
    expect(body.text).toContain('[ERROR] Audio &lt;storage&gt; &amp; more');
    r.replies.push({ status: 404, body: 'no_service /services/T000/B000/XXXXSECRETXXXX' });
    const err = await createSlackNotifier({ webhookUrl: url })
      .send(alert)
      .catch((e) => e);
    expect(err.message).toMatch(/HTTP 404/);
    expect(err.message).not.toContain('XXXXSECRET');
  });
});

describe('generic webhook notifier', () => {
  it('posts the alert as JSON with an HMAC signature header', async () => {
    const r = await receiver({ status: 204 });
    await createWebhookNotifier({ url: `${r.url}/hook`, hmacSecret: 's3cret-key' }).send(alert);
    const got = r.received[0]!;
    expect(JSON.parse(got.body)).toEqual({ version: 1, alert });
    const expected = `sha256=${createHmac('sha256', 's3cret-key').update(got.body).digest('hex')}`;
    expect(got.headers[SIGNATURE_HEADER]).toBe(expected);
  });

  it('without a secret there is no signature; a 500 is an error with the status', async () => {
    const r = await receiver({ status: 500, body: 'boom' });
    const err = await createWebhookNotifier({ url: `${r.url}/hook?key=abcdSECRET` })
      .send(alert)
      .catch((e) => e);
    expect(r.received[0]!.headers[SIGNATURE_HEADER]).toBeUndefined();
    expect(err.message).toMatch(/HTTP 500: boom/);
    expect(err.message).not.toContain('abcdSECRET');
  });
});

describe('PagerDuty notifier', () => {
  it('triggers and resolves with dedup_key = fingerprint at the configured endpoint', async () => {
    const r = await receiver({ status: 202, body: { status: 'success', dedup_key: 'x' } });
    const pd = createPagerDutyNotifier({
      routingKey: 'R0UTINGKEY123',
      endpoint: `${r.url}/v2/enqueue`,
      source: 'test-host',
    });
    await pd.send(alert);
    await pd.send({ ...alert, state: 'resolved' });
    const [t, res] = r.received.map((x) => JSON.parse(x.body));
    expect(r.received[0]!.path).toBe('/v2/enqueue');
    expect(t).toMatchObject({
      routing_key: 'R0UTINGKEY123',
      event_action: 'trigger',
      dedup_key: 'storage_full:audio_storage',
      payload: { severity: 'error', source: 'test-host', component: 'storage_full' },
    });
    expect(res).toEqual({
      routing_key: 'R0UTINGKEY123',
      event_action: 'resolve',
      dedup_key: 'storage_full:audio_storage',
    });
  });

  it('a 429 carries Retry-After; the routing key never shows in errors', async () => {
    const r = await receiver({
      status: 429,
      body: { status: 'throttled', message: 'R0UTINGKEY123 throttled' },
      headers: { 'retry-after': '30' },
    });
    const err = await createPagerDutyNotifier({
      routingKey: 'R0UTINGKEY123',
      endpoint: `${r.url}/v2/enqueue`,
    })
      .send(alert)
      .catch((e) => e);
    expect(err.retryAfterMs).toBe(30_000);
    expect(err.message).not.toContain('R0UTINGKEY123');
  });
});
