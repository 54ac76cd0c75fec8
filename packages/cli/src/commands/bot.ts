import type { Command } from 'commander';
import type { AppContext } from '../app.ts';
import { EXIT, formatTime, table, UsageError } from '../io.ts';
import { appRunner, type CommandEnv, json, openAppLazy, out } from './env.ts';

/** What the CLI needs of packages/bot (loaded lazily so other commands never load grammY). */
interface BotModule {
  startTelegramBot(
    app: BotHost & { metrics?: unknown },
  ): Promise<{ username: string; stop(): Promise<void> }>;
  checkBotToken(token: string, apiRoot: string): Promise<{ username: string; id: number }>;
}

/** The slice of the app the bot uses. */
export type BotHost = Pick<
  AppContext,
  'rag' | 'subscriptions' | 'store' | 'instance' | 'storage' | 'logger'
> & {
  settings: AppContext['config']['bot'];
};

async function loadBot(): Promise<BotModule> {
  return (await import('@llm-rag-yt/bot')) as unknown as BotModule;
}

/** Prometheus counters of this process, when it serves /metrics. */
interface TelegramCounters {
  telegramMessages: { inc(labels: { direction: string }): void };
  telegramErrors: { inc(labels: { method: string }): void };
}

export async function startBotForApp(
  env: CommandEnv,
  app: AppContext,
  token?: string,
  counters?: TelegramCounters | null,
): Promise<() => Promise<void>> {
  const settings = { ...app.config.bot, token: token ?? app.config.bot.token };
  if (!settings.token)
    throw new UsageError('No Telegram bot token: set BOT_TOKEN (from @BotFather) or pass --token.');
  const mod = await loadBot();
  const bot = await mod.startTelegramBot({
    rag: app.rag,
    subscriptions: app.subscriptions,
    store: app.store,
    instance: app.instance,
    storage: app.storage,
    logger: app.logger,
    settings,
    metrics: counters
      ? {
          message: (direction: 'in' | 'out') => counters.telegramMessages.inc({ direction }),
          apiError: (method: string) => counters.telegramErrors.inc({ method }),
        }
      : undefined,
  });
  out(env, `Telegram bot @${bot.username} is running.`);
  return () => bot.stop();
}

export function registerBotCommands(program: Command, env: CommandEnv): void {
  const withApp = appRunner(env);
  const bot = program.command('bot').description('Telegram bot');

  bot
    .command('start')
    .description('Run the Telegram bot (long polling; webhook when BOT_WEBHOOK_URL is set)')
    .option('--token <token>', 'bot token (default BOT_TOKEN)')
    .action(async (o) => {
      const app = await openAppLazy(env, 'bot');
      try {
        const stop = await startBotForApp(env, app, o.token);
        if (!(await app.daemonIsLive()))
          out(
            env,
            'Note: no daemon is running, so submitted videos wait until one starts (llm-rag-yt daemon run).',
          );
        await new Promise<void>((res) => {
          process.once('SIGINT', () => res());
          process.once('SIGTERM', () => res());
        });
        await stop();
      } finally {
        await app.close();
      }
    });

  bot
    .command('status')
    .description('Token check, users and recent activity')
    .option('--json', 'machine-readable output')
    .action((o) =>
      withApp(async (app) => {
        const s = app.config.bot;
        let identity: string;
        if (!s.token) identity = 'no BOT_TOKEN configured';
        else {
          try {
            const me = await (await loadBot()).checkBotToken(s.token, s.apiRoot);
            identity = `@${me.username} (token valid)`;
          } catch (e) {
            identity = `token check failed: ${(e as Error).message}`;
            env.setExitCode(EXIT.FAILED);
          }
        }
        const users = await app.store.users.count();
        const stats = await app.rag.stats();
        const status = {
          bot: identity,
          access: s.openAccess ? 'open to everyone' : `allow-list (${s.allowedUsers.length} users)`,
          adminChat: s.adminChatId ? 'configured' : 'not configured',
          users,
          videos: stats.videos,
          chunks: stats.chunks,
          requests: stats.requests,
        };
        if (o.json) return json(env, status);
        for (const [k, v] of Object.entries(status))
          out(env, `${k.padEnd(10)} ${typeof v === 'object' ? JSON.stringify(v) : v}`);
      }),
    );

  bot
    .command('add-url <url>')
    .description('Submit a URL on behalf of a Telegram user')
    .requiredOption('--user-id <n>', 'Telegram user id', (v) => {
      if (!/^\d+$/.test(v)) throw new UsageError(`--user-id must be a number, got '${v}'.`);
      return Number(v);
    })
    .action((url: string, o) =>
      withApp(async (app) => {
        const res = await app.rag.submitUrls([url], { userId: o.userId, source: 'bot' });
        for (const r of res.rejected) {
          env.io.stderr.write(`rejected ${r.url}: ${r.reason}\n`);
          env.setExitCode(EXIT.USAGE);
        }
        for (const r of res.requests)
          out(env, `request #${r.id} for user ${o.userId}: ${r.url} (${r.status})`);
      }),
    );

  bot
    .command('list-users')
    .option('--json', 'machine-readable output')
    .action((o) =>
      withApp(async (app) => {
        const users = await app.store.users.list(500);
        if (o.json) return json(env, users);
        out(env, table(users as unknown as Record<string, unknown>[]));
      }),
    );

  bot
    .command('alerts')
    .description('Open and recent alerts')
    .option('--all', 'include resolved alerts')
    .option('--json', 'machine-readable output')
    .action((o) =>
      withApp(async (app) => {
        const alerts = await app.rag.listAlerts(o.all ? { limit: 100 } : { status: 'open', limit: 100 });
        if (o.json) return json(env, alerts);
        out(
          env,
          table(
            alerts.map((a) => ({
              id: a.id,
              severity: a.severity,
              type: a.type,
              status: a.status,
              title: a.title,
              created: formatTime(a.createdAt),
            })),
          ),
        );
      }),
    );

  bot.command('ack-alert <id>').action((id: string) =>
    withApp(async (app) => {
      if (!/^\d+$/.test(id)) throw new UsageError(`Alert id must be a number, got '${id}'.`);
      const a = await app.rag.acknowledgeAlert(Number(id), 'cli');
      out(env, `Alert #${a.id} ${a.status}.`);
    }),
  );

  bot
    .command('cleanup')
    .description('Run cleanup_job now (old audio, files, runs, alerts)')
    .action(() =>
      withApp(async (app) => {
        const run = await app.instance.submitRun({ jobName: 'cleanup_job', origin: 'cli' });
        const stop = await app.ensureExecutor();
        try {
          const final = await app.instance.waitForRun(run.runId);
          out(env, `cleanup_job ${final.status}${final.error ? `: ${final.error.message}` : ''}`);
          if (final.status !== 'SUCCESS') env.setExitCode(EXIT.FAILED);
        } finally {
          await stop();
        }
      }),
    );
}
