import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '@llm-rag-yt/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelegramBot } from '../src/index.ts';
import { startBotEnv } from './helpers/bot-env.ts';

describe('BOT_WEBHOOK_HOST / BOT_WEBHOOK_PORT → the webhook server', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'bot-config-'));
  let s: Awaited<ReturnType<typeof startBotEnv>>;
  beforeAll(async () => {
    s = await startBotEnv();
  }, 20_000);
  afterAll(async () => {
    await s?.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('defaults to loopback and the port of BOT_WEBHOOK_URL; a bad port is a clear config error', () => {
    expect(loadConfig({}, cwd).bot.webhookListen).toEqual({ host: '127.0.0.1' });
    expect(
      loadConfig({ BOT_WEBHOOK_PORT: '8443', BOT_WEBHOOK_HOST: '0.0.0.0' }, cwd).bot.webhookListen,
    ).toEqual({
      host: '0.0.0.0',
      port: 8443,
    });
    expect(() => loadConfig({ BOT_WEBHOOK_PORT: '70000' }, cwd)).toThrow(ConfigError);
    expect(() => loadConfig({ BOT_WEBHOOK_PORT: 'eighty' }, cwd)).toThrow(/BOT_WEBHOOK_PORT/);
  });

  it('the bot started with the loaded config listens where the config says', async () => {
    const config = loadConfig(
      {
        BOT_TOKEN: s.tg.token,
        TELEGRAM_API_ROOT: s.tg.apiRoot,
        BOT_ALLOWED_USERS: '1001',
        BOT_WEBHOOK_URL: 'https://bot.example.org:8443/tg/hook',
        BOT_WEBHOOK_PORT: '0', // random free port, as tests must
      },
      cwd,
    );
    const bot = await startTelegramBot({ ...s.host, settings: config.bot });
    try {
      expect(bot.mode).toBe('webhook');
      // Port 0 was honoured (not the URL's 8443), on the loopback host.
      expect(bot.webhookPort).toBeGreaterThan(0);
      expect(bot.webhookPort).not.toBe(8443);
      const res = await fetch(`http://127.0.0.1:${bot.webhookPort}/tg/hook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(res.status).toBe(401); // reached our server; no secret header
    } finally {
      await bot.stop();
    }
  });
});
