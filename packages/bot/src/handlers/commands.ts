import { describeDaemonHealth } from '@llm-rag-yt/orchestrator';
import type { Bot } from 'grammy';
import { escapeHtml, formatDuration, truncate } from '../format.ts';
import { type BotServices, replyHtml } from './services.ts';

/** The command menu registered with setMyCommands and shown by /help. */
export const BOT_COMMANDS: readonly { command: string; description: string }[] = Object.freeze([
  { command: 'start', description: 'What this bot does' },
  { command: 'help', description: 'How to use it' },
  { command: 'status', description: 'Pipeline health, videos and queue' },
  { command: 'videos', description: 'Indexed videos' },
  { command: 'verbose', description: 'Toggle step details in progress messages' },
  { command: 'cancel', description: 'Cancel your videos still being processed' },
  { command: 'subscribe', description: 'Follow a channel, playlist or feed: /subscribe URL' },
  { command: 'subscriptions', description: 'What this chat follows' },
  { command: 'unsubscribe', description: 'Stop following: /unsubscribe ID' },
  { command: 'summary', description: "A video's summary: /summary URL, or a part: /summary URL 10:00-20:00" },
]);

const HELP = [
  '<b>Send me</b>',
  '• a YouTube link (video, shorts, playlist or channel; several per message are fine) or another page with a video: I download, transcribe and index it and show the progress;',
  '• any other text: a question, answered from the indexed videos with links to the exact moment.',
  '',
  '<b>Commands</b>',
  ...BOT_COMMANDS.map((c) => `/${c.command} — ${c.description}`),
].join('\n');

export function registerCommands(bot: Bot, svc: BotServices): void {
  const { host } = svc;

  bot.command('start', (ctx) =>
    replyHtml(
      ctx,
      `Hi ${escapeHtml(ctx.from?.first_name ?? '')}! I turn YouTube videos into something you can ask questions about.\n\n${HELP}`,
    ),
  );

  bot.command('help', (ctx) => replyHtml(ctx, HELP));

  bot.command('status', async (ctx) => {
    const [health, stats] = await Promise.all([
      describeDaemonHealth(host.storage, svc.now()),
      host.rag.stats(),
    ]);
    const r = stats.requests;
    const lines = [
      `${health.healthy ? '🟢' : '🔴'} <b>Pipeline</b>: ${escapeHtml(health.summary)}`,
      `🎬 Videos indexed: <b>${stats.videos}</b> · passages: <b>${stats.chunks}</b>`,
      `📥 Requests: ${r.pending ?? 0} pending · ${r.processing ?? 0} processing · ${r.completed ?? 0} done · ${r.failed ?? 0} failed`,
      `🧵 Runs queued: ${stats.queuedRuns}`,
      `🔎 Search: ${stats.embedder ? `hybrid (${escapeHtml(stats.embedder)})` : 'lexical (no embedder configured)'}`,
    ];
    const workers = health.heartbeats.filter((h) => h.daemonType !== 'daemon' && h.fresh);
    if (workers.length)
      lines.push(`👷 Live ${workers.map((w) => escapeHtml(w.daemonType)).join(', ')}: ${workers.length}`);
    await replyHtml(ctx, lines.join('\n'));
  });

  bot.command('verbose', async (ctx) => {
    const userId = ctx.from!.id;
    const next = !((await host.store.users.get(userId))?.verbose ?? false);
    await host.store.users.setFlags(userId, { verbose: next });
    svc.tracker.setVerbose(userId, next);
    await replyHtml(
      ctx,
      next
        ? '🔬 Verbose mode <b>on</b>: progress messages show how long each step took.'
        : 'Verbose mode <b>off</b>: progress messages show only the stage.',
    );
  });

  bot.command('cancel', async (ctx) => {
    const n = await host.rag.cancelRequests({ userId: ctx.from!.id });
    await host.store.activity.add({ userId: ctx.from!.id, action: 'cancel', details: { canceled: n } });
    await replyHtml(
      ctx,
      n
        ? `🛑 Canceled ${n} request${n === 1 ? '' : 's'} (and ${n === 1 ? 'its run' : 'their runs'}).`
        : 'You have nothing being processed.',
    );
  });

  bot.command('videos', async (ctx) => {
    const videos = await host.rag.listVideos({ limit: 30 });
    if (!videos.length) {
      await replyHtml(ctx, 'No videos yet. Send me a YouTube link to index one.');
      return;
    }
    const lines = videos.map((v) => {
      const duration = v.durationSeconds ? ` · ${formatDuration(v.durationSeconds * 1000)}` : '';
      const status = v.status === 'indexed' ? `${v.chunkCount} passages` : v.status;
      return `• <a href="${escapeHtml(v.url)}">${escapeHtml(truncate(v.title, 100))}</a>${duration} · ${status}`;
    });
    await replyHtml(
      ctx,
      `🎬 <b>Videos</b> (${videos.length}${videos.length === 30 ? ', newest first' : ''})\n${lines.join('\n')}`,
    );
  });
}
