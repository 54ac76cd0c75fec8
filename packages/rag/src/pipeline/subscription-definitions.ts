import { createHash } from 'node:crypto';
import { defineJob, defineOp, defineSensor, type SensorResult, z } from '@llm-rag-yt/orchestrator';
import { checkSubscription } from '../subscriptions/check.ts';
import { dueNotices, releaseBacklog, sendNotices, syncEntries } from '../subscriptions/progress.ts';
import type { RagResources } from './resources.ts';

/*
 * Subscriptions as orchestrator work: subscription_sensor decides (cheap database reads) which
 * subscriptions are due and asks for one subscription_check_job run each; the run lists the
 * source and queues requests. subscription_notify_sensor asks for subscription_notify_job when
 * subscribers have news waiting.
 */

const checkConfig = z.object({ subscription_ids: z.array(z.number().int().positive()).min(1) });

export const checkSubscriptionsOp = defineOp<z.infer<typeof checkConfig>, RagResources>({
  key: 'check_subscriptions',
  description: 'Lists new entries of subscriptions (channel feed, playlist, RSS/Atom) and queues them.',
  config: checkConfig,
  compute: async (ctx) => {
    const results = [];
    for (const id of ctx.config.subscription_ids) {
      ctx.throwIfAborted();
      const sub = await ctx.resources.store.subscriptions.get(id);
      if (!sub) {
        ctx.log.warn(`Subscription #${id} no longer exists; skipped.`);
        continue;
      }
      const r = await checkSubscription(ctx.resources, sub, Date.now(), ctx.signal);
      if (r.error) ctx.log.warn(`Subscription #${id} (${sub.url}) check failed: ${r.error}`);
      else
        ctx.log.info(
          r.notModified
            ? `Subscription #${id}: not modified since the last check.`
            : `Subscription #${id}: ${r.listed} listed, ${r.newEntries} new, ${r.queued} queued, ${r.backlog} in the backlog, ${r.skipped} filtered out.`,
        );
      results.push(r);
    }
    ctx.addMetadata({
      subscriptions: results.length,
      queued: results.reduce((n, r) => n + r.queued, 0),
      backlog: results.reduce((n, r) => n + r.backlog, 0),
      errors: results.filter((r) => r.error).length,
    });
    // More backlog may be releasable now; the sensor does that.
    await ctx.resources.wake?.('subscription_sensor').catch(() => {});
    return results;
  },
});

export const subscriptionCheckJob = defineJob({
  name: 'subscription_check_job',
  description: 'Checks subscriptions for new videos and queues them (below hand-sent links).',
  ops: [checkSubscriptionsOp],
  tags: { kind: 'subscriptions' },
  timeoutSeconds: 600,
});

export const notifySubscribersOp = defineOp<Record<string, never>, RagResources>({
  key: 'notify_subscribers',
  description:
    'Tells subscribers about newly indexed videos (at once or in a daily digest), with summary and link.',
  compute: async (ctx) => {
    const r = await sendNotices(ctx.resources, Date.now(), ctx.log, ctx.signal);
    ctx.addMetadata({ sent: r.sent, failed: r.failed });
    return r;
  },
});

export const subscriptionNotifyJob = defineJob({
  name: 'subscription_notify_job',
  description: 'Sends new-video notices to subscribers in Telegram.',
  ops: [notifySubscribersOp],
  tags: { kind: 'subscriptions' },
  timeoutSeconds: 300,
});

export function subscriptionSensor(resources: RagResources) {
  const interval = resources.settings.subscriptions?.intervalSeconds ?? 900;
  const cap = resources.settings.subscriptions?.backfillPerTick ?? 5;
  return defineSensor<RagResources>({
    name: 'subscription_sensor',
    job: subscriptionCheckJob,
    description: `Checks each subscription every ${Math.round(interval / 60)} min (at once when subscribing) and releases backfill ${cap} at a time.`,
    minimumIntervalSeconds: Math.min(30, interval),
    defaultStatus: 'RUNNING',
    evaluate: async (ctx): Promise<SensorResult> => {
      const { store } = ctx.resources;
      const synced = await syncEntries(store, ctx.now);
      const released = await releaseBacklog(store, cap);
      if (released > 0) await ctx.resources.wake?.('youtube_url_sensor').catch(() => {});
      if (synced.indexed > 0) await ctx.resources.wake?.('subscription_notify_sensor').catch(() => {});
      const due = await store.subscriptions.due(ctx.now, 20);
      const note = `${released} backlog entr${released === 1 ? 'y' : 'ies'} released, ${synced.indexed} indexed, ${synced.failed} failed`;
      if (due.length === 0) return { skipReason: `No subscription is due (${note}).` };
      // The bucket lets a check whose run died be requested again after an interval.
      const bucket = Math.floor(ctx.now / (interval * 1000));
      return {
        runRequests: due.map((s) => ({
          runKey: `subscription_check:${s.id}:${s.checkCount}:${bucket}`,
          runConfig: { ops: { check_subscriptions: { config: { subscription_ids: [s.id] } } } },
          tags: { subscription_id: String(s.id) },
        })),
      };
    },
  });
}

export const subscriptionNotifySensor = defineSensor<RagResources>({
  name: 'subscription_notify_sensor',
  job: subscriptionNotifyJob,
  description: 'Requests subscription_notify_job when newly indexed videos are waiting to be announced.',
  minimumIntervalSeconds: 60,
  defaultStatus: 'RUNNING',
  evaluate: async (ctx): Promise<SensorResult> => {
    const due = await dueNotices(ctx.resources, ctx.now);
    if (due.length === 0) return { skipReason: 'No notices are due.' };
    const n = due.reduce((k, d) => k + d.entries.length, 0);
    // One run per minute for the same notices (a failed send is tried again the next minute);
    // notices that became due since (another video, the digest hour) get a run at once.
    const what = createHash('sha256')
      .update(due.flatMap((d) => d.entries.map((e) => `${d.sub.id}:${e.entryKey}`)).join('\n'))
      .digest('hex')
      .slice(0, 16);
    return {
      runRequests: [
        {
          runKey: `subscription_notify:${Math.floor(ctx.now / 60_000)}:${what}`,
          tags: { notices: String(n) },
        },
      ],
    };
  },
});
