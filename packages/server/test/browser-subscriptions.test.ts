/*
 * The Subscriptions page in a real browser against a real server on the real RAG stack (SQLite,
 * daemon, yt-dlp + ffmpeg) following a local Atom feed of local video pages: reached from the nav,
 * add with filters → checked and indexed with live updates, bad regex and the same URL twice
 * refused with the server's reason, a 404 feed's error shown while the other keeps flowing,
 * pause/resume, check now picking up a new entry, entries with skip reasons, remove; then the
 * library shows the video's summary and its transcript under chapter headings.
 */
import {
  EgressPolicy,
  guardedFetch,
  HttpFeedReader,
  startVideoPageServer,
  type VideoPageServer,
} from '@llm-rag-yt/adapters';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FeedServer, startFeedServer } from '../../rag/test/helpers-feed-server.ts';
import { waitFor } from '../../rag/test/helpers-rag-env.ts';
import { ensureWebBuilt, launchChromium, SCREENSHOTS } from './helpers/browser.ts';
import { type RagServer, startRagServer } from './helpers/rag-server.ts';

const vtt = (a: string, b: string) =>
  `WEBVTT\n\n00:00.000 --> 00:03.000\n${a}\n\n00:03.000 --> 00:06.000\n${b}\n`;
const day = (d: number) => new Date(Date.UTC(2026, 0, d));

let site: VideoPageServer;
let feeds: FeedServer;
let env: RagServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  ensureWebBuilt();
  [site, feeds, browser] = await Promise.all([
    startVideoPageServer({
      videos: [
        {
          id: 'rivers',
          title: 'Lesson on rivers',
          vttText: vtt('Rivers begin as small mountain streams.', 'Every river flows into the sea at last.'),
          description: 'A short lesson.\n0:00 Where rivers begin\n0:03 Into the sea',
        },
        { id: 'trailer', title: 'Channel trailer', vttText: vtt('Subscribe for more.', 'See you soon.') },
        { id: 'oldest', title: 'Oldest lesson', vttText: vtt('Clouds are made of water.', 'That is all.') },
        { id: 'fresh', title: 'Fresh upload on deserts', vttText: vtt('Deserts get little rain.', 'Bye.') },
      ],
    }),
    startFeedServer(),
    launchChromium(),
  ]);
  feeds.items.push(
    { id: 'trailer', title: 'Channel trailer', link: site.pageUrl('trailer'), published: day(5) },
    { id: 'rivers', title: 'Lesson on rivers', link: site.pageUrl('rivers'), published: day(4) },
    { id: 'oldest', title: 'Oldest lesson', link: site.pageUrl('oldest'), published: day(2) },
  );
  const policy = new EgressPolicy({ allow: ['127.0.0.1'] });
  env = await startRagServer({
    env: {
      // A long interval: after the first check, only "Check now" checks again.
      settings: { subscriptions: { intervalSeconds: 3600, backfillPerTick: 2 } },
      resources: {
        feedReader: new HttpFeedReader({ fetch: (url, init) => guardedFetch(url, init, policy) }),
      },
    },
  });
  page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await env?.close();
  await feeds?.close();
  await site?.close();
});

const row = (id: number): Locator => page.locator(`tr[data-subscription-id="${id}"]`);
const apiSub = async (id: number) => (await env.subscriptions.get(id))!;

