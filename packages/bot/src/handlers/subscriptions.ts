import { InvalidInputError } from '@llm-rag-yt/orchestrator';
import { parseVideoUrl } from '@llm-rag-yt/rag';
import type { Bot } from 'grammy';
import { escapeHtml, truncate } from '../format.ts';
import { type BotServices, replyHtml } from './services.ts';

/** /subscribe URL, /subscriptions, /unsubscribe ID and /summary VIDEO (when the host has subscriptions). */
export function registerSubscriptionCommands(bot: Bot, svc: BotServices): void {
  const { host } = svc;
  const subs = host.subscriptions;
  const arg = (text: string | undefined) => (text ?? '').trim().split(/\s+/).filter(Boolean);

  bot.command('subscribe', async (ctx) => {
    if (!subs) return void (await replyHtml(ctx, 'Subscriptions are not enabled on this server.'));
    const [url] = arg(ctx.match as string);
    if (!url)
      return void (await replyHtml(ctx, 'Send /subscribe followed by a channel, playlist or feed URL.'));
    try {
      const s = await subs.subscribe(url, {
        ...(ctx.chat ? { chatId: ctx.chat.id } : {}),
        ...(ctx.from ? { userId: ctx.from.id } : {}),
      });
      await replyHtml(
        ctx,
        `✅ Subscribed #${s.id} to ${escapeHtml(s.url)}. New videos are indexed and announced here. /unsubscribe ${s.id} to stop.`,
      );
    } catch (e) {
      if (!(e instanceof InvalidInputError)) throw e;
      await replyHtml(ctx, `⚠️ ${escapeHtml(e.message)}`);
    }
  });

  bot.command('subscriptions', async (ctx) => {
    if (!subs) return void (await replyHtml(ctx, 'Subscriptions are not enabled on this server.'));
    const list = await subs.list(ctx.chat ? { chatId: ctx.chat.id } : {});
    if (!list.length)
      return void (await replyHtml(ctx, 'No subscriptions here. Add one with /subscribe URL.'));
    const lines = list.map(
      (s) =>
        `#${s.id} ${escapeHtml(truncate(s.title ?? s.url, 80))} · ${s.status} · ${s.videosFound} found` +
        (s.lastError ? `\n   ⚠️ ${escapeHtml(truncate(s.lastError, 200))}` : ''),
    );
    await replyHtml(ctx, `📡 <b>Subscriptions</b>\n${lines.join('\n')}`);
  });

  bot.command('unsubscribe', async (ctx) => {
    if (!subs) return void (await replyHtml(ctx, 'Subscriptions are not enabled on this server.'));
    const [raw] = arg(ctx.match as string);
    const id = Number(raw);
    const s = Number.isInteger(id) ? await subs.get(id) : undefined;
    if (!s || (ctx.chat && s.chatId !== null && s.chatId !== ctx.chat.id))
      return void (await replyHtml(ctx, 'Send /unsubscribe ID with an id from /subscriptions.'));
    await subs.remove(id);
    await replyHtml(ctx, `Unsubscribed #${id}. Videos already indexed stay searchable.`);
  });

  bot.command('summary', async (ctx) => {
    const [target] = arg(ctx.match as string);
    if (!target) return void (await replyHtml(ctx, 'Send /summary followed by a video link or id.'));
    let videoId = target;
    try {
      const parsed = parseVideoUrl(target);
      if (parsed.kind === 'video') videoId = parsed.videoId;
    } catch {
      // not a URL: an id as listed by /videos
    }
    const [video, summary] = await Promise.all([host.rag.getVideo(videoId), host.rag.summary(videoId)]);
    if (!video) return void (await replyHtml(ctx, 'I do not know that video. Send me its link to index it.'));
    if (!summary)
      return void (await replyHtml(ctx, 'That video has no summary yet; it is made right after indexing.'));
    const points = summary.keyPoints.map((p) => `• <a href="${escapeHtml(p.url)}">${escapeHtml(p.text)}</a>`);
    await replyHtml(
      ctx,
      `📝 <b>${escapeHtml(video.title)}</b>\n${escapeHtml(summary.summary)}\n\n${points.join('\n')}\n<i>${escapeHtml(summary.label)}</i>`,
    );
  });
}
