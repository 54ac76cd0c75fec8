import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorMessage } from '@llm-rag-yt/orchestrator';
import { Api, GrammyError, HttpError, webhookCallback } from 'grammy';
import { type CreateBotOptions, createTelegramBot } from './create-bot.ts';
import { BOT_COMMANDS } from './handlers/commands.ts';
import type { BotHost } from './host.ts';
import { redactToken } from './telegram-api.ts';

/** The bot could not start; the message says what to fix and never contains the token. */
export class BotStartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BotStartupError';
  }
}

export interface RunningBot {
  readonly username: string;
  readonly mode: 'polling' | 'webhook';
  /** The local port of the webhook server (webhook mode). */
  readonly webhookPort?: number;
  stop(): Promise<void>;
}

const ALLOWED_UPDATES = ['message', 'callback_query'] as const;
const TOKEN_SHAPE = /^\d{3,}:[A-Za-z0-9_-]{10,}$/;

function startupError(e: unknown, apiRoot: string, token: string): BotStartupError {
  if (e instanceof GrammyError && (e.error_code === 401 || e.error_code === 404))
    return new BotStartupError(
      `Telegram rejected the bot token (${e.error_code} ${e.error_code === 401 ? 'Unauthorized' : 'Not Found'}): check BOT_TOKEN from @BotFather.`,
    );
  if (e instanceof GrammyError)
    return new BotStartupError(`Telegram refused '${e.method}' (${e.error_code}: ${e.description}).`);
  if (e instanceof HttpError)
    return new BotStartupError(
      `Could not reach the Telegram Bot API at ${apiRoot}: ${redactToken(errorMessage(e.error), token)}. Check the network or TELEGRAM_API_ROOT.`,
    );
  return new BotStartupError(`Could not start the Telegram bot: ${redactToken(errorMessage(e), token)}`);
}

function checkShape(token: string): void {
  if (!TOKEN_SHAPE.test(token.trim()))
    throw new BotStartupError(
      'BOT_TOKEN does not look like a Telegram bot token (expected <digits>:<letters>, as issued by @BotFather).',
    );
}

/**
 * Asks Telegram who the token belongs to (getMe).
 *
 * @example
 * const me = await checkBotToken(token, 'https://api.telegram.org'); // { username: 'my_rag_bot', id: 123 }
 * @throws BotStartupError with a fix-it message (wrong token, unreachable API); never includes the token.
 */
export async function checkBotToken(
  token: string,
  apiRoot: string,
): Promise<{ username: string; id: number }> {
  checkShape(token);
  const api = new Api(token, { apiRoot: apiRoot.replace(/\/+$/, '') });
  try {
    const me = await api.getMe();
    return { username: me.username, id: me.id };
  } catch (e) {
    throw startupError(e, apiRoot, token);
  }
}

/**
 * Starts the bot: long polling, or a webhook server when `settings.webhookUrl` is set. Resolves
 * once Telegram accepted the token and updates flow; `stop()` ends polling (or closes the
 * webhook server), the progress tracker and in-flight handlers.
 */