describe('Subscriptions page in the browser against the real stack', () => {
  let subId = 0;

  it('is in the nav; subscribing with backfill and a filter indexes the backfill, shown live', async () => {
    await page.goto(`${env.server.url}/`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Subscriptions' }).click();
    await page.waitForURL(/\/subscriptions$/);
    await page.getByText('No subscriptions yet').waitFor();

    await page.getByLabel('Channel, playlist or feed URL').fill(feeds.url('/feed.xml'));
    await page.getByLabel('Backfill').fill('1');
    await page.getByLabel('Exclude (regex)').fill('trailer');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page
      .getByRole('status')
      .getByText(/Subscribed #\d+ to/)
      .waitFor();
    const [sub] = await env.subscriptions.list();
    expect(sub).toMatchObject({ url: feeds.url('/feed.xml'), backfill: 1, filters: { exclude: 'trailer' } });
    subId = sub!.id;

    // No reload from here on: the check and the indexing arrive by live updates.
    await row(subId).locator('.found', { hasText: '1 indexed' }).waitFor({ timeout: 60_000 });
    await expect(row(subId).locator('.found strong').textContent()).resolves.toBe('1');
    await row(subId).locator('.last-checked time').waitFor();
    expect(await row(subId).locator('.error').textContent()).toBe('—');
    expect(await row(subId).locator('td').first().textContent()).toContain('Local channel');
    expect(await row(subId).locator('td').first().textContent()).toContain('exclude /trailer/');
    // Next check is an hour away (the interval), shown relative to now.
    expect(await row(subId).locator('.next-check').textContent()).toMatch(/^in (59 min|1 h)/);
    await page.screenshot({ path: `${SCREENSHOTS}/subscriptions.png`, fullPage: true });
  }, 90_000);

  it('refuses a bad regex and the same URL twice with the server’s reason; nothing is added', async () => {
    await page.getByLabel('Channel, playlist or feed URL').fill(feeds.url('/rss.xml'));
    await page.getByLabel('Include (regex)').fill('([');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page
      .getByRole('alert')
      .getByText(/--include '\(\[' is not a valid regular expression/)
      .waitFor();

    await page.getByLabel('Include (regex)').fill('');
    await page.getByLabel('Channel, playlist or feed URL').fill(feeds.url('/feed.xml'));
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page
      .getByRole('alert')
      .getByText(new RegExp(`Already subscribed .* as #${subId}`))
      .waitFor();
    expect((await env.subscriptions.list()).map((s) => s.id)).toEqual([subId]);
  });

  it('a feed answering 404 shows its error on its row; the other subscription is untouched', async () => {
    await page.getByLabel('Channel, playlist or feed URL').fill(feeds.url('/missing.xml'));
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page
      .getByRole('status')
      .getByText(/Subscribed #\d+/)
      .waitFor();
    const broken = (await env.subscriptions.list()).find((s) => s.url === feeds.url('/missing.xml'))!;
    const error = row(broken.id).locator('.error [role="note"]');
    await error.waitFor({ timeout: 20_000 });
    expect(await error.textContent()).toMatch(/^1× .*answered 404.*removed or private/);
    expect(await row(subId).locator('.error').textContent()).toBe('—');
    expect((await apiSub(subId)).lastError).toBeNull();
  });

  it('pause and resume change the subscription and its row', async () => {
    await row(subId).getByRole('button', { name: 'Pause' }).click();
    await row(subId).locator('.badge', { hasText: 'paused' }).waitFor();
    expect(await row(subId).locator('.next-check').textContent()).toBe('paused');
    expect((await apiSub(subId)).status).toBe('paused');

    await row(subId).getByRole('button', { name: 'Resume' }).click();
    await row(subId).locator('.badge', { hasText: 'active' }).waitFor();
    expect((await apiSub(subId)).status).toBe('active');
  });

  it('check now picks up a new entry at once (the interval is an hour) and indexes it', async () => {
    const before = await apiSub(subId);
    feeds.items.unshift({
      id: 'fresh',
      title: 'Fresh upload on deserts',
      link: site.pageUrl('fresh'),
      published: day(7),
    });
    await row(subId).getByRole('button', { name: 'Check now' }).click();
    await page.getByRole('status').getByText(`Checking #${subId} now.`).waitFor();
    await row(subId).locator('.found', { hasText: '2 indexed' }).waitFor({ timeout: 60_000 });
    expect(await row(subId).locator('.found strong').textContent()).toBe('2');
    expect(await row(subId).locator('.found').textContent()).toContain('(1 in the last check)');
    const after = await apiSub(subId);
    expect(after.checkCount).toBeGreaterThan(before.checkCount);
    expect(after.lastCheckedAt).toBeGreaterThan(before.lastCheckedAt!);
  }, 90_000);

  it('the entries view lists what was indexed, skipped (with why) and only remembered', async () => {
    await row(subId)
      .getByRole('link', { name: /Local channel/ })
      .click();
    await page.waitForURL(new RegExp(`/subscriptions/${subId}$`));
    const entries = page.getByLabel('Entries');
    await entries.locator('tr[data-entry-key]').first().waitFor();
    const status = async (key: string) =>
      entries.locator(`tr[data-entry-key="urn:local:${key}"] .badge`).textContent();
    expect(await status('fresh')).toBe('indexed');
    expect(await status('rivers')).toBe('indexed');
    expect(await status('trailer')).toBe('skipped');
    expect(await status('oldest')).toBe('seen');
    expect(await entries.locator('tr[data-entry-key="urn:local:trailer"]').textContent()).toMatch(
      /--exclude trailer/,
    );
  });

  it('the library shows the indexed video’s summary and its transcript under chapter headings', async () => {
    const rivers = (await env.subscriptions.entries(subId)).find((e) => e.entryKey === 'urn:local:rivers')!;
    expect(rivers).toMatchObject({ status: 'indexed', videoId: expect.any(String) });
    await waitFor('the summary', async () => env.rag.summary(rivers.videoId!));
    await entriesLink(rivers.videoId!).click();
    await page.waitForURL(new RegExp(`/library/${encodeURIComponent(rivers.videoId!)}$`));
    const summary = page.getByLabel('Summary');
    await summary.waitFor();
    expect(await summary.textContent()).toContain('Extractive summary');
    expect(await summary.locator('.key-points a').first().getAttribute('href')).toMatch(/#t=\d+$/);
    const headings = await page.locator('.transcript h3.chapter').allTextContents();
    expect(headings).toEqual(['0:00 Where rivers begin', '0:03 Into the sea']);
    // Each line sits under its chapter.
    const second = page.locator('.transcript section').nth(1);
    expect(await second.textContent()).toContain('Every river flows into the sea');
    expect(await second.textContent()).not.toContain('mountain streams');
    await page.screenshot({ path: `${SCREENSHOTS}/library-chapters.png`, fullPage: true });
  });

  it('a subscription made from Telegram lets the page choose its notices; one made here has none to choose', async () => {
    const fromChat = await env.subscriptions.subscribe(feeds.url('/feed.xml?from=telegram'), {
      chatId: 4242,
    });
    expect(fromChat.notify).toBe('instant');
    await page.goto(`${env.server.url}/subscriptions`);
    const select = row(fromChat.id).getByLabel(`Telegram notices for #${fromChat.id}`);
    expect(await select.inputValue()).toBe('instant');
    await select.selectOption({ label: 'Daily digest' });
    await page.getByRole('status').getByText(`#${fromChat.id}: daily digest.`).waitFor();
    expect((await apiSub(fromChat.id)).notify).toBe('digest');
    await page.reload();
    expect(await row(fromChat.id).getByLabel(`Telegram notices for #${fromChat.id}`).inputValue()).toBe(
      'digest',
    );
    await page.screenshot({ path: `${SCREENSHOTS}/subscriptions-notices.png`, fullPage: true });
    // Made in the web UI: no chat, so nothing to send notices to and no control.
    expect(await row(subId).locator('label.notify').count()).toBe(0);
    await env.subscriptions.remove(fromChat.id);
  });

  it('remove asks for confirmation, then the subscription is gone and its videos stay', async () => {
    await page.goto(`${env.server.url}/subscriptions`);
    await row(subId).getByRole('button', { name: 'Remove' }).click();
    expect(await env.subscriptions.get(subId)).toBeDefined();
    await row(subId).getByRole('button', { name: 'Confirm remove' }).click();
    await page.getByRole('status').getByText(`Removed #${subId}`).waitFor();
    await row(subId).waitFor({ state: 'detached' });
    expect(await env.subscriptions.get(subId)).toBeUndefined();
    expect((await env.rag.listVideos()).map((v) => v.title).sort()).toEqual([
      'Fresh upload on deserts',
      'Lesson on rivers',
    ]);
    expect(pageErrors).toEqual([]);
  });
});

const entriesLink = (videoId: string) =>
  page.getByLabel('Entries').locator(`a[href="/library/${encodeURIComponent(videoId)}"]`);
