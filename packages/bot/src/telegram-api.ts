import { GrammyError } from 'grammy';
import type { InlineKeyboard } from './progress-view.ts';

/** The few Bot API calls the bot's own loops make (bot.api is adapted to this in create-bot.ts). */
export interface ChatApi {
  send(chatId: number, html: string, replyMarkup?: InlineKeyboard): Promise<{ message_id: number }>;
  edit(chatId: number, messageId: number, html: string, replyMarkup?: InlineKeyboard): Promise<void>;
}

/** Telegram refuses an edit that changes nothing; for us that edit already happened. */
export function isNotModified(e: unknown): boolean {
  return e instanceof GrammyError && e.error_code === 400 && /message is not modified/i.test(e.description);
}

/** The message is gone or too old to edit: stop trying. */
export function isUneditable(e: unknown): boolean {
  return (
    e instanceof GrammyError &&
    e.error_code === 400 &&
    /message to edit not found|message can't be edited|chat not found/i.test(e.description)
  );
}

/** Replaces every occurrence of the token so no log line or error text carries it. */
export function redactToken(text: string, token: string | null | undefined): string {
  return token ? text.split(token).join('<bot-token>') : text;
}