export async function startTelegramBot(host: BotHost, opts: CreateBotOptions = {}): Promise<RunningBot> {
  const { settings, logger } = host;
  const token = settings.token?.trim();
  if (!token)
    throw new BotStartupError('No Telegram bot token: set BOT_TOKEN (from @BotFather) or pass --token.');
  checkShape(token);
  if (!settings.openAccess && settings.allowedUsers.length === 0)
    logger.warn({}, 'BOT_ALLOWED_USERS is empty and BOT_OPEN_ACCESS is off: the bot will refuse everyone');
  const tb = createTelegramBot(
    { ...host, settings: { ...settings, token } },
    { concurrentChats: true, ...opts },
  );
  const { bot, tracker } = tb;
  // The bot's own API retries network errors forever (auto-retry); check reachability and the
  // token once without it so start-up fails fast with a clear message.
  await checkBotToken(token, settings.apiRoot);
  try {
    await bot.init();
  } catch (e) {
    throw startupError(e, settings.apiRoot, token);
  }
  const username = bot.botInfo.username;
  // Progress messages of work that went on while the bot was down are picked up again.
  let resumed: number;
  try {
    resumed = await tracker.resume();
  } catch (e) {
    throw new BotStartupError(
      `Could not read the stored progress messages (table bot_progress_messages): ${errorMessage(e)}. Check DATABASE_URL and that the database is reachable.`,
    );
  }
  await bot.api
    .setMyCommands([...BOT_COMMANDS])
    .catch((e) =>
      logger.warn({ err: redactToken(errorMessage(e), token) }, 'could not register the command menu'),
    );

  if (settings.webhookUrl) {
    const server = await startWebhookServer(host, tb.bot, token);
    const port = (server.address() as AddressInfo).port;
    try {
      await bot.api.setWebhook(settings.webhookUrl, {
        secret_token: webhookSecret(token),
        allowed_updates: [...ALLOWED_UPDATES],
      });
    } catch (e) {
      await new Promise((res) => server.close(res));
      throw startupError(e, settings.apiRoot, token);
    }
    tracker.start();
    logger.info(
      { username, webhookUrl: settings.webhookUrl, port, resumed },
      'Telegram bot started (webhook)',
    );
    return Object.freeze({
      username,
      mode: 'webhook' as const,
      webhookPort: port,
      async stop() {
        await tracker.stop();
        await new Promise((res) => server.close(res));
        server.closeAllConnections();
        await tb.drain();
      },
    });
  }

  let polling!: Promise<void>;
  await new Promise<void>((resolve, reject) => {
    polling = bot.start({ allowed_updates: [...ALLOWED_UPDATES], onStart: () => resolve() });
    polling.catch(reject);
  }).catch((e) => {
    throw startupError(e, settings.apiRoot, token);
  });
  // After start-up the loop only ends on stop(), a revoked token (401) or a second poller (409).
  polling.catch((e) =>
    logger.error({ err: redactToken(errorMessage(e), token) }, 'Telegram long polling stopped'),
  );
  tracker.start();
  logger.info({ username, resumed }, 'Telegram bot started (long polling)');
  return Object.freeze({
    username,
    mode: 'polling' as const,
    async stop() {
      await tracker.stop();
      if (bot.isRunning()) await bot.stop().catch(() => {});
      await polling.catch(() => {});
      await tb.drain();
    },
  });
}

/** Telegram echoes this in X-Telegram-Bot-Api-Secret-Token; derived so restarts keep it stable. */
function webhookSecret(token: string): string {
  return createHash('sha256').update(`webhook:${token}`).digest('hex').slice(0, 48);
}

async function startWebhookServer(
  host: BotHost,
  bot: Parameters<typeof webhookCallback>[0],
  token: string,
): Promise<Server> {
  const url = new URL(host.settings.webhookUrl!);
  const path = url.pathname || '/';
  const handle = webhookCallback(bot, 'http', { secretToken: webhookSecret(token), onTimeout: 'return' });
  const server = createServer((req, res) => {
    const reqPath = (req.url ?? '/').split('?')[0];
    if (req.method !== 'POST' || reqPath !== path) {
      res.writeHead(404).end();
      return;
    }
    handle(req, res).catch((e: unknown) => {
      host.logger.error({ err: redactToken(errorMessage(e), token) }, 'webhook update failed');
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  const listen = host.settings.webhookListen ?? {};
  const port = listen.port ?? (url.port ? Number(url.port) : 8080);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) =>
      reject(
        new BotStartupError(
          `Could not listen for webhooks on ${listen.host ?? '127.0.0.1'}:${port}: ${errorMessage(e)}. Set BOT_WEBHOOK_PORT / BOT_WEBHOOK_HOST.`,
        ),
      ),
    );
    server.listen(port, listen.host ?? '127.0.0.1', () => resolve());
  });
  return server;
}
