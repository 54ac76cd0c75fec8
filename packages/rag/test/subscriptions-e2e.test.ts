import { EgressPolicy, guardedFetch, HttpFeedReader } from '@llm-rag-yt/adapters';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVideoPageServer, type VideoPageServer } from '../../adapters/test/helpers/video-page-server.ts';
import { BACKFILL_PRIORITY, FRESH_PRIORITY } from '../src/subscriptions/check.ts';
import { DuplicateSubscriptionError } from '../src/subscriptions/service.ts';
import { type FeedServer, startFeedServer } from './helpers-feed-server.ts';
import { startRagEnv, waitFor } from './helpers-rag-env.ts';

const vtt = (line: string) =>
  `WEBVTT\n\n00:00.000 --> 00:03.000\n${line}\n\n00:03.000 --> 00:06.000\nThat is all for today.\n`;
const day = (d: number) => new Date(Date.UTC(2026, 0, d));

type Env = Awaited<ReturnType<typeof startRagEnv>>;

// Feeds go through the SSRF fence like in production; the local servers are allowed explicitly.
const policy = new EgressPolicy({ allow: ['127.0.0.1'] });
const feedReader = () => new HttpFeedReader({ fetch: (url, init) => guardedFetch(url, init, policy) });

async function entry(env: Env, subId: number, key: string) {
  return (await env.subscriptions.entries(subId, { limit: 1000 })).find((e) => e.entryKey === key);
}

async function indexed(env: Env, subId: number, key: string, timeoutMs = 60_000) {
  return waitFor(
    `entry ${key} to be indexed`,
    async () => {
      const e = await entry(env, subId, key);
      if (e?.status === 'failed') throw new Error(`entry ${key} failed: ${e.reason}`);
      return e?.status === 'indexed' ? e : null;
    },
    timeoutMs,
  );
}

