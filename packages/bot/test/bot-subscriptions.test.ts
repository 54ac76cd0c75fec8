/*
 * The bot's subscription commands and the Telegram notices, end to end: the real RAG stack
 * (SQLite, daemon, yt-dlp + ffmpeg, local video pages), local Atom feeds, and the local Telegram
 * Bot API stand-in that both the bot and the notice messenger talk to (as the app wires them).
 * /subscribe → a new feed entry is indexed → its notice (title, link, summary) arrives at once;
 * /subscriptions, /unsubscribe; /summary for a video and for a time range; a digest subscription
 * is told nothing until the digest hour, then gets one message with every new video.
 */
import { EgressPolicy, guardedFetch, HttpFeedReader } from '@llm-rag-yt/adapters';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVideoPageServer, type VideoPageServer } from '../../adapters/test/helpers/video-page-server.ts';
import { type FeedServer, startFeedServer } from '../../rag/test/helpers-feed-server.ts';
import { waitFor } from '../../rag/test/helpers-rag-env.ts';
import { type RunningBot, startTelegramBot } from '../src/index.ts';
import { ALICE, BOB, startBotEnv } from './helpers/bot-env.ts';

const LESSON = `WEBVTT

00:00.000 --> 00:03.000
Glaciers are rivers of ice that move slowly downhill.

00:03.000 --> 00:06.000
Volcanic eruptions throw ash high into the atmosphere.

00:06.000 --> 00:09.000
Coral reefs grow in warm and shallow ocean water.
`;
const vtt = (line: string) => `WEBVTT\n\n00:00.000 --> 00:04.000\n${line}\n`;
const day = (d: number) => new Date(Date.UTC(2026, 0, d));

// The digest hour starts two hours ahead (past 23 is tomorrow for Date.UTC), so nothing is due
// until the test moves it to the current hour.
const subscriptionSettings = {
  intervalSeconds: 2,
  backfillPerTick: 5,
  digestHourUtc: new Date().getUTCHours() + 2,
};

