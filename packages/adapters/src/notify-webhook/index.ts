import { createHmac } from 'node:crypto';
import type { AlertMessage, Notifier } from '@llm-rag-yt/rag';
import { checkStatus, postJson, safeOrigin } from '../shared/notify-http.ts';

export interface WebhookNotifierConfig {
  url: string;
  /** When set, the body is signed: header `X-Signature-256: sha256=<hex HMAC-SHA256(body)>`. */
  hmacSecret?: string | null;
  /** Extra headers (e.g. an Authorization token); their values are treated as secrets. */
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/** Body sent to a generic webhook: the alert as JSON, with a version so receivers can evolve. */
export interface WebhookPayload {
  version: 1;
  alert: AlertMessage;
}

export const SIGNATURE_HEADER = 'x-signature-256';

export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** POSTs each alert as JSON to any URL. */
export function createWebhookNotifier(config: WebhookNotifierConfig): Notifier {
  const secrets = [
    config.url.split('?')[1],
    new URL(config.url).pathname,
    config.hmacSecret,
    ...Object.values(config.headers ?? {}),
  ];
  const where = `webhook ${safeOrigin(config.url)}`;
  return Object.freeze({
    channel: 'webhook',
    async send(alert: AlertMessage, signal?: AbortSignal) {
      const body = JSON.stringify({ version: 1, alert } satisfies WebhookPayload);
      const headers: Record<string, string> = { ...config.headers };
      if (config.hmacSecret) headers[SIGNATURE_HEADER] = signBody(body, config.hmacSecret);
      const r = await postJson('webhook', config.url, body, {
        headers,
        signal,
        timeoutMs: config.timeoutMs,
        secrets,
      });
      checkStatus('webhook', where, r, secrets);
    },
  });
}
