import { createTelegramNotifier } from '@llm-rag-yt/adapters';
import { migrateMonitoring, syncAlerts } from '@llm-rag-yt/rag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBotToken, type RunningBot, startTelegramBot } from '../src/index.ts';
import { ADMIN_CHAT, ALICE, BOB, MALLORY, startBotEnv } from './helpers/bot-env.ts';

describe('bot: access, limits, Telegram errors and bad input', () => {
  let s: Awaited<ReturnType<typeof startBotEnv>>;
  let bot: RunningBot;

  beforeAll(async () => {
    s = await startBotEnv({ rateLimitPerMinute: 25 });
    await migrateMonitoring(s.env.handle);
    const real = s.host.rag;
    // Fault injection for "a failing handler never stops the bot": everything else is the real service.
    const rag = {
      ...real,
      ask: (q: string, o?: Parameters<typeof real.ask>[1]) =>
        q.includes('explode') ? Promise.reject(new Error('database exploded')) : real.ask(q, o),
    };
    bot = await startTelegramBot({ ...s.host, rag }, { progressIntervalMs: 200 });
  }, 20_000);
  afterAll(async () => {
    await bot?.stop();
    await s?.close();
  });

  it('refuses strangers politely with their id (escaped name); allows listed ids and usernames', async () => {
    s.tg.sendText(MALLORY, 'what is a vector?');
    const refusal = await s.tg.waitForMessage(MALLORY.id, (m) => m.plain.includes('private'));
    expect(refusal.plain).toBe(
      'Sorry, Mallory <script>, this bot is private. Ask its admin to add your Telegram id 6666 to BOT_ALLOWED_USERS.',
    );
    expect(await s.env.store.users.get(MALLORY.id)).toMatchObject({ isAllowed: false });
    expect(await s.env.store.queries.list({ userId: MALLORY.id })).toEqual([]);

    s.tg.sendText(BOB, '/help'); // listed as '@Bob_the_builder': case and '@' do not matter
    await s.tg.waitForMessage(BOB.id, (m) => m.plain.includes('Commands'));
    expect(await s.env.store.users.get(BOB.id)).toMatchObject({
      isAllowed: true,
      username: 'bob_the_builder',
    });
  });

  it('rate-limits per user: told once when to retry, other users unaffected', async () => {
    const before = s.tg.messages(BOB.id).length;
    for (let i = 0; i < 27; i++) s.tg.sendText(BOB, '/start');
    const limited = await s.tg.waitForMessage(BOB.id, (m) => m.plain.includes('too fast'));
    expect(limited.plain).toMatch(/try again in \d+ s/);
    s.tg.sendText(ALICE, '/help');
    await s.tg.waitForMessage(ALICE.id, (m) => m.plain.includes('Commands'));
    // 25 tokens, one already spent on /help above: 24 greetings (± one refilled meanwhile), one notice, the rest dropped silently.
    const greetings = () =>
      s.tg
        .messages(BOB.id)
        .slice(before)
        .filter((m) => m.plain.startsWith('Hi Bob')).length;
    await s.tg.waitForMessage(BOB.id, () => greetings() >= 24);
    await new Promise((r) => setTimeout(r, 300));
    const bobs = s.tg.messages(BOB.id).slice(before);
    expect(bobs.filter((m) => m.plain.startsWith('Hi Bob')).length).toBeGreaterThanOrEqual(24);
    expect(bobs.filter((m) => m.plain.startsWith('Hi Bob')).length).toBeLessThanOrEqual(25);
    expect(bobs.filter((m) => m.plain.includes('too fast'))).toHaveLength(1);
  });

  it('honours a 429 from Telegram: the reply still arrives after retry_after', async () => {
    s.tg.failNext('sendMessage', {
      status: 429,
      description: 'Too Many Requests: retry after 1',
      retryAfter: 1,
    });
    const t0 = Date.now();
    s.tg.sendText(ALICE, '/videos');
    await s.tg.waitForMessage(ALICE.id, (m) => m.plain.startsWith('No videos yet'));
    const sends = s.tg.callsOf('sendMessage').filter((c) => c.at >= t0);
    expect(sends[0]!.status).toBe(429);
    expect(sends[1]!.status).toBe(200);
    expect(sends[1]!.at - sends[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('answers stickers, voice and files with a hint; unknown commands with /help', async () => {
    s.tg.sendMessageUpdate(ALICE, {
      sticker: {
        file_id: 'x',
        file_unique_id: 'x',
        type: 'regular',
        width: 1,
        height: 1,
        is_animated: false,
        is_video: false,
      },
    });
    s.tg.sendMessageUpdate(ALICE, { voice: { file_id: 'v', file_unique_id: 'v', duration: 2 } });
    s.tg.sendMessageUpdate(ALICE, { document: { file_id: 'd', file_unique_id: 'd', file_name: 'a.pdf' } });
    await s.tg.waitForMessage(
      ALICE.id,
      () => s.tg.messages(ALICE.id).filter((m) => m.plain.startsWith('I can only read text')).length === 3,
    );
    s.tg.sendText(ALICE, '/frobnicate now');
    const hint = await s.tg.waitForMessage(ALICE.id, (m) => m.plain.includes('/frobnicate'));
    expect(hint.plain).toBe("I don't know the command /frobnicate. Send /help to see what I can do.");
  });

  it('rejects malformed YouTube links with the reason, and over-long questions, storing nothing', async () => {
    s.tg.sendText(ALICE, 'look: youtube.com/watch?v=tooShort');
    const bad = await s.tg.waitForMessage(ALICE.id, (m) => m.plain.startsWith('❌'));
    expect(bad.plain).toContain("'tooShort' is not an 11-character video id");
    expect(await s.env.service.listRequests({ userId: ALICE.id })).toEqual([]);

    s.tg.sendText(ALICE, `why ${'very '.repeat(500)}long?`);
    const long = await s.tg.waitForMessage(ALICE.id, (m) => m.plain.includes('shorten'));
    expect(long.plain).toContain('2,509 characters');
    expect(await s.env.store.queries.list({ userId: ALICE.id })).toEqual([]);
  });

  it('answers presses of stale, unknown or malformed buttons without crashing', async () => {
    const old = s.tg.messages(ALICE.id)[0]!;
    for (const data of [
      'fb:999999:1',
      'more:424242',
      'retry:31337',
      'fb:1:7',
      'nonsense',
      'ack:1; DROP TABLE',
    ]) {
      const t0 = Date.now();
      s.tg.press(ALICE, old, data);
      const ans = await s.tg.waitForCall('answerCallbackQuery', (c) => c.at >= t0);
      expect(ans.params.text, data).toMatch(/expired|admin chat/);
    }
    expect(await s.env.store.queries.listFeedback(999999)).toEqual([]);
  });

  it('a failing handler logs, says "Something went wrong" and the bot keeps serving', async () => {
    s.tg.sendText(ALICE, 'please explode');
    await s.tg.waitForMessage(ALICE.id, (m) => m.plain.startsWith('Something went wrong'));
    expect(s.logs.some((l) => l.level === 'error' && String(l.obj.err).includes('database exploded'))).toBe(
      true,
    );
    s.tg.sendText(ALICE, 'what is a scalar?');
    const answer = await s.tg.waitForMessage(ALICE.id, (m) => m.plain.includes('I found nothing'));
    expect(answer.reply_markup?.inline_keyboard[0]).toHaveLength(3);
  });

  it('alerts: the Acknowledge button works only in the admin chat', async () => {
    const now = Date.now();
    const { raised } = await syncAlerts(
      s.env.handle,
      [
        {
          type: 'system_error',
          severity: 'critical',
          fingerprint: 'test:a',
          title: 'Disk <full>',
          message: 'm',
          details: {},
        },
        {
          type: 'storage_full',
          severity: 'error',
          fingerprint: 'test:b',
          title: 'Other',
          message: 'm',
          details: {},
        },
      ],
      { now, scope: () => false },
    );
    const notifier = createTelegramNotifier({
      botToken: s.tg.token,
      chatId: ADMIN_CHAT,
      apiRoot: s.tg.apiRoot,
    });
    const [a, b] = raised;
    await notifier.send({
      alertId: a!.id,
      type: a!.type,
      severity: a!.severity,
      title: a!.title,
      message: a!.message,
      details: {},
      createdAt: now,
      state: 'firing',
    });
    const msg = await s.tg.waitForMessage(ADMIN_CHAT, (m) => m.plain.includes('Disk <full>'));

    // The same button data pressed outside the admin chat does nothing.
    const t0 = Date.now();
    s.tg.press(ALICE, s.tg.messages(ALICE.id)[0]!, `ack:${b!.id}`);
    await s.tg.waitForCall(
      'answerCallbackQuery',
      (c) => c.at >= t0 && String(c.params.text).includes('admin chat'),
    );
    expect((await s.env.service.listAlerts()).find((x) => x.id === b!.id)?.status).toBe('open');

    s.tg.press(ALICE, msg, msg.reply_markup!.inline_keyboard[0]![0]!.callback_data!);
    await s.tg.waitForMessage(ADMIN_CHAT, (m) => m === msg && m.plain.includes('Acknowledged by @alice'));
    expect((await s.env.service.listAlerts()).find((x) => x.id === a!.id)).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: '@alice',
    });
  });

  it('a wrong token is a clear startup error that never shows the token', async () => {
    const wrong = '999999:WRONG_token_that_is_secret';
    const err = await startTelegramBot({ ...s.host, settings: { ...s.host.settings, token: wrong } }).catch(
      (e) => e,
    );
    expect(err.message).toBe(
      'Telegram rejected the bot token (401 Unauthorized): check BOT_TOKEN from @BotFather.',
    );
    await expect(checkBotToken(wrong, s.tg.apiRoot)).rejects.toThrow(/401 Unauthorized/);
    await expect(checkBotToken('not-a-token', s.tg.apiRoot)).rejects.toThrow(
      /does not look like a Telegram bot token/,
    );
    const unreachable = await checkBotToken(wrong, 'http://127.0.0.1:9').catch((e) => e);
    expect(unreachable.message).toMatch(/^Could not reach the Telegram Bot API at http:\/\/127\.0\.0\.1:9/);
    for (const e of [err, unreachable]) expect(`${e.message} ${e.stack}`).not.toContain('WRONG_token');
    expect(await checkBotToken(s.tg.token, s.tg.apiRoot)).toEqual({
      username: s.tg.bot.username,
      id: s.tg.bot.id,
    });
  });

  it('webhook mode: registers the webhook with a secret and serves updates posted to it', async () => {
    const hook = await startTelegramBot({
      ...s.host,
      settings: {
        ...s.host.settings,
        webhookUrl: 'https://bot.example.org/tg/hook',
        webhookListen: { host: '127.0.0.1', port: 0 },
      },
    });
    try {
      const set = await s.tg.waitForCall('setWebhook');
      expect(set.params).toMatchObject({ url: 'https://bot.example.org/tg/hook' });
      const secret = String(set.params.secret_token);
      expect(secret).toMatch(/^[0-9a-f]{32,}$/);
      const url = `http://127.0.0.1:${hook.webhookPort}/tg/hook`;
      const update = {
        update_id: 900001,
        message: {
          message_id: 77,
          date: 1,
          chat: { id: ALICE.id, type: 'private' },
          from: { ...ALICE, is_bot: false },
          text: '/help',
          entities: [{ type: 'bot_command', offset: 0, length: 5 }],
        },
      };
      const forged = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'nope' },
        body: JSON.stringify(update),
      });
      expect(forged.status).toBe(401);
      const before = s.tg.messages(ALICE.id).length;
      const ok = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
        body: JSON.stringify(update),
      });
      expect(ok.status).toBe(200);
      await s.tg.waitForMessage(
        ALICE.id,
        (m) => s.tg.messages(ALICE.id).indexOf(m) >= before && m.plain.includes('Commands'),
      );
    } finally {
      await hook.stop();
    }
  });
});
