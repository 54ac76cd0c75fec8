/*
 * The bot's test stack: the real RAG stack (SQLite, daemon, yt-dlp, ffmpeg; see
 * packages/rag/test/helpers-rag-env.ts), the local fake Telegram Bot API, and a log recorder.
 */

import { createTelegramMessenger } from '@llm-rag-yt/adapters';
import { startRagEnv } from '../../../rag/test/helpers-rag-env.ts';
import type { BotHost, BotSettings } from '../../src/host.ts';
import { type FakeUser, startFakeTelegram } from './fake-telegram.ts';

export const ALICE: FakeUser = { id: 1001, first_name: 'Alice', username: 'alice' };
export const BOB: FakeUser = { id: 1002, first_name: 'Bob', username: 'bob_the_builder' };
export const MALLORY: FakeUser = { id: 6666, first_name: 'Mallory <script>' };
export const ADMIN_CHAT = -100777;

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  obj: Record<string, unknown>;
  msg?: string;
}

export function recordingLogger() {
  const lines: LogLine[] = [];
  const log = (level: LogLine['level']) => (obj: Record<string, unknown>, msg?: string) => {
    lines.push({ level, obj, msg });
  };
  return { lines, logger: { info: log('info'), warn: log('warn'), error: log('error') } };
}

export async function startBotEnv(
  settings: Partial<BotSettings> = {},
  opts: {
    /** More of the RAG stack's options (subscription settings, a feed reader, …). */
    rag?: Parameters<typeof startRagEnv>[0];
    /** Subscriptions on, with notices sent through the fake Telegram as the app wires them. */
    subscriptions?: boolean;
  } = {},
) {
  const tg = await startFakeTelegram();
  const messenger = opts.subscriptions
    ? { messenger: createTelegramMessenger({ botToken: tg.token, apiRoot: tg.apiRoot }) }
    : {};
  const env = await startRagEnv({
    ...opts.rag,
    resources: { ...opts.rag?.resources, ...messenger },
  });
  const { lines, logger } = recordingLogger();
  const host: BotHost = {
    rag: env.service,
    ...(opts.subscriptions ? { subscriptions: env.subscriptions } : {}),
    store: env.store,
    instance: env.instance,
    storage: env.storage,
    logger,
    settings: {
      token: tg.token,
      adminChatId: String(ADMIN_CHAT),
      apiRoot: tg.apiRoot,
      allowedUsers: ['1001', '@Bob_the_builder'],
      openAccess: false,
      rateLimitPerMinute: 30,
      webhookUrl: null,
      ...settings,
    },
  };
  return {
    env,
    tg,
    host,
    logs: lines,
    async close() {
      await tg.close();
      await env.close();
    },
  };
}
