import { errorKind } from '@llm-rag-yt/orchestrator';
import type { Bot, Context } from 'grammy';
import { isAdminChat } from '../access.ts';
import { renderDetails, toCitationViews } from '../answer-view.ts';
import { type CallbackAction, parseCallback } from '../callback-data.ts';
import { escapeHtml, hideLocalPaths } from '../format.ts';
import { renderProgress, viewKey } from '../progress-view.ts';
import { type BotServices, isUserFacingError, replyHtml } from './services.ts';

const STALE = 'This button has expired. Send the link or question again.';

/**
 * Inline buttons: Retry, 👍/👎, More details and the admin's Acknowledge. Every press is answered
 * (Telegram shows a spinner until then), including malformed data and buttons of old messages.
 */
export function registerCallbacks(bot: Bot, svc: BotServices): void {
  bot.on('callback_query:data', async (ctx) => {
    const action = parseCallback(ctx.callbackQuery.data);
    if (!action) {
      await ctx.answerCallbackQuery({ text: STALE });
      return;
    }
    try {
      await handle(ctx, svc, action);
    } catch (e) {
      if (!isUserFacingError(e)) throw e;
      await ctx.answerCallbackQuery({ text: hideLocalPaths(e.message).slice(0, 190) }).catch(() => {});
    }
  });
  // Game buttons and other payload-less presses.
  bot.on('callback_query', (ctx) => ctx.answerCallbackQuery({ text: STALE }));
}

async function handle(ctx: Context, svc: BotServices, a: CallbackAction): Promise<void> {
  const { host } = svc;
  const userId = ctx.from!.id;
  switch (a.kind) {
    case 'retry': {
      const r = await host.rag.getRequest(a.requestId);
      if (!r || (r.userId !== null && r.userId !== userId)) {
        await ctx.answerCallbackQuery({ text: STALE });
        return;
      }
      if (r.status !== 'failed') {
        await ctx.answerCallbackQuery({ text: `Request #${r.id} is already ${r.status}.` });
        return;
      }
      const retried = await host.rag.retryRequest(r.id);
      await host.store.activity.add({ userId, action: 'retry', details: { requestId: r.id } });
      await ctx.answerCallbackQuery({ text: 'Retrying…' });
      const message = ctx.callbackQuery?.message;
      if (message) {
        const view = renderProgress(retried, {
          verbose: (await host.store.users.get(userId))?.verbose ?? false,
        });
        await svc.chat.edit(message.chat.id, message.message_id, view.text, view.replyMarkup);
        await svc.tracker.track({
          requestId: r.id,
          chatId: message.chat.id,
          messageId: message.message_id,
          userId,
          expands: retried.videoId === null,
          shown: viewKey(view),
        });
      }
      return;
    }
    case 'feedback': {
      const q = await host.store.queries.get(a.queryId);
      if (!q) {
        await ctx.answerCallbackQuery({ text: STALE });
        return;
      }
      const previous = await host.store.queries.listFeedback(a.queryId);
      if (previous.some((f) => f.userId === userId)) {
        await ctx.answerCallbackQuery({ text: 'You already rated this answer. Thanks!' });
        return;
      }
      await host.rag.feedback({ queryId: a.queryId, userId, rating: a.rating });
      await ctx.answerCallbackQuery({ text: a.rating === 1 ? 'Thanks! 👍' : 'Thanks, noted. 👎' });
      return;
    }
    case 'more': {
      const q = await host.store.queries.get(a.queryId);
      if (!q) {
        await ctx.answerCallbackQuery({ text: STALE });
        return;
      }
      await ctx.answerCallbackQuery();
      for (const html of renderDetails(q, toCitationViews(q.citations))) await replyHtml(ctx, html);
      return;
    }
    case 'ack': {
      if (!isAdminChat(ctx.chat?.id, host.settings)) {
        await ctx.answerCallbackQuery({ text: 'Alerts can only be acknowledged in the admin chat.' });
        return;
      }
      const by = ctx.from?.username ? `@${ctx.from.username}` : `telegram:${userId}`;
      const alert = await host.rag.acknowledgeAlert(a.alertId, by).catch((e: Error) => {
        if (errorKind(e) === 'not_found') return null;
        throw e;
      });
      if (!alert) {
        await ctx.answerCallbackQuery({ text: `Alert #${a.alertId} no longer exists.` });
        return;
      }
      await ctx.answerCallbackQuery({ text: `Alert #${alert.id} ${alert.status}.` });
      const message = ctx.callbackQuery?.message;
      if (message && 'text' in message && message.text) {
        // Plain text: the original HTML formatting is not echoed back by Telegram, only entities.
        await ctx
          .editMessageText(`${escapeHtml(message.text)}\n\n✅ Acknowledged by ${escapeHtml(by)}`, {
            parse_mode: 'HTML',
          })
          .catch(() => {});
      }
      return;
    }
    default:
      return assertUnreachable(a);
  }
}

function assertUnreachable(x: never): never {
  throw new Error(`Unhandled callback action ${JSON.stringify(x)}`);
}
