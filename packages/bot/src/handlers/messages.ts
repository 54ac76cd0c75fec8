import { describeDaemonHealth } from '@llm-rag-yt/orchestrator';
import type { Bot, Context } from 'grammy';
import { renderAnswer } from '../answer-view.ts';
import { escapeHtml, hideLocalPaths, truncate } from '../format.ts';
import { extractLinks } from '../links.ts';
import { renderProgress, viewKey } from '../progress-view.ts';
import { BOT_COMMANDS } from './commands.ts';
import { type BotServices, isUserFacingError, replyHtml } from './services.ts';

/** Same limit as RagService.ask; checked here to answer kindly before any work. */
export const MAX_QUESTION_CHARS = 2000;
/** Links per message; more is almost always a paste accident. */
export const MAX_LINKS_PER_MESSAGE = 20;

const KNOWN = new Set(BOT_COMMANDS.map((c) => c.command));

export function registerMessages(bot: Bot, svc: BotServices): void {
  // Forwarded messages arrive here too and are treated like typed ones.
  bot.on('message:text', async (ctx) => {
    const text = ctx.message.text;
    const command = /^\/([A-Za-z0-9_]+)(@\w+)?/.exec(text);
    if (command) {
      const name = command[1]!.toLowerCase();
      await replyHtml(
        ctx,
        KNOWN.has(name)
          ? `Please send /${name} on its own.`
          : `I don't know the command /${escapeHtml(truncate(command[1]!, 40))}. Send /help to see what I can do.`,
      );
      return;
    }
    const links = extractLinks(text, ctx.message.entities ?? []);
    if (links.length) await submitLinks(ctx, svc, links);
    else await answerQuestion(ctx, svc, text);
  });

  bot.on('message', (ctx) =>
    replyHtml(
      ctx,
      'I can only read text messages. Send me a YouTube link to index a video, or type a question about the videos.',
    ),
  );
}

async function submitLinks(ctx: Context, svc: BotServices, links: string[]): Promise<void> {
  const { host, tracker } = svc;
  const userId = ctx.from!.id;
  const chatId = ctx.chat!.id;
  if (links.length > MAX_LINKS_PER_MESSAGE) {
    await replyHtml(
      ctx,
      `That message has ${links.length} links; send at most ${MAX_LINKS_PER_MESSAGE} per message (a playlist link counts as one).`,
    );
    return;
  }
  const result = await host.rag.submitUrls(links, { userId, chatId, source: 'bot' });
  if (result.rejected.length) {
    const lines = result.rejected.map((r) => `• ${escapeHtml(truncate(r.reason, 500))}`);
    await replyHtml(
      ctx,
      `❌ I can't use ${result.rejected.length === 1 ? 'this link' : 'these links'}:\n${lines.join('\n')}`,
    );
  }
  if (!result.requests.length) return;
  const health = await describeDaemonHealth(host.storage, svc.now());
  if (!health.healthy)
    await replyHtml(
      ctx,
      '⚠️ The pipeline is not running right now; your videos wait in the queue until it starts.',
    );
  for (const r of result.requests) {
    const view = renderProgress(r, { verbose: (await host.store.users.get(userId))?.verbose ?? false });
    const sent = await svc.chat.send(chatId, view.text, view.replyMarkup);
    await tracker.track({
      requestId: r.id,
      chatId,
      messageId: sent.message_id,
      userId,
      expands: r.videoId === null,
      shown: viewKey(view),
    });
  }
}

async function answerQuestion(ctx: Context, svc: BotServices, text: string): Promise<void> {
  const question = text.trim();
  if (question.length > MAX_QUESTION_CHARS) {
    await replyHtml(
      ctx,
      `Your message is ${question.length.toLocaleString('en')} characters long. Please shorten the question to at most ${MAX_QUESTION_CHARS.toLocaleString('en')} characters.`,
    );
    return;
  }
  // Best effort: "typing…" while retrieval and the LLM work.
  await ctx.replyWithChatAction('typing').catch(() => {});
  let result: Awaited<ReturnType<BotServices['host']['rag']['ask']>>;
  try {
    result = await svc.host.rag.ask(question, { userId: ctx.from!.id, source: 'bot' });
  } catch (e) {
    if (!isUserFacingError(e)) throw e;
    await replyHtml(ctx, escapeHtml(hideLocalPaths(e.message)));
    return;
  }
  const { messages, replyMarkup } = renderAnswer(result);
  for (const [i, html] of messages.entries())
    await replyHtml(ctx, html, i === messages.length - 1 ? replyMarkup : undefined);
}
