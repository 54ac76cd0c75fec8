import type { SubscriptionService } from '@llm-rag-yt/rag';
import { Hono } from 'hono';
import { z } from 'zod';
import { HttpError } from '../http-error.ts';
import type { AppOptions } from '../types.ts';
import { intParam, readJson, shortText } from '../validation.ts';

export const subscribeBody = z
  .object({
    url: shortText(2000).min(1),
    backfill: z.number().int().min(0).max(10_000).optional(),
    include: shortText(500).optional(),
    exclude: shortText(500).optional(),
    minDurationSeconds: z.number().min(0).optional(),
    maxDurationSeconds: z.number().min(0).optional(),
    noShorts: z.boolean().optional(),
    noLive: z.boolean().optional(),
    notify: z.enum(['instant', 'digest', 'off']).optional(),
  })
  .strict();

export const subscriptionPatchBody = z
  .object({
    status: z.enum(['active', 'paused']).optional(),
    notify: z.enum(['instant', 'digest', 'off']).optional(),
  })
  .strict();

/** Subscriptions (channels, playlists, feeds): thin wrappers over SubscriptionService. */
export function subscriptionRoutes(opts: AppOptions): Hono {
  const app = new Hono();
  const subs = (): SubscriptionService => {
    if (!opts.subscriptions)
      throw new HttpError(
        503,
        'Subscriptions are not configured on this server (start it with `llm-rag-yt dev`).',
      );
    return opts.subscriptions;
  };
  const must = async (id: number) => {
    const s = await subs().get(id);
    if (!s) throw new HttpError(404, `Unknown subscription ${id}. List them with GET /api/subscriptions.`);
    return s;
  };
  app.get('/subscriptions', async (c) => c.json({ subscriptions: await subs().list() }));
  app.post('/subscriptions', async (c) => {
    const b = await readJson(c, subscribeBody);
    const subscription = await subs().subscribe(b.url, {
      backfill: b.backfill,
      notify: b.notify,
      filters: {
        include: b.include,
        exclude: b.exclude,
        minDurationSeconds: b.minDurationSeconds,
        maxDurationSeconds: b.maxDurationSeconds,
        noShorts: b.noShorts,
        noLive: b.noLive,
      },
    });
    return c.json({ subscription }, 201);
  });
  app.get('/subscriptions/:id', async (c) => {
    const subscription = await must(intParam(c, 'id'));
    return c.json({ subscription, entries: await subs().entries(subscription.id, { limit: 100 }) });
  });
  app.post('/subscriptions/:id/update', async (c) => {
    const id = intParam(c, 'id');
    await must(id);
    const b = await readJson(c, subscriptionPatchBody);
    if (b.status === 'paused') await subs().pause(id);
    if (b.status === 'active') await subs().resume(id);
    if (b.notify) await subs().setNotify(id, b.notify);
    return c.json({ subscription: await must(id) });
  });
  app.post('/subscriptions/:id/check', async (c) => {
    const id = intParam(c, 'id');
    await must(id);
    return c.json({ subscription: await subs().check(id) });
  });
  app.post('/subscriptions/:id/remove', async (c) => {
    const id = intParam(c, 'id');
    if (!(await subs().remove(id))) throw new HttpError(404, `Unknown subscription ${id}.`);
    return c.json({ ok: true as const });
  });
  return app;
}
