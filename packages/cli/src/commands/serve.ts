import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunningServer } from '@llm-rag-yt/server';
import type { Command } from 'commander';
import type { AppContext, AppRole } from '../app.ts';
import { EXIT, formatTime, table, UsageError } from '../io.ts';
import { type CommandEnv, json, loadOrchestrator, openAppLazy, out } from './env.ts';

/**
 * The built web UI: packages/web/dist in a checkout (from src/commands or the compiled
 * dist/chunks alike), `<package>/web` in the packed release (scripts/pack.mjs).
 */
const here = dirname(fileURLToPath(import.meta.url));
const WEB_DIST = [resolve(here, '../../../web/dist'), resolve(here, '../../web')].find((d) =>
  existsSync(resolve(d, 'index.html')),
);

export function registerServeCommands(program: Command, env: CommandEnv): void {
  program
    .command('dev')
    .description('Web UI + API + daemon in one process (+ Telegram bot when BOT_TOKEN is set)')
    .option('-p, --port <port>', 'HTTP port (default 3000 or PORT)')
    .option('-h, --host <host>', 'address to bind (default 127.0.0.1 or HOST)')
    .option('--no-bot', 'do not start the Telegram bot even if BOT_TOKEN is set')
    .action((o) => runDev(env, o));

  const daemon = program.command('daemon').description('The sensor/schedule/run-queue daemon');
  daemon
    .command('run')
    .description('Run the daemon until interrupted (one leader; others stand by)')
    .action(() =>
      serveUntilSignal(env, 'daemon', async (app) => {
        app.startDaemon();
        out(
          env,
          `Daemon running on ${describeDb(app)} (${app.config.redisUrl ? 'runs go to the Redis queue' : 'runs execute in this process'}). Ctrl-C to stop.`,
        );
      }),
    );
  daemon
    .command('status')
    .description('Heartbeats of daemons, workers and web servers')
    .option('--json', 'machine-readable output')
    .action(async (o) => {
      const app = await openAppLazy(env, 'cli');
      try {
        const { describeDaemonHealth } = await loadOrchestrator();
        const health = await describeDaemonHealth(app.storage, Date.now());
        if (o.json) return json(env, health);
        out(env, health.summary);
        out(
          env,
          table(
            health.heartbeats.map((h) => ({
              id: h.daemonId,
              type: h.daemonType,
              lastBeat: formatTime(h.timestamp),
              age: `${Math.round(h.ageMs / 1000)} s`,
              fresh: h.fresh ? 'yes' : 'NO',
            })),
          ),
        );
        if (!health.healthy) env.setExitCode(EXIT.FAILED);
      } finally {
        await app.close();
      }
    });

  program
    .command('webserver')
    .description('Only the web UI and API (scale out: run many; the daemon runs elsewhere)')
    .option('-p, --port <port>', 'HTTP port')
    .option('-h, --host <host>', 'address to bind')
    .action((o) =>
      serveUntilSignal(env, 'webserver', async (app) => {
        const server = await startHttp(env, app, o);
        out(env, `Web server listening on ${server.url}  (database: ${describeDb(app)}; Ctrl-C to stop)`);
        return () => server.close();
      }),
    );

  program
    .command('worker')
    .description('Execute runs from the Redis queue (distributed mode, needs REDIS_URL)')
    .option('-c, --concurrency <n>', 'runs at once', (v) => Number(v))
    .action((o) =>
      serveUntilSignal(env, 'worker', async (app) => {
        if (!app.config.redisUrl)
          throw new UsageError('`worker` needs REDIS_URL: in embedded mode the daemon executes runs itself.');
        const w = await app.startWorker(o.concurrency);
        out(env, `Worker ${w.workerId} consuming the run queue. Ctrl-C to stop.`);
        return async () => {
          // app.close() drains: running runs finish first. The signal handler is gone by now, so a
          // second signal ends the process at once and the daemon's monitor settles those runs.
          const n = w.activeRunIds().length;
          if (n)
            out(
              env,
              `Waiting for ${n} running run(s) to finish; signal again to stop at once (the daemon then fails or re-queues them).`,
            );
        };
      }),
    );

  program
    .command('demo')
    .description(
      'No internet needed: serve a generated captioned video locally, ingest it with youtube_processing_job, ask it a question',
    )
    .action(async () => {
      const { runDemo } = await import('./demo.ts');
      await runDemo(env);
    });
}

