// Public entry point of the Telegram bot (loaded lazily by the CLI's `bot start` and `dev`).

export { type CallbackAction, encodeCallback, parseCallback } from './callback-data.ts';
// — Tests and tools —
export { type CreateBotOptions, createBot } from './create-bot.ts';
export { escapeHtml, packMessages, progressBar } from './format.ts';
export { BOT_COMMANDS } from './handlers/commands.ts';
export type { BotHost, BotMetrics, BotSettings } from './host.ts';
export { extractLinks } from './links.ts';
export { BOT_MIGRATIONS } from './progress-store.ts';
// — Running the bot (CLI) —
export { BotStartupError, checkBotToken, type RunningBot, startTelegramBot } from './start.ts';
