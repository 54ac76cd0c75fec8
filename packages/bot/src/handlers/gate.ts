import type { Context, NextFunction } from 'grammy';
import { isAdminChat, isUserAllowed } from '../access.ts';
import { escapeHtml } from '../format.ts';
import { type BotServices, replyHtml } from './services.ts';

/**
 * First middleware: records the user, enforces the allow-list (strangers learn their id to give
 * the admin) and the per-user token bucket (told once when to retry, then ignored until then).
 */
export function gate(svc: BotServices) {
  const { host, limiter } = svc;
  return async (ctx: Context, next: NextFunction): Promise<void> => {
    const from = ctx.from;
    if (!from || from.is_bot) return;
    host.metrics?.message('in');
    const allowed = isUserAllowed(from, host.settings) || isAdminChat(ctx.chat?.id, host.settings);
    const known = await host.store.users.get(from.id);
    await host.store.users.touch({
      userId: from.id,
      username: from.username ?? null,
      firstName: from.first_name,
    });
    // The stored flag mirrors the configuration, so `bot list-users` shows who was turned away.
    if (!known || known.isAllowed !== allowed)
      await host.store.users.setFlags(from.id, { isAllowed: allowed });
    if (!allowed) {
      await host.store.activity.add({
        userId: from.id,
        action: 'refused',
        details: { reason: 'not on the allow-list' },
      });
      const notice = 'This bot is private.';
      if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: notice });
      else if (ctx.chat?.type === 'private' || ctx.message)
        await replyHtml(
          ctx,
          `Sorry, ${escapeHtml(from.first_name)}, this bot is private. Ask its admin to add your Telegram id <code>${from.id}</code> to BOT_ALLOWED_USERS.`,
        );
      return;
    }
    const decision = limiter.take(from.id, svc.now());
    if (!decision.allowed) {
      const wait = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
      if (ctx.callbackQuery)
        await ctx.answerCallbackQuery({ text: `Too many requests; try again in ${wait} s.` });
      else if (decision.firstRefusal)
        await replyHtml(ctx, `⏳ You are sending messages too fast. Please try again in ${wait} s.`);
      return;
    }
    await next();
  };
}
