import { errorKind } from '@llm-rag-yt/orchestrator';
import type { Context } from 'grammy';
import type { BotHost } from '../host.ts';
import type { ProgressTracker } from '../progress-tracker.ts';
import type { InlineKeyboard } from '../progress-view.ts';
import type { RateLimiter } from '../rate-limit.ts';
import type { ChatApi } from '../telegram-api.ts';

/** What the handlers share; built once in create-bot.ts. */
export interface BotServices {
  readonly host: BotHost;
  readonly tracker: ProgressTracker;
  readonly limiter: RateLimiter;
  readonly chat: ChatApi;
  readonly now: () => number;
}

/** Replies in HTML without link previews (answers carry many links). */
export function replyHtml(ctx: Context, html: string, replyMarkup?: InlineKeyboard) {
  return ctx.reply(html, {
    parse_mode: 'HTML',
    link_preview_options: { is_disabled: true },
    ...(replyMarkup ? { reply_markup: replyMarkup } : {}),
  });
}

/** Errors whose message is meant for the user (bad input, unknown ids, …), as opposed to bugs. */
export function isUserFacingError(e: unknown): e is Error {
  return e instanceof Error && (errorKind(e) !== null || (e as { code?: unknown }).code === 'NON_RETRIABLE');
}
