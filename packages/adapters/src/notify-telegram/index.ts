import type { AlertMessage, Messenger, Notifier } from '@llm-rag-yt/rag';
import { NotifyError, postJson, redact, SEVERITY_EMOJI } from '../shared/notify-http.ts';

export interface TelegramNotifierConfig {
  botToken: string;
  /** The admin chat that receives alerts. */
  chatId: number | string;
  /** Bot API root; tests point it at a local fake server. Default https://api.telegram.org. */
  apiRoot?: string;
  timeoutMs?: number;
  /** A 429 asking to wait at most this long is waited out in place; longer waits go back to the caller. Default 5 s. */
  maxInlineWaitMs?: number;
}

export const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Callback data of the acknowledge button (well under Telegram's 64-byte limit). */
export const ackCallbackData = (alertId: number) => `ack:${alertId}`;

export function telegramAlertText(alert: AlertMessage): string {
  if (alert.state === 'resolved')
    return `✅ <b>Resolved:</b> ${escapeHtml(alert.title)}\n<i>${escapeHtml(alert.type)}</i> · #${alert.alertId}`;
  return (
    `${SEVERITY_EMOJI[alert.severity] ?? ''} <b>[${alert.severity.toUpperCase()}] ${escapeHtml(alert.title)}</b>\n` +
    `${escapeHtml(alert.message)}\n<i>${escapeHtml(alert.type)}</i> · #${alert.alertId}`
  );
}

/** Sends alerts to the admin chat through the Bot API's sendMessage, with an Acknowledge button. */
export function createTelegramNotifier(config: TelegramNotifierConfig): Notifier {
  const root = (config.apiRoot ?? 'https://api.telegram.org').replace(/\/+$/, '');
  const url = `${root}/bot${config.botToken}/sendMessage`;
  const secrets = [config.botToken];
  const maxWait = config.maxInlineWaitMs ?? 5000;
  return Object.freeze({
    channel: 'telegram',
    async send(alert: AlertMessage, signal?: AbortSignal) {
      const body = JSON.stringify({
        chat_id: config.chatId,
        text: telegramAlertText(alert),
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
        ...(alert.state === 'firing'
          ? {
              reply_markup: {
                inline_keyboard: [[{ text: 'Acknowledge', callback_data: ackCallbackData(alert.alertId) }]],
              },
            }
          : {}),
      });
      for (let attempt = 1; ; attempt++) {
        const r = await postJson('telegram', url, body, { signal, timeoutMs: config.timeoutMs, secrets });
        let parsed: {
          ok?: boolean;
          description?: string;
          error_code?: number;
          parameters?: { retry_after?: number };
        } = {};
        try {
          parsed = JSON.parse(r.body);
        } catch {
          // Non-JSON answers (proxies, HTML error pages) are reported by status below.
        }
        if (r.status === 200 && parsed.ok) return;
        const retryAfterMs =
          r.status === 429 && typeof parsed.parameters?.retry_after === 'number'
            ? parsed.parameters.retry_after * 1000
            : null;
        // Telegram asks us to wait: a short wait is cheaper than a whole delivery round-trip.
        if (retryAfterMs !== null && retryAfterMs <= maxWait && attempt === 1) {
          await new Promise((res, rej) => {
            const t = setTimeout(res, retryAfterMs);
            signal?.addEventListener(
              'abort',
              () => {
                clearTimeout(t);
                rej(signal.reason);
              },
              { once: true },
            );
          });
          continue;
        }
        const hint =
          r.status === 401
            ? ' The bot token is wrong; check BOT_TOKEN.'
            : r.status === 400 || r.status === 403
              ? ' Check TELEGRAM_ADMIN_CHAT_ID and that the bot was added to that chat.'
              : '';
        throw new NotifyError(
          'telegram',
          redact(
            `telegram: sendMessage to chat ${config.chatId} failed: HTTP ${r.status} ${parsed.description ?? r.body.slice(0, 200)}.${hint}`,
            secrets,
          ),
          { status: r.status, retryAfterMs },
        );
      }
    },
  });
}

/** Sends plain HTML messages to any chat the bot can write to (subscription notices). */
export function createTelegramMessenger(config: {
  botToken: string;
  apiRoot?: string;
  timeoutMs?: number;
}): Messenger {
  const root = (config.apiRoot ?? 'https://api.telegram.org').replace(/\/+$/, '');
  const url = `${root}/bot${config.botToken}/sendMessage`;
  const secrets = [config.botToken];
  return Object.freeze({
    async send(chatId: number, html: string, signal?: AbortSignal) {
      const body = JSON.stringify({
        chat_id: chatId,
        text: html.length > 4000 ? `${html.slice(0, 3990)}…` : html,
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
      });
      const r = await postJson('telegram', url, body, { signal, timeoutMs: config.timeoutMs, secrets });
      let parsed: { ok?: boolean; description?: string } = {};
      try {
        parsed = JSON.parse(r.body);
      } catch {
        // not JSON: reported below with the status
      }
      if (r.status !== 200 || !parsed.ok)
        throw new NotifyError(
          'telegram',
          redact(
            `Telegram sendMessage to chat ${chatId} failed (${r.status}): ${parsed.description ?? r.body.slice(0, 200)}`,
            secrets,
          ),
          { status: r.status },
        );
    },
  });
}