describe('subscriptions end to end: a local Atom feed of local video pages', () => {
  let site: VideoPageServer;
  let feeds: FeedServer;
  let env: Env;
  const settings = { subscriptions: { intervalSeconds: 2, backfillPerTick: 1 } };
  const resources = { feedReader: feedReader() };

  beforeAll(async () => {
    site = await startVideoPageServer({
      videos: [
        { id: 'old1', title: 'Oldest lesson', vttText: vtt('Oldest lesson about clouds.') },
        { id: 'old2', title: 'Lesson on rivers', vttText: vtt('Rivers flow into the sea.') },
        { id: 'old3', title: 'Lesson on mountains', vttText: vtt('Mountains are made of rock.') },
        { id: 'trailer', title: 'Channel trailer', vttText: vtt('Subscribe for more.') },
        { id: 'fresh', title: 'Fresh upload on deserts', vttText: vtt('Deserts get little rain.') },
        { id: 'fresh2', title: 'After the restart: volcanoes', vttText: vtt('Volcanoes erupt with lava.') },
      ],
    });
    feeds = await startFeedServer({
      items: [
        {
          id: 'long',
          title: 'Ten hour stream',
          link: `${site.baseUrl}/videos/long.html`,
          published: day(6),
          durationSeconds: 36_000,
        },
        { id: 'trailer', title: 'Channel trailer', link: site.pageUrl('trailer'), published: day(5) },
        {
          id: 'old3',
          title: 'Lesson on mountains',
          link: site.pageUrl('old3'),
          published: day(4),
          durationSeconds: 6,
        },
        { id: 'old2', title: 'Lesson on rivers', link: site.pageUrl('old2'), published: day(3) },
        { id: 'old1', title: 'Oldest lesson', link: site.pageUrl('old1'), published: day(2) },
      ],
    });
    env = await startRagEnv({ settings, resources });
  }, 60_000);
  afterAll(async () => {
    await env?.close();
    await feeds?.close();
    await site?.close();
  });

  it('subscribe → backfill indexed without another command → new entry picked up → cursor survives a restart', async () => {
    const sub = await env.subscriptions.subscribe(feeds.url('/feed.xml'), {
      backfill: 2,
      filters: { exclude: 'trailer', maxDurationSeconds: 3600 },
      chatId: 42,
    });
    expect(sub).toMatchObject({ kind: 'feed', status: 'active', backfill: 2 });

    // Backfill trickles in: never more than backfillPerTick (1) subscription request waiting.
    let maxPending = 0;
    await waitFor(
      'the backfill to be indexed',
      async () => {
        const pending = (await env.store.requests.list({ statuses: ['pending'] })).filter(
          (r) => r.source === 'subscription',
        );
        maxPending = Math.max(maxPending, pending.length);
        const counts = (await env.subscriptions.get(sub.id))!.entries;
        if (counts.failed) throw new Error(JSON.stringify(await env.subscriptions.entries(sub.id)));
        return counts.indexed === 2;
      },
      90_000,
    );
    expect(maxPending).toBeLessThanOrEqual(1);
    const e3 = await entry(env, sub.id, 'urn:local:old3');
    const e2 = await entry(env, sub.id, 'urn:local:old2');
    for (const e of [e2!, e3!]) {
      const req = await env.store.requests.get(e.requestId!);
      expect(req).toMatchObject({ status: 'completed', source: 'subscription', priority: BACKFILL_PRIORITY });
      expect((await env.storage.runs.getRun(req!.runId!))?.priority).toBe(BACKFILL_PRIORITY);
    }
    // Filters held, and what is older than the backfill is only remembered.
    expect(await entry(env, sub.id, 'urn:local:trailer')).toMatchObject({
      status: 'skipped',
      reason: expect.stringMatching(/--exclude trailer/),
    });
    expect(await entry(env, sub.id, 'urn:local:long')).toMatchObject({
      status: 'skipped',
      reason: expect.stringMatching(/longer than --max-duration 3600/),
    });
    expect((await entry(env, sub.id, 'urn:local:old1'))?.status).toBe('seen');
    const afterBackfill = await env.subscriptions.get(sub.id);
    expect(afterBackfill).toMatchObject({ lastError: null, videosFound: 2, title: 'Local channel' });
    expect(afterBackfill!.lastCheckedAt).toBeGreaterThan(0);

    // An unchanged feed costs a 304 (ETag), nothing else.
    await waitFor('a conditional check answered 304', async () => feeds.notModified > 0, 15_000);

    // A new upload appears in the feed: picked up on the next check, ahead of backfill.
    feeds.items.unshift({
      id: 'fresh',
      title: 'Fresh upload on deserts',
      link: site.pageUrl('fresh'),
      published: day(7),
    });
    const fresh = await indexed(env, sub.id, 'urn:local:fresh');
    expect((await env.store.requests.get(fresh.requestId!))?.priority).toBe(FRESH_PRIORITY);
    const answer = await env.service.ask('how much rain do deserts get?');
    expect(answer.citations[0]?.title).toBe('Fresh upload on deserts');

    // Restart over the same database: the cursor (entries) is kept, nothing is queued twice.
    const requestsBefore = (await env.store.requests.list({ limit: 1000 })).length;
    const checksBefore = (await env.subscriptions.get(sub.id))!.checkCount;
    const dir = env.dir;
    await env.close({ keepFiles: true });
    env = await startRagEnv({ settings, resources, dir });
    await waitFor(
      'a check after the restart',
      async () => (await env.subscriptions.get(sub.id))!.checkCount > checksBefore + 1,
      20_000,
    );
    expect((await env.store.requests.list({ limit: 1000 })).length).toBe(requestsBefore);
    expect((await env.subscriptions.get(sub.id))!.entries).toMatchObject({ indexed: 3, skipped: 2, seen: 1 });

    feeds.items.unshift({
      id: 'fresh2',
      title: 'After the restart: volcanoes',
      link: site.pageUrl('fresh2'),
      published: day(8),
    });
    await indexed(env, sub.id, 'urn:local:fresh2');
    expect((await env.store.requests.list({ limit: 1000 })).length).toBe(requestsBefore + 1);

    // The feed breaks: the error is stored on the subscription, nothing indexed is lost, and
    // the first good check afterwards clears it.
    const entriesBefore = (await env.subscriptions.get(sub.id))!.entries;
    feeds.broken = 'garbage';
    await env.subscriptions.check(sub.id);
    const failing = await waitFor('the broken feed to be reported', async () => {
      const s = await env.subscriptions.get(sub.id);
      return s?.lastError ? s : null;
    });
    expect(failing.lastError).toMatch(/not an RSS\/Atom feed/);
    expect(failing.errorCount).toBe(1);
    expect(failing.entries).toEqual(entriesBefore);
    expect((await env.service.listVideos()).filter((v) => v.status === 'indexed')).toHaveLength(4);
    expect((await env.service.ask('what erupts with lava?')).citations[0]?.title).toBe(
      'After the restart: volcanoes',
    );
    feeds.broken = null;
    await env.subscriptions.check(sub.id);
    await waitFor('the error cleared by a good check', async () => {
      const s = await env.subscriptions.get(sub.id);
      return s && s.checkCount > failing.checkCount && s.lastError === null && s.errorCount === 0;
    });
  }, 240_000);

  it('hand-sent links queue ahead of subscription work', async () => {
    const { store } = env;
    const back = await store.requests.create({
      url: 'http://127.0.0.1:9/a',
      source: 'subscription',
      priority: BACKFILL_PRIORITY,
    });
    const fresh = await store.requests.create({
      url: 'http://127.0.0.1:9/b',
      source: 'subscription',
      priority: FRESH_PRIORITY,
    });
    const hand = await store.requests.create({ url: 'http://127.0.0.1:9/c', source: 'cli' });
    const order = (await store.requests.listPending(10))
      .map((r) => r.id)
      .filter((id) => [back.id, fresh.id, hand.id].includes(id));
    // The daemon may already have claimed some; whatever is still pending is in priority order.
    const expected = [hand.id, fresh.id, back.id].filter((id) => order.includes(id));
    expect(order).toEqual(expected);
  });
});

