import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVideoPageServer, type VideoPageServer } from '../../adapters/test/helpers/video-page-server.ts';
import { waitFor } from '../../rag/test/helpers-rag-env.ts';
import { type RunningBot, startTelegramBot } from '../src/index.ts';
import { ALICE, startBotEnv } from './helpers/bot-env.ts';

const VTT = `WEBVTT

00:00.000 --> 00:03.000
Welcome to this short lesson about geometry & vectors.

00:03.000 --> 00:06.000
A vector has both a magnitude and a direction.

00:06.000 --> 00:09.000
Scalars only have a size, nothing more.
`;

const STAGES = ['0 %', '20 %', '50 %', '70 %', '90 %', '100 %'];

describe('bot end to end: link → edited progress → indexed video → question → answer → feedback', () => {
  let site: VideoPageServer;
  let s: Awaited<ReturnType<typeof startBotEnv>>;
  let bot: RunningBot;

  beforeAll(async () => {
    site = await startVideoPageServer({
      videos: [
        { id: 'vectors', title: 'Vectors <intro> & more', speech: 'Vectors.', vttText: VTT },
        { id: 'second', title: 'Second video', speech: 'Second.', vttText: VTT },
      ],
    });
    s = await startBotEnv();
    bot = await startTelegramBot(s.host, { progressIntervalMs: 150 });
  }, 20_000);
  afterAll(async () => {
    await bot?.stop();
    await s?.close();
    await site?.close();
  });

  it('starts with a clear identity and registers the command menu', async () => {
    expect(bot.username).toBe(s.tg.bot.username);
    expect(bot.mode).toBe('polling');
    expect(
      s.tg.callsOf('setMyCommands')[0]!.params.commands.map((c: { command: string }) => c.command),
    ).toEqual(expect.arrayContaining(['start', 'help', 'status', 'verbose', 'cancel', 'videos']));
  });

  it('a link gives one progress message, edited through the stages to 100 %, with timings in verbose mode', async () => {
    s.tg.sendText(ALICE, '/verbose');
    await s.tg.waitForMessage(ALICE.id, (m) => m.plain.includes('Verbose mode on'));
    expect((await s.env.store.users.get(ALICE.id))?.verbose).toBe(true);

    const t0 = Date.now();
    s.tg.sendText(ALICE, `please index this: ${site.pageUrl('vectors')} thanks`, {
      forward_origin: { type: 'hidden_user', sender_user_name: 'Somebody', date: 1 },
    });
    const progress = await s.tg.waitForMessage(ALICE.id, (m) => m.plain.startsWith('🎬'));
    const req = (await s.env.service.listRequests({ userId: ALICE.id }))[0]!;
    expect(req).toMatchObject({ source: 'bot', chatId: ALICE.id, url: site.pageUrl('vectors') });
    // The sensor was woken at once: picked up well before its 30 s interval.
    await waitFor('pickup', async () => (await s.env.store.requests.get(req.id))?.status !== 'pending', 5000);
    expect(Date.now() - t0).toBeLessThan(5000);

    const done = await s.tg.waitForMessage(
      ALICE.id,
      (m) => m === progress && m.plain.includes('100 %'),
      30_000,
    );
    expect(s.tg.messages(ALICE.id).filter((m) => m.plain.startsWith('🎬'))).toHaveLength(1);
    expect(done.plain).toContain('▓▓▓▓▓▓▓▓▓▓ 100 %');
    expect(done.plain).toContain('Vectors <intro> & more'); // the real title, escaped in HTML and shown intact
    expect(done.text).toContain('Vectors &lt;intro&gt; &amp; more');
    expect(done.plain).toMatch(/Done \(\d+ passages? indexed\)/);
    expect(done.plain).toMatch(/Downloading: \d/); // verbose timings
    // Each shown state is one of the pipeline's percentages, in order, and no edit repeated the previous text.
    const shown = done.history.map((h) =>
      STAGES.findIndex((p) => h.includes(`░ ${p}`) || h.includes(`▓ ${p}`)),
    );
    expect(shown.every((i) => i >= 0)).toBe(true);
    expect([...shown].sort((a, b) => a - b)).toEqual(shown);
    expect(shown.at(-1)).toBe(5);
    for (let i = 1; i < done.history.length; i++) expect(done.history[i]).not.toBe(done.history[i - 1]);
    // Downloading takes seconds, so the ~1 s poll shows it; sub-second stages may be passed over,
    // and verbose mode still lists every stage's time.
    expect(done.history.some((h) => h.includes('▓▓░░░░░░░░ 20 %\n⚙️ Downloading'))).toBe(true);
    for (const stage of ['Downloading', 'Transcribing', 'Processing the transcript', 'Indexing'])
      expect(done.plain).toMatch(new RegExp(`• ${stage}: \\d`));
    expect(s.tg.callsOf('editMessageText').filter((c) => c.status !== 200)).toEqual([]);

    const video = (await s.env.service.listVideos())[0]!;
    expect(video).toMatchObject({ title: 'Vectors <intro> & more', status: 'indexed' });
  }, 40_000);

  it('a question is answered with sources, time, relevance and buttons; 👍 is stored; More details works', async () => {
    s.tg.sendText(ALICE, 'what do scalars have?');
    const answer = await s.tg.waitForMessage(ALICE.id, (m) =>
      Boolean(m.reply_markup?.inline_keyboard[0]?.some((b) => b.text === '👍')),
    );
    expect(answer.plain).toContain('Sources');
    expect(answer.plain).toContain('Vectors <intro> & more');
    expect(answer.plain).toMatch(/1\. Vectors <intro> & more · \d\d:\d\d · relevance [-\d.e]+/);
    expect(answer.plain).toMatch(/⏱ \d+/);
    expect(answer.text).toMatch(/<a href="[^"]+">/);
    const buttons = answer.reply_markup!.inline_keyboard[0]!;
    expect(buttons.map((b) => b.text)).toEqual(['👍', '👎', 'More details']);
    for (const b of buttons) expect(Buffer.byteLength(b.callback_data!)).toBeLessThanOrEqual(64);
    const queryId = Number(/^fb:(\d+):1$/.exec(buttons[0]!.callback_data!)![1]);
    expect(await s.env.store.queries.get(queryId)).toMatchObject({ userId: ALICE.id, source: 'bot' });

    s.tg.press(ALICE, answer, buttons[0]!.callback_data!);
    await s.tg.waitForCall('answerCallbackQuery', (c) => String(c.params.text).includes('Thanks'));
    expect(await s.env.store.queries.listFeedback(queryId)).toEqual([
      expect.objectContaining({ userId: ALICE.id, rating: 1 }),
    ]);
    // A second press does not store a second vote.
    s.tg.press(ALICE, answer, buttons[1]!.callback_data!);
    await s.tg.waitForCall('answerCallbackQuery', (c) => String(c.params.text).includes('already rated'));
    expect(await s.env.store.queries.listFeedback(queryId)).toHaveLength(1);

    s.tg.press(ALICE, answer, buttons[2]!.callback_data!);
    const details = await s.tg.waitForMessage(ALICE.id, (m) => m.plain.startsWith('🔎'));
    expect(details.plain).toContain('Scalars only have a size');
  }, 20_000);

  it('/status and /videos report the pipeline and the indexed video', async () => {
    s.tg.sendText(ALICE, '/status');
    const status = await s.tg.waitForMessage(ALICE.id, (m) => m.plain.includes('Pipeline'));
    expect(status.plain).toContain('🟢');
    expect(status.plain).toMatch(/Videos indexed: 1 · passages: \d+/);
    expect(status.plain).toMatch(/Requests: 0 pending · 0 processing · 1 done · 0 failed/);
    s.tg.sendText(ALICE, '/videos');
    const list = await s.tg.waitForMessage(ALICE.id, (m) => m.plain.startsWith('🎬 Videos'));
    expect(list.plain).toContain('Vectors <intro> & more');
  });

  it('a failing link says why and offers Retry; the press re-queues the request', async () => {
    s.tg.sendText(ALICE, `${site.baseUrl}/plain.html`);
    const failed = await s.tg.waitForMessage(ALICE.id, (m) => m.plain.includes('❌ Failed'), 20_000);
    const req = (await s.env.service.listRequests({ userId: ALICE.id, status: 'failed' }))[0]!;
    expect(req.error).toBeTruthy();
    expect(failed.plain).toContain(req.error!.slice(0, 40));
    expect(failed.reply_markup!.inline_keyboard[0]![0]).toEqual({
      text: '🔁 Retry',
      callback_data: `retry:${req.id}`,
    });
    s.tg.press(ALICE, failed, `retry:${req.id}`);
    await s.tg.waitForCall('answerCallbackQuery', (c) => c.params.text === 'Retrying…');
    await waitFor(
      'the retried attempt',
      async () => ((await s.env.store.requests.get(req.id))?.attempts ?? 0) > req.attempts,
    );
    // The same message follows the new attempt and ends failed again with its reason.
    await waitFor(
      'the same message to show the new attempt',
      async () => failed.history.some((h) => h.includes('attempt 2')) && failed.plain.includes('❌ Failed'),
      20_000,
    );
    expect(s.tg.messages(ALICE.id).filter((m) => m.plain.includes('plain.html'))).toHaveLength(1);
  }, 45_000);

  it("/cancel really cancels the user's running work and the progress message says so", async () => {
    s.tg.sendText(ALICE, site.pageUrl('second'));
    s.tg.sendText(ALICE, '/cancel');
    // waitForMessage rejects when no such reply comes.
    await s.tg.waitForMessage(ALICE.id, (m) => m.plain.startsWith('🛑 Canceled 1 request'));
    const req = (await s.env.service.listRequests({ userId: ALICE.id }))[0]!;
    expect(req).toMatchObject({
      url: site.pageUrl('second'),
      status: 'failed',
      error: 'Canceled by the user.',
    });
    await s.tg.waitForMessage(ALICE.id, (m) =>
      m.plain.includes('Second') || m.plain.includes('second.html')
        ? m.plain.includes('Canceled by the user.')
        : false,
    );
    // Nothing more is processed for it: once its run (if it had started one) has ended, the video
    // is not indexed. Waiting for the run's end, not for a fixed time, makes this check able to fail.
    await waitFor(
      'the canceled request to have no run left in progress',
      async () => {
        const runId = (await s.env.store.requests.get(req.id))?.runId;
        const run = runId ? await s.env.storage.runs.getRun(runId) : null;
        return !run || ['SUCCESS', 'FAILURE', 'CANCELED'].includes(run.status);
      },
      15_000,
    );
    expect((await s.env.service.listVideos()).map((v) => v.title)).not.toContain('Second video');
    expect((await s.env.store.requests.get(req.id))?.status).toBe('failed');
  }, 20_000);
});
