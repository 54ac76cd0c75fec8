import { InvalidInputError } from '@llm-rag-yt/orchestrator';
import { parseTimeRange, parseVideoUrl } from '@llm-rag-yt/rag';
import type { Bot } from 'grammy';
import { escapeHtml, formatTimestamp, packMessages, truncate } from '../format.ts';
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

  /** A video by its id, its YouTube link, or the page URL it was indexed from (podcasts, other sites). */
  const findVideo = async (target: string) => {
    let parsed: ReturnType<typeof parseVideoUrl> | null = null;
    try {
      parsed = parseVideoUrl(target);
    } catch {
      // not a URL: an id as listed by /videos
    }
    if (parsed?.kind === 'video') return host.rag.getVideo(parsed.videoId);
    if (parsed?.kind === 'other')
      return (
        (await host.store.videos.findIndexedByUrl(target)) ??
        (await host.store.videos.findIndexedByUrl(parsed.url))
      );
    return host.rag.getVideo(target);
  };

  bot.command('summary', async (ctx) => {
    const [target, ...rest] = arg(ctx.match as string);
    if (!target)
      return void (await replyHtml(
        ctx,
        'Send /summary followed by a video link or id, and optionally a time range: /summary URL 10:00-20:00',
      ));
    const video = await findVideo(target);
    if (!video) return void (await replyHtml(ctx, 'I do not know that video. Send me its link to index it.'));
    if (rest.length) {
      try {
        const range = parseTimeRange(rest.join(' '));
        await ctx.replyWithChatAction('typing').catch(() => {});
        const part = await host.rag.summarizeRange(video.videoId, range);
        const title = `${video.title} · ${formatTimestamp(part.start)}–${formatTimestamp(part.end)}`;
        for (const m of summaryMessages(title, part)) await replyHtml(ctx, m);
        return;
      } catch (e) {
        if (!(e instanceof InvalidInputError)) throw e;
        return void (await replyHtml(ctx, `⚠️ ${escapeHtml(e.message)}`));
      }
    }
    const summary = await host.rag.summary(video.videoId);
    if (!summary)
      return void (await replyHtml(ctx, 'That video has no summary yet; it is made right after indexing.'));
    for (const m of summaryMessages(video.title, summary)) await replyHtml(ctx, m);
  });
}

/** Title, summary, key points linked to their moments, and how it was made: one message or a few. */
function summaryMessages(
  title: string,
  s: { summary: string; label: string; keyPoints: readonly { text: string; start: number; url: string }[] },
): string[] {
  const points = s.keyPoints.map(
    (p) =>
      `• <a href="${escapeHtml(p.url)}">${formatTimestamp(p.start)}</a> ${escapeHtml(truncate(p.text, 400))}`,
  );
  return packMessages(
    [
      `📝 <b>${escapeHtml(truncate(title, 300))}</b>\n${escapeHtml(s.summary)}`,
      points.join('\n'),
      `<i>${escapeHtml(s.label)}</i>`,
    ].filter(Boolean),
  );
}