describe('subscriptions: bad input', () => {
  let feeds: FeedServer;
  let env: Env;
  beforeAll(async () => {
    feeds = await startFeedServer({ bigCount: 10_000 });
    env = await startRagEnv({
      settings: { subscriptions: { intervalSeconds: 900, backfillPerTick: 2, maxEntries: 40 } },
      resources: { feedReader: feedReader() },
    });
  });
  afterAll(async () => {
    await env?.close();
    await feeds?.close();
  });

  it('stores a clear error on each broken subscription; the others keep flowing', async () => {
    const missing = await env.subscriptions.subscribe(feeds.url('/missing.xml'));
    const html = await env.subscriptions.subscribe(feeds.url('/page.html'));
    const garbage = await env.subscriptions.subscribe(feeds.url('/garbage.xml'));
    const big = await env.subscriptions.subscribe(feeds.url('/big.xml'), { backfill: 3 });
    const errorOf = (id: number) =>
      waitFor(`subscription ${id} to be checked`, async () => {
        const s = await env.subscriptions.get(id);
        return s?.lastCheckedAt ? s : null;
      });
    expect((await errorOf(missing.id)).lastError).toMatch(/answered 404.*removed or private/);
    expect((await errorOf(html.id)).lastError).toMatch(/HTML page, not an RSS\/Atom feed/);
    expect((await errorOf(garbage.id)).lastError).toMatch(/not an RSS\/Atom feed/);
    const bigChecked = await errorOf(big.id);
    expect(bigChecked.lastError).toBeNull();
    // 10,000 entries: all remembered, 3 backfilled, at most backfillPerTick waiting at once.
    expect(bigChecked.entries.seen).toBe(9997);
    expect(bigChecked.entries.backlog + bigChecked.entries.queued + bigChecked.entries.failed).toBe(3);
    const pending = (await env.store.requests.list({ statuses: ['pending'] })).filter(
      (r) => r.source === 'subscription',
    );
    expect(pending.length).toBeLessThanOrEqual(2);
    expect(bigChecked.errorCount).toBe(0);
    expect((await env.subscriptions.get(missing.id))!.errorCount).toBe(1);
  }, 60_000);

  it('a playlist of 10,000 entries is listed through yt-dlp only up to maxEntries, said so, backfill capped', async () => {
    // yt-dlp lists an RSS feed like a playlist (its generic extractor), so the local 10,000-entry
    // feed stands in for a big playlist; a YouTube URL is what makes kind 'playlist' in real use.
    const sub = await env.store.subscriptions.create({
      url: `${feeds.url('/big.xml')}?as=playlist`,
      kind: 'playlist',
      feedUrl: feeds.url('/big.xml'),
      filters: {},
      backfill: 3,
      notify: 'off',
    });
    await env.instance.wake('subscription_sensor');
    const checked = await waitFor(
      'the playlist to be listed',
      async () => {
        const s = await env.subscriptions.get(sub.id);
        return s?.lastCheckedAt ? s : null;
      },
      120_000,
    );
    expect(checked.lastError).toBeNull();
    expect(checked.notice).toBe('The source has 10,000 entries; each check lists the first 40.');
    const counts = checked.entries;
    expect(counts.seen + counts.backlog + counts.queued + counts.failed + counts.indexed).toBe(40);
    expect(counts.backlog + counts.queued + counts.failed + counts.indexed).toBe(3);
    // Across all subscriptions, never more than backfillPerTick (2) subscription requests waiting.
    const pending = (await env.store.requests.list({ statuses: ['pending'] })).filter(
      (r) => r.source === 'subscription',
    );
    expect(pending.length).toBeLessThanOrEqual(2);
    // The listing is yt-dlp's (the feed's titles); its keys are stable, so a second check adds nothing.
    const listed = await env.subscriptions.entries(sub.id, { limit: 100 });
    expect(listed.map((e) => e.title)).toContain('Episode 0');
    expect(new Set(listed.map((e) => e.entryKey)).size).toBe(40);
    await env.subscriptions.check(sub.id);
    const again = await waitFor(
      'the second check',
      async () => {
        const s = await env.subscriptions.get(sub.id);
        return s && s.checkCount > checked.checkCount ? s : null;
      },
      120_000,
    );
    expect(again.lastError).toBeNull();
    expect(again.lastFound).toBe(0);
    expect((await env.subscriptions.entries(sub.id, { limit: 100 })).length).toBe(40);
  }, 300_000);

  it('refuses the same subscription twice, bad regexes, videos and bad numbers with what to do', async () => {
    const first = await env.subscriptions.subscribe(feeds.url('/rss.xml'));
    await expect(env.subscriptions.subscribe(feeds.url('/rss.xml'))).rejects.toThrow(
      DuplicateSubscriptionError,
    );
    await expect(env.subscriptions.subscribe(feeds.url('/rss.xml'))).rejects.toThrow(
      new RegExp(`Already subscribed .* as #${first.id}`),
    );
    await expect(
      env.subscriptions.subscribe(feeds.url('/other.xml'), { filters: { include: '([' } }),
    ).rejects.toThrow(/--include '\(\[' is not a valid regular expression/);
    await expect(env.subscriptions.subscribe('https://youtu.be/dQw4w9WgXcQ')).rejects.toThrow(
      /single video.*ingest/,
    );
    await expect(env.subscriptions.subscribe(feeds.url('/x.xml'), { backfill: -1 })).rejects.toThrow(
      /--backfill/,
    );
    await expect(
      env.subscriptions.subscribe(feeds.url('/y.xml'), {
        filters: { minDurationSeconds: 100, maxDurationSeconds: 10 },
      }),
    ).rejects.toThrow(/above --max-duration/);
    expect((await env.subscriptions.list()).map((s) => s.url)).not.toContain(feeds.url('/other.xml'));
  });
});
