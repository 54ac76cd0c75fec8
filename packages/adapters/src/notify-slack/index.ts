import type { AlertMessage, Notifier } from '@llm-rag-yt/rag';
import { checkStatus, postJson, SEVERITY_EMOJI } from '../shared/notify-http.ts';

export interface SlackNotifierConfig {
  /** Incoming webhook URL; its path is the secret. */
  webhookUrl: string;
  timeoutMs?: number;
}

// Slack mrkdwn treats only these three as control characters.
const escapeSlack = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function slackPayload(alert: AlertMessage): { text: string; blocks: unknown[] } {
  const head =
    alert.state === 'resolved'
      ? `✅ Resolved: ${escapeSlack(alert.title)}`
      : `${SEVERITY_EMOJI[alert.severity] ?? ''} [${alert.severity.toUpperCase()}] ${escapeSlack(alert.title)}`;
  const text = `${head}\n${escapeSlack(alert.message)}`;
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${head}*\n${escapeSlack(alert.message)}` } },
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: `type \`${alert.type}\` · alert #${alert.alertId}` }],
      },
    ],
  };
}

/** Slack incoming webhook. */
export function createSlackNotifier(config: SlackNotifierConfig): Notifier {
  const secrets = [new URL(config.webhookUrl).pathname, config.webhookUrl];
  return Object.freeze({
    channel: 'slack',
    async send(alert: AlertMessage, signal?: AbortSignal) {
      const r = await postJson('slack', config.webhookUrl, JSON.stringify(slackPayload(alert)), {
        signal,
        timeoutMs: config.timeoutMs,
        secrets,
      });
      checkStatus('slack', 'the incoming webhook', r, secrets);
    },
  });
}
