import { autoRetry } from '@grammyjs/auto-retry';
import { errorMessage } from '@llm-rag-yt/orchestrator';
import { Bot, BotError, type Context, GrammyError, HttpError, type NextFunction } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { registerCallbacks } from './handlers/callbacks.ts';
import { registerCommands } from './handlers/commands.ts';
import { gate } from './handlers/gate.ts';
import { registerMessages } from './handlers/messages.ts';
import type { BotServices } from './handlers/services.ts';
import { registerSubscriptionCommands } from './handlers/subscriptions.ts';
import type { BotHost } from './host.ts';
import { createProgressMessageStore } from './progress-store.ts';
import { createProgressTracker, type ProgressTracker } from './progress-tracker.ts';
import { createRateLimiter } from './rate-limit.ts';
import { type ChatApi, redactToken } from './telegram-api.ts';

export interface CreateBotOptions {
  /** Skip getMe (tests that drive `handleUpdate` without a server). */
  botInfo?: UserFromGetMe;
  /**
   * Handle different chats concurrently (one chat stays in order), so a slow question never
   * holds up other users. Off by default so `await bot.handleUpdate(u)` finishes the work.
   */
  concurrentChats?: boolean;
  /** Progress polling interval; default 1 s. */
  progressIntervalMs?: number;
  /** Longest Telegram `retry_after` waited out in place; longer ones fail the call. Default 60 s. */
  maxRetryAfterSeconds?: number;
  now?: () => number;
}

export interface TelegramBot {
  readonly bot: Bot;
  readonly tracker: ProgressTracker;
  /** Resolves when every update being handled (concurrent mode) has finished. */
  drain(): Promise<void>;
}

/**
 * The grammY bot with every handler, not started (`startTelegramBot` runs it).
 *
 * @example
 * const bot = createBot(host, { botInfo });
 * await bot.handleUpdate({ update_id: 1, message: { … text: '/help' } });
 */
export function createBot(host: BotHost, opts: CreateBotOptions = {}): Bot {
  return createTelegramBot(host, opts).bot;
}

/** The bot plus its progress tracker and a drain for concurrent handling. @internal */
export function createTelegramBot(host: BotHost, opts: CreateBotOptions = {}): TelegramBot {
  const token = host.settings.token;
  if (!token) throw new Error('No Telegram bot token: set BOT_TOKEN (from @BotFather).');
  const bot = new Bot(token, {
    client: { apiRoot: host.settings.apiRoot.replace(/\/+$/, '') },
    ...(opts.botInfo ? { botInfo: opts.botInfo } : {}),
  });
  // 429 Too Many Requests: wait retry_after and resend (also 5xx and network errors, a few times).
  bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: opts.maxRetryAfterSeconds ?? 60 }));
  bot.api.config.use(async (prev, method, payload, signal) => {
    const res = await prev(method, payload, signal);
    if (!res.ok) host.metrics?.apiError(method);
    else if (method === 'sendMessage') host.metrics?.message('out');
    return res;
  });

  const chat: ChatApi = {
    send: (chatId, html, replyMarkup) =>
      bot.api.sendMessage(chatId, html, {
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
        ...(replyMarkup ? { reply_markup: replyMarkup } : {}),
      }),
    async edit(chatId, messageId, html, replyMarkup) {
      await bot.api.editMessageText(chatId, messageId, html, {
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
        ...(replyMarkup ? { reply_markup: replyMarkup } : {}),
      });
    },
  };
  const tracker = createProgressTracker({
    rag: host.rag,
    store: host.store,
    api: chat,
    messages: createProgressMessageStore(host.store.handle),
    logger: host.logger,
    intervalMs: opts.progressIntervalMs,
  });
  const svc: BotServices = {
    host,
    tracker,
    limiter: createRateLimiter(host.settings.rateLimitPerMinute),
    chat,
    now: opts.now ?? Date.now,
  };

  const onError = async (err: BotError): Promise<void> => {
    const ctx = err.ctx;
    const e = err.error;
    host.logger.error(
      {
        err: redactToken(errorMessage(e), token),
        updateId: ctx.update.update_id,
        chatId: ctx.chat?.id,
        kind: e instanceof GrammyError ? 'telegram' : e instanceof HttpError ? 'network' : 'handler',
      },
      'Telegram update handler failed',
    );
    // The user sees that something broke; the bot keeps serving (the error never leaves here).
    try {
      if (ctx.callbackQuery)
        await ctx.answerCallbackQuery({ text: 'Something went wrong. Please try again.' });
      else if (ctx.chat)
        await ctx.reply('Something went wrong while handling your message. Please try again in a moment.');
    } catch {
      // Telegram itself is failing; the log line above is all we can do.
    }
  };
  bot.catch(onError);

  const tails = new Map<number, Promise<void>>();
  if (opts.concurrentChats) {
    bot.use((ctx: Context, next: NextFunction) => {
      const key = ctx.chat?.id ?? ctx.from?.id ?? 0;
      const run = (tails.get(key) ?? Promise.resolve())
        .then(() => next())
        .catch((e) => onError(e instanceof BotError ? e : new BotError(e, ctx)));
      tails.set(key, run);
      void run.finally(() => {
        if (tails.get(key) === run) tails.delete(key);
      });
      // Returning at once lets the polling loop hand over the next update.
      return Promise.resolve();
    });
  }
  bot.use(gate(svc));
  registerCommands(bot, svc);
  registerSubscriptionCommands(bot, svc);
  registerCallbacks(bot, svc);
  registerMessages(bot, svc);

  return Object.freeze({
    bot,
    tracker,
    async drain() {
      while (tails.size) await Promise.allSettled([...tails.values()]);
    },
  });
}