describe('bot: subscriptions, notices and summaries', () => {
  let site: VideoPageServer;
  let instantFeed: FeedServer;
  let digestFeed: FeedServer;
  let s: Awaited<ReturnType<typeof startBotEnv>>;
  let bot: RunningBot;
  let subId = 0;

  beforeAll(async () => {
    [site, instantFeed, digestFeed] = await Promise.all([
      startVideoPageServer({
        videos: [
          { id: 'old', title: 'An old lesson', vttText: vtt('Clouds are made of tiny water droplets.') },
          { id: 'lesson', title: 'Earth science <basics> & more', vttText: LESSON },
          { id: 'd1', title: 'Digest one: deserts', vttText: vtt('Deserts receive very little rain.') },
          {
            id: 'd2',
            title: 'Digest two: forests',
            vttText: vtt('Forests store enormous amounts of carbon.'),
          },
        ],
      }),
      startFeedServer(),
      startFeedServer(),
    ]);
    instantFeed.items.push({
      id: 'old',
      title: 'An old lesson',
      link: site.pageUrl('old'),
      published: day(1),
    });
    const policy = new EgressPolicy({ allow: ['127.0.0.1'] });
    s = await startBotEnv(
      {},
      {
        subscriptions: true,
        rag: {
          settings: { subscriptions: subscriptionSettings },
          resources: {
            feedReader: new HttpFeedReader({ fetch: (u, init) => guardedFetch(u, init, policy) }),
          },
        },
      },
    );
    bot = await startTelegramBot(s.host, { progressIntervalMs: 150 });
  }, 30_000);
  afterAll(async () => {
    await bot?.stop();
    await s?.close();
    await instantFeed?.close();
    await digestFeed?.close();
    await site?.close();
  });

  const reply = (user: typeof ALICE, text: string, pred: (plain: string) => boolean, timeoutMs = 10_000) => {
    const before = s.tg.messages(user.id).length;
    s.tg.sendText(user, text);
    return s.tg.waitForMessage(
      user.id,
      (m) => s.tg.messages(user.id).indexOf(m) >= before && pred(m.plain),
      timeoutMs,
    );
  };

  it('/subscribe URL follows the feed for this chat; a new entry is indexed and announced at once', async () => {
    const ok = await reply(ALICE, `/subscribe ${instantFeed.url('/feed.xml')}`, (p) => p.startsWith('✅'));
    subId = Number(/Subscribed #(\d+)/.exec(ok.plain)![1]);
    expect(ok.plain).toContain(instantFeed.url('/feed.xml'));
    expect(await s.env.subscriptions.get(subId)).toMatchObject({
      chatId: ALICE.id,
      userId: ALICE.id,
      notify: 'instant',
      backfill: 0,
    });
    // The first check only remembers what is already there (no --backfill).
    await waitFor('the first check', async () => (await s.env.subscriptions.get(subId))?.initialized);

    instantFeed.items.unshift({
      id: 'lesson',
      title: 'Earth science <basics> & more',
      link: site.pageUrl('lesson'),
      published: day(2),
    });
    const notice = await s.tg.waitForMessage(ALICE.id, (m) => m.plain.startsWith('🆕'), 60_000);
    expect(notice.plain).toContain('Earth science <basics> & more');
    expect(notice.text).toContain('Earth science &lt;basics&gt; &amp; more');
    expect(notice.plain).toContain(site.pageUrl('lesson'));
    expect(notice.plain).toContain('from Local channel');
    // With its summary (extractive here: no chat model) and key points linking to their moments.
    const summary = await s.env.service.summary(
      (await s.env.subscriptions.entries(subId)).find((e) => e.entryKey === 'urn:local:lesson')!.videoId!,
    );
    expect(summary?.mode).toBe('extractive');
    expect(notice.plain).toContain(summary!.summary.slice(0, 40));
    expect(notice.plain).toContain('(extractive summary)');
    expect(notice.text).toMatch(/<a href="[^"]+#t=\d+">/);
    // The old entry was only remembered: the one notice is the new video's.
    expect(s.tg.messages(ALICE.id).filter((m) => m.plain.startsWith('🆕'))).toHaveLength(1);
    // Marked as told right after the send, so it is never announced twice.
    await waitFor('the entry marked notified', async () => {
      const e = (await s.env.subscriptions.entries(subId)).find((x) => x.entryKey === 'urn:local:lesson');
      return e?.notifiedAt;
    });
  }, 90_000);

  it('/subscriptions lists this chat’s subscriptions; the same URL twice and a non-URL are refused', async () => {
    const list = await reply(ALICE, '/subscriptions', (p) => p.includes('Subscriptions'));
    expect(list.plain).toMatch(new RegExp(`#${subId} Local channel · active · 1 found`));
    // Bob's chat follows nothing.
    const none = await reply(BOB, '/subscriptions', (p) => p.startsWith('No subscriptions'));
    expect(none.plain).toContain('/subscribe URL');

    const twice = await reply(ALICE, `/subscribe ${instantFeed.url('/feed.xml')}`, (p) => p.startsWith('⚠️'));
    expect(twice.plain).toMatch(new RegExp(`Already subscribed .* as #${subId}`));
    const ftp = await reply(ALICE, '/subscribe ftp://example.com/feed', (p) => p.startsWith('⚠️'));
    expect(ftp.plain).toMatch(/Invalid video URL 'ftp:\/\/example.com\/feed'/);
    const video = await reply(ALICE, '/subscribe https://youtu.be/dQw4w9WgXcQ', (p) => p.startsWith('⚠️'));
    expect(video.plain).toContain('is a single video, not something to subscribe to');
    expect((await s.env.subscriptions.list()).map((x) => x.id)).toEqual([subId]);
    const empty = await reply(ALICE, '/subscribe', (p) => p.includes('followed by'));
    expect(empty.plain).toContain('channel, playlist or feed URL');
  });

  it('/summary URL shows the stored summary with linked key points', async () => {
    const m = await reply(ALICE, `/summary ${site.pageUrl('lesson')}`, (p) => p.startsWith('📝'));
    expect(m.plain).toContain('Earth science <basics> & more');
    expect(m.plain).toContain('Extractive summary');
    expect(m.text).toMatch(/<a href="[^"]+#t=\d+">\d\d:\d\d<\/a>/);
    const unknown = await reply(ALICE, `/summary ${site.pageUrl('nothing-here')}`, (p) =>
      p.startsWith('I do not know'),
    );
    expect(unknown.plain).toContain('Send me its link');
  });

  it('/summary URL 0:03-0:06 summarises only that part; bad ranges say what to write', async () => {
    const m = await reply(ALICE, `/summary ${site.pageUrl('lesson')} 0:03-0:06`, (p) => p.startsWith('📝'));
    expect(m.plain).toContain('00:03–00:06');
    expect(m.plain).toContain('Volcanic eruptions');
    expect(m.plain).not.toContain('Glaciers');
    expect(m.plain).not.toContain('Coral reefs');
    expect(m.text).toMatch(/#t=3">00:03<\/a>/);

    const outside = await reply(ALICE, `/summary ${site.pageUrl('lesson')} 10:00-20:00`, (p) =>
      p.startsWith('⚠️'),
    );
    expect(outside.plain).toMatch(/Nothing is said between 10:00 and 20:00 \(the transcript ends at 00:09\)/);
    const backwards = await reply(ALICE, `/summary ${site.pageUrl('lesson')} 20:00-10:00`, (p) =>
      p.startsWith('⚠️'),
    );
    expect(backwards.plain).toContain('ends before it starts');
    const garbage = await reply(ALICE, `/summary ${site.pageUrl('lesson')} soon`, (p) => p.startsWith('⚠️'));
    expect(garbage.plain).toContain("'soon' is not a time range");
  });

  it('a digest subscription hears nothing until the digest hour, then one message with every new video', async () => {
    const digest = await s.env.subscriptions.subscribe(digestFeed.url('/feed.xml'), {
      chatId: BOB.id,
      notify: 'digest',
    });
    await waitFor('the first check', async () => (await s.env.subscriptions.get(digest.id))?.initialized);
    digestFeed.items.unshift(
      { id: 'd2', title: 'Digest two: forests', link: site.pageUrl('d2'), published: day(4) },
      { id: 'd1', title: 'Digest one: deserts', link: site.pageUrl('d1'), published: day(3) },
    );
    const both = await waitFor(
      'both digest entries to be indexed',
      async () => {
        const e = (await s.env.subscriptions.entries(digest.id)).filter((x) => x.status === 'indexed');
        return e.length === 2 ? e : null;
      },
      90_000,
    );
    expect(both.every((e) => e.notifiedAt === null)).toBe(true);
    // The notice sensor has looked since (it is woken when entries are indexed) and found nothing due.
    const lastIndexed = Math.max(...both.map((e) => e.indexedAt!));
    await waitFor('a notice sensor tick after the indexing', async () =>
      (await s.env.storage.instigators.listTicks('subscription_notify_sensor', { limit: 5 })).find(
        (t) => t.timestamp > lastIndexed && t.status === 'SKIPPED',
      ),
    );
    expect(s.tg.messages(BOB.id).filter((m) => /🆕|📰/.test(m.plain))).toEqual([]);

    // The digest hour comes.
    subscriptionSettings.digestHourUtc = new Date().getUTCHours();
    await s.env.instance.wake('subscription_notify_sensor');
    const m = await s.tg.waitForMessage(BOB.id, (x) => x.plain.startsWith('📰'), 30_000);
    expect(m.plain).toContain('Daily digest: 2 new video(s)');
    expect(m.plain).toContain('Digest one: deserts');
    expect(m.plain).toContain('Digest two: forests');
    expect(m.plain).toContain('Deserts receive very little rain.');
    await waitFor(
      'the digest marked sent',
      async () => (await s.env.subscriptions.get(digest.id))?.digestSentAt,
    );
    expect((await s.env.subscriptions.entries(digest.id)).every((e) => e.notifiedAt !== null)).toBe(true);
    // One message for the day, no per-video notices.
    expect(s.tg.messages(BOB.id).filter((x) => /🆕|📰/.test(x.plain))).toHaveLength(1);
  }, 120_000);

  it('/subscriptions shows a broken subscription’s error; the others are listed as usual', async () => {
    const ok = await reply(BOB, `/subscribe ${digestFeed.url('/missing.xml')}`, (p) => p.startsWith('✅'));
    const id = Number(/Subscribed #(\d+)/.exec(ok.plain)![1]);
    await waitFor('the failed check', async () => (await s.env.subscriptions.get(id))?.lastError);
    const list = await reply(BOB, '/subscriptions', (p) => p.includes('Subscriptions'));
    expect(list.plain).toMatch(new RegExp(`#${id} .*\\n\\s+⚠️ The feed .*answered 404`));
    expect(list.plain).toMatch(/#\d+ Local channel · active · 2 found/);
    expect(list.plain).not.toContain(`#${subId} `);
  });

  it('/unsubscribe ID stops following (only in its own chat); indexed videos stay', async () => {
    const notHers = await reply(BOB, `/unsubscribe ${subId}`, (p) => p.startsWith('Send /unsubscribe'));
    expect(notHers.plain).toContain('/subscriptions');
    expect(await s.env.subscriptions.get(subId)).toBeDefined();

    const done = await reply(ALICE, `/unsubscribe ${subId}`, (p) => p.startsWith('Unsubscribed'));
    expect(done.plain).toContain(`#${subId}`);
    expect(await s.env.subscriptions.get(subId)).toBeUndefined();
    expect((await s.env.service.listVideos()).map((v) => v.title)).toContain('Earth science <basics> & more');
    const gone = await reply(ALICE, `/unsubscribe ${subId}`, (p) => p.startsWith('Send /unsubscribe'));
    expect(gone.plain).toContain('an id from /subscriptions');
  });
});
