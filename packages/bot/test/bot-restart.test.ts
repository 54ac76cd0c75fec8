import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVideoPageServer, type VideoPageServer } from '../../adapters/test/helpers/video-page-server.ts';
import { waitFor } from '../../rag/test/helpers-rag-env.ts';
import { type RunningBot, startTelegramBot } from '../src/index.ts';
import { createProgressMessageStore } from '../src/progress-store.ts';
import { ALICE, BOB, startBotEnv } from './helpers/bot-env.ts';

const VTT = `WEBVTT

00:00.000 --> 00:03.000
Restarting a bot must not lose the progress message.

00:03.000 --> 00:06.000
Playlists expand to one message per video.
`;

/** An RSS feed of the local video pages: yt-dlp's generic extractor expands it offline, like a playlist. */
async function startFeedServer(
  items: { title: string; url: string }[],
): Promise<{ url: string; server: Server }> {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Test playlist</title><link>http://127.0.0.1/</link><description>Two videos</description>
${items.map((i, n) => `<item><title>${i.title}</title><link>${i.url}</link><guid>item-${n}</guid></item>`).join('\n')}
</channel></rss>`;
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(xml);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed.xml`, server };
}

describe('progress messages across a bot restart, and playlists', () => {
  let site: VideoPageServer;
  let feed: Awaited<ReturnType<typeof startFeedServer>>;
  let s: Awaited<ReturnType<typeof startBotEnv>>;
  const bots: RunningBot[] = [];

  beforeAll(async () => {
    site = await startVideoPageServer({
      videos: [
        { id: 'restart', title: 'Restart video', speech: 'Restart.', vttText: VTT },
        { id: 'list-one', title: 'List one', speech: 'One.', vttText: VTT },
        { id: 'list-two', title: 'List two', speech: 'Two.', vttText: VTT },
      ],
    });
    feed = await startFeedServer([
      { title: 'List one', url: site.pageUrl('list-one') },
      { title: 'List two', url: site.pageUrl('list-two') },
    ]);
    s = await startBotEnv();
  }, 20_000);
  afterAll(async () => {
    for (const b of bots) await b.stop().catch(() => {});
    await s?.close();
    await new Promise((r) => feed?.server.close(r));
    await site?.close();
  });

  it('a new bot instance on the same database edits the same message to 100 %', async () => {
    const stored = createProgressMessageStore(s.env.handle);
    const first = await startTelegramBot(s.host, { progressIntervalMs: 150 });
    bots.push(first);
    s.tg.sendText(ALICE, site.pageUrl('restart'));
    const progress = await s.tg.waitForMessage(ALICE.id, (m) => m.plain.startsWith('🎬'));
    await first.stop();
    const req = (await s.env.service.listRequests({ userId: ALICE.id }))[0]!;
    // Stopped mid-way: the work goes on without a bot (downloading alone takes seconds).
    expect(req.status).not.toBe('completed');
    expect(progress.plain).not.toContain('100 %');
    expect(await stored.get(req.id)).toMatchObject({
      chatId: ALICE.id,
      messageId: progress.message_id,
      userId: ALICE.id,
    });
    await waitFor('the pipeline to pick the request up', async () => {
      const r = await s.env.store.requests.get(req.id);
      return r?.status === 'processing' || r?.status === 'completed';
    });

    const restartedAt = Date.now();
    const second = await startTelegramBot(s.host, { progressIntervalMs: 150 });
    bots.push(second);
    expect(s.logs.filter((l) => l.msg?.startsWith('Telegram bot started')).at(-1)?.obj.resumed).toBe(1);
    const done = await s.tg.waitForMessage(
      ALICE.id,
      (m) => m.message_id === progress.message_id && m.plain.includes('100 %'),
      30_000,
    );
    expect(done.plain).toContain('Restart video');
    expect(
      s.tg
        .callsOf('editMessageText')
        .some((c) => c.at >= restartedAt && c.params.message_id === progress.message_id && c.status === 200),
    ).toBe(true);
    expect(s.tg.messages(ALICE.id).filter((m) => m.plain.startsWith('🎬'))).toHaveLength(1);
    // Finished and shown: nothing left to resume next time.
    await waitFor(
      'the stored message to be forgotten',
      async () => (await stored.get(req.id)) === null,
      3000,
    );
    await second.stop();
  }, 40_000);

  it('a playlist link gets one progress message per video, each edited to 100 %', async () => {
    const bot = await startTelegramBot(s.host, { progressIntervalMs: 150 });
    bots.push(bot);
    s.tg.sendText(BOB, feed.url);
    await waitFor(
      'two videos from the playlist',
      async () => {
        const reqs = await s.env.service.listRequests({ userId: BOB.id });
        return reqs.length === 2 && reqs.every((r) => r.status === 'completed');
      },
      30_000,
    );
    const messages = await waitFor('one finished progress message per video', async () => {
      const done = s.tg.messages(BOB.id).filter((m) => m.plain.startsWith('🎬') && m.plain.includes('100 %'));
      return done.length === 2 ? done : null;
    });
    const text = messages.map((m) => m.plain).join('\n');
    expect(text).toContain('List one');
    expect(text).toContain('List two');
    expect(new Set(messages.map((m) => m.message_id)).size).toBe(2);
    expect(s.tg.messages(BOB.id).filter((m) => m.plain.startsWith('🎬'))).toHaveLength(2);
    await bot.stop();
  }, 40_000);

  it('several links in one message: each request gets its own progress message, each edited to its failure', async () => {
    const bot = await startTelegramBot(s.host, { progressIntervalMs: 150 });
    bots.push(bot);
    const before = s.tg.messages(BOB.id).length;
    const links = [`${site.baseUrl}/videos/missing-a.html`, `${site.baseUrl}/videos/missing-b.html`];
    s.tg.sendText(BOB, `two at once: ${links[0]} and ${links[1]}`);
    const posted = await waitFor('two progress messages', async () => {
      const mine = s.tg
        .messages(BOB.id)
        .slice(before)
        .filter((m) => m.plain.startsWith('🎬'));
      return mine.length === 2 ? mine : null;
    });
    expect(posted.map((m) => m.plain.split('\n')[0])).toEqual(links.map((l) => `🎬 ${l}`));
    const reqs = (await s.env.service.listRequests({ userId: BOB.id })).filter((r) => links.includes(r.url));
    expect(reqs).toHaveLength(2);
    await waitFor(
      'both messages to show the failure',
      async () => posted.every((m) => m.plain.includes('❌ Failed')),
      20_000,
    );
    expect(new Set(posted.map((m) => m.message_id)).size).toBe(2);
    // Final state shown: neither is stored for a restart any more.
    const stored = createProgressMessageStore(s.env.handle);
    await waitFor(
      'both rows forgotten',
      async () => {
        const rows = await Promise.all(reqs.map((r) => stored.get(r.id)));
        return rows.every((row) => row === null);
      },
      3000,
    );
    await bot.stop();
  }, 30_000);
});