export async function runDev(
  env: CommandEnv,
  o: { port?: string; host?: string; bot?: boolean },
): Promise<void> {
  await serveUntilSignal(env, 'dev', async (app) => {
    const metrics = await createMetrics(app);
    // Bind first: a refused address (e.g. 0.0.0.0 without API_TOKENS) must not take the daemon lease on its way out.
    const server = await startHttp(env, app, o, metrics);
    app.startDaemon();
    let stopBot: (() => Promise<void>) | null = null;
    if (app.config.bot.token && o.bot !== false) {
      try {
        const { startBotForApp } = await import('./bot.ts');
        stopBot = await startBotForApp(env, app, undefined, metrics);
      } catch (e) {
        // An open listener would keep the process alive after the error is reported.
        await server.close();
        throw e;
      }
    }
    out(env, `llm-rag-yt is running: ${server.url}  (database: ${describeDb(app)}; Ctrl-C to stop)`);
    return async () => {
      await stopBot?.();
      await server.close();
    };
  });
}

type Metrics = Awaited<ReturnType<typeof createMetrics>>;

/** The Prometheus registry of this process (served at /metrics; the bot counts its messages in it). */
async function createMetrics(app: AppContext) {
  try {
    const m = await import('@llm-rag-yt/server');
    return m.createMetricsRegistry({ storage: app.storage, database: app.handle });
  } catch (e) {
    app.logger.warn({ err: e }, 'Prometheus metrics are unavailable');
    return null;
  }
}

async function startHttp(
  env: CommandEnv,
  app: AppContext,
  o: { port?: string; host?: string },
  metrics?: Metrics,
): Promise<RunningServer> {
  const port = o.port !== undefined ? Number(o.port) : app.config.server.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be 0..65535, got '${o.port}'.`);
  const host = o.host ?? app.config.server.host;
  const metricsRegistry = metrics === undefined ? await createMetrics(app) : metrics;
  // Hono and the API routes load only for the commands that serve HTTP.
  const { createApp, createMetricsHistory, startServer } = await import('@llm-rag-yt/server');
  const http = createApp({
    instance: app.instance,
    rag: app.rag,
    subscriptions: app.subscriptions,
    metricsHistory: createMetricsHistory(app.handle),
    metricsRegistry,
    auth: { tokens: app.config.server.tokens },
    allowedHosts: [...app.config.server.allowedHosts, ...(host === '0.0.0.0' || host === '::' ? [] : [host])],
    logger: app.logger,
    dataDir: app.config.dataDir,
    // api_log belongs to the RAG store: its repository is the one writer (cleanup_job prunes it).
    apiLog: app.store.apiLog,
    webDist: WEB_DIST ?? null,
  });
  void env;
  return startServer(http, { host, port });
}

function describeDb(app: AppContext): string {
  return app.handle.dialect === 'sqlite' ? app.config.databaseUrl.replace(/^sqlite:/, '') : 'PostgreSQL';
}

/** Opens the app, runs `start`, then waits for SIGINT/SIGTERM and shuts down cleanly. */
async function serveUntilSignal(
  env: CommandEnv,
  role: AppRole,
  start: (app: AppContext) => Promise<void | (() => Promise<void>)>,
): Promise<void> {
  const app = await openAppLazy(env, role);
  let stop: void | (() => Promise<void>);
  try {
    stop = await start(app);
  } catch (e) {
    await app.close();
    throw e;
  }
  await new Promise<void>((resolveSignal) => {
    const onSignal = (sig: string) => {
      out(env, `\n${sig} received, shutting down…`);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolveSignal();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  if (stop) await stop();
  await app.close();
}
