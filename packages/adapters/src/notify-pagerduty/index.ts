import type { AlertMessage, Notifier } from '@llm-rag-yt/rag';
import { checkStatus, postJson, safeOrigin } from '../shared/notify-http.ts';

export interface PagerDutyNotifierConfig {
  /** Events API v2 integration (routing) key. */
  routingKey: string;
  /** Default https://events.pagerduty.com/v2/enqueue. */
  endpoint?: string;
  /** `payload.source`, e.g. the host name. Default 'llm-rag-yt'. */
  source?: string;
  timeoutMs?: number;
}

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

/** Events API v2 body: trigger while firing, resolve when resolved, one incident per condition. */
export function pagerDutyEvent(
  alert: AlertMessage,
  routingKey: string,
  source: string,
): Record<string, unknown> {
  const dedupKey = alert.fingerprint ?? `llm-rag-yt-alert-${alert.alertId}`;
  if (alert.state === 'resolved')
    return { routing_key: routingKey, event_action: 'resolve', dedup_key: dedupKey };
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: dedupKey,
    payload: {
      summary: `${alert.title}: ${alert.message}`.slice(0, 1024),
      source,
      // Our severities are PagerDuty's four.
      severity: alert.severity,
      component: alert.type,
      timestamp: new Date(alert.createdAt).toISOString(),
      custom_details: { ...alert.details, alert_id: alert.alertId },
    },
  };
}

export function createPagerDutyNotifier(config: PagerDutyNotifierConfig): Notifier {
  const endpoint = config.endpoint ?? PAGERDUTY_EVENTS_URL;
  const secrets = [config.routingKey];
  return Object.freeze({
    channel: 'pagerduty',
    async send(alert: AlertMessage, signal?: AbortSignal) {
      const body = JSON.stringify(pagerDutyEvent(alert, config.routingKey, config.source ?? 'llm-rag-yt'));
      const r = await postJson('pagerduty', endpoint, body, { signal, timeoutMs: config.timeoutMs, secrets });
      checkStatus('pagerduty', `Events API at ${safeOrigin(endpoint)}`, r, secrets);
    },
  });
}
