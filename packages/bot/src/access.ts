import type { BotSettings } from './host.ts';

export interface TelegramUserRef {
  readonly id: number;
  readonly username?: string;
}

/**
 * The allow-list rule: everyone when `openAccess` was chosen, otherwise users listed in
 * BOT_ALLOWED_USERS by id or username (case-insensitive, '@' optional).
 */
export function isUserAllowed(
  user: TelegramUserRef,
  settings: Pick<BotSettings, 'openAccess' | 'allowedUsers'>,
): boolean {
  if (settings.openAccess) return true;
  const name = user.username?.toLowerCase();
  return settings.allowedUsers.some((entry) => {
    const e = entry.trim().replace(/^@/, '').toLowerCase();
    return e === String(user.id) || (name !== undefined && e === name);
  });
}

/** True when the update comes from the configured admin chat. */
export function isAdminChat(chatId: number | undefined, settings: Pick<BotSettings, 'adminChatId'>): boolean {
  return (
    chatId !== undefined && settings.adminChatId !== null && String(chatId) === settings.adminChatId.trim()
  );
}
