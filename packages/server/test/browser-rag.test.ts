/*
 * Browser tests of the RAG flows against a real server on the real RAG stack (SQLite, RagStore,
 * SqliteSearchIndex, yt-dlp + ffmpeg, daemon) and a local video site: Library submit → live
 * progress → transcript links, Ask → cited source + feedback row, Alerts acknowledge, video text
 * rendered as text, and screenshots of every main page in light and dark themes.
 */
import { startVideoPageServer, type VideoPageServer } from '@llm-rag-yt/adapters';
import { syncAlerts } from '@llm-rag-yt/rag';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuilt, launchChromium, SCREENSHOTS } from './helpers/browser.ts';
import { type RagServer, startRagServer } from './helpers/rag-server.ts';

const VTT = `WEBVTT

00:00.000 --> 00:03.000
Welcome to this short lesson about geometry.

00:03.000 --> 00:06.000
A vector has both a magnitude and a direction.

00:06.000 --> 00:09.000
Scalars only have a size, nothing more.
`;
const XSS = '<img src=x onerror=alert(1)>';
const YT_ID = 'dQw4w9WgXcQ';
const YT_VTT = `WEBVTT

00:00:10.000 --> 00:00:14.000
Photosynthesis turns sunlight into chemical energy in plants.
`;

let site: VideoPageServer;
let env: RagServer;
let browser: Browser;
let page: Page;
const dialogs: string[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  ensureWebBuilt();
  [site, env, browser] = await Promise.all([
    startVideoPageServer({
      videos: [{ id: 'vectors', title: 'Intro to vectors', vttText: VTT, silenceSeconds: 1 }],
    }),
    startRagServer(),
    launchChromium(),
  ]);
  page = await browser.newPage({ viewport: { width: 1366, height: 820 } });
  // Any alert() means video text was rendered as HTML.
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await env?.close();
  await site?.close();
});

const shot = (name: string) => page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });

describe('RAG flows in the browser against the real stack', () => {
  it('Library: submit a page URL, progress reaches done live, transcript lines link to their time', async () => {
    await page.goto(`${env.server.url}/library`);
    await page.getByText('No requests yet').waitFor();
    await page.getByLabel('Video URLs').fill(site.pageUrl('vectors'));
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.getByRole('status').getByText('1 queued').waitFor();
    const row = page.locator('tr[data-request-id]').first();
    await row.waitFor();
    // No reload from here on: the row moves through the stages by live updates.
    await row.locator('.badge', { hasText: 'completed' }).waitFor({ timeout: 45_000 });
    expect(await row.locator('.progress span.done').count()).toBe(3);
    await page.getByRole('link', { name: 'Intro to vectors' }).waitFor();
    await shot('library');

    await page.getByRole('link', { name: 'Intro to vectors' }).click();
    const line = page.locator('.transcript-line', { hasText: 'magnitude and a direction' });
    await line.waitFor();
    const link = line.getByRole('link');
    expect(await link.textContent()).toBe('0:03');
    expect(await link.getAttribute('href')).toBe(`${site.pageUrl('vectors')}#t=3`);
    await shot('library-transcript');
  }, 60_000);

  it('video titles from imports render as text in Library and Ask; YouTube ids link to youtu.be', async () => {
    const form = new FormData();
    form.set('file', new Blob([YT_VTT], { type: 'text/vtt' }), 'captions.vtt');
    form.set('videoId', YT_ID);
    form.set('title', XSS);
    const res = await fetch(`${env.server.url}/api/library/import`, { method: 'POST', body: form });
    expect(res.status).toBe(201);
    const { request } = (await res.json()) as { request: { id: number } };
    const end = Date.now() + 30_000;
    while ((await env.store.requests.get(request.id))?.status !== 'completed') {
      if (Date.now() > end) throw new Error('the transcript import did not complete within 30 s');
      await new Promise((r) => setTimeout(r, 100));
    }

    await page.goto(`${env.server.url}/library`);
    await page.getByRole('link', { name: XSS, exact: true }).waitFor();
    await page.goto(`${env.server.url}/ask`);
    await page.getByLabel('Question about your videos').fill('What does photosynthesis turn sunlight into?');
    await page.getByRole('button', { name: 'Ask' }).click();
    const cite = page.locator('.citation-link').first();
    await cite.waitFor({ timeout: 20_000 });
    expect(await cite.textContent()).toBe(`${XSS} · 0:10–0:14`);
    expect(await cite.getAttribute('href')).toBe(`https://youtu.be/${YT_ID}?t=10`);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(dialogs).toEqual([]);
  }, 60_000);

  it('Ask: the cited source has title, time range and deep link; 👍 stores a feedback row', async () => {
    await page.goto(`${env.server.url}/ask`);
    await page.getByLabel('Question about your videos').fill('What does a vector have?');
    await page.getByRole('button', { name: 'Ask' }).click();
    const answer = page.getByTestId('answer');
    await answer.waitFor({ timeout: 20_000 });
    const cite = answer.locator('.citation-link', { hasText: 'Intro to vectors' }).first();
    await cite.waitFor();
    expect(await cite.textContent()).toMatch(/^Intro to vectors · 0:0\d–0:0\d$/);
    expect(await cite.getAttribute('href')).toMatch(
      new RegExp(`^${site.pageUrl('vectors').replace(/[.?]/g, '\\$&')}#t=\\d$`),
    );
    await shot('ask');
    await page.getByRole('button', { name: 'Helpful', exact: true }).click();
    await page.getByText('Thanks for the feedback.').waitFor();
    const rows = await env.handle.db.selectFrom('feedback').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ rating: 1 });
  }, 40_000);

  it('Alerts: an open alert raised by the alert store moves to acknowledged', async () => {
    const { raised } = await syncAlerts(
      env.handle,
      [
        {
          type: 'processing_failures',
          severity: 'warning',
          fingerprint: 'processing_failures',
          title: '6 failed YouTube requests in the last hour',
          message: 'Check yt-dlp and the network.',
          details: { failed: 6, threshold: 5 },
        },
      ],
      { now: Date.now(), scope: () => false },
    );
    const id = raised[0]!.id;
    await page.goto(`${env.server.url}/alerts`);
    const row = page.locator(`tr[data-alert-id="${id}"]`);
    await row.locator('.badge', { hasText: 'open' }).waitFor();
    await shot('alerts');
    await row.getByRole('button', { name: 'Acknowledge' }).click();
    await row.locator('.badge', { hasText: 'acknowledged' }).waitFor();
    const rows = await env.rag.listAlerts({ status: 'acknowledged' });
    expect(rows.map((a) => a.id)).toContain(id);
  }, 30_000);

  it('screenshots of every main page, light and dark', async () => {
    const [run] = await env.storage.runs.listRuns({ limit: 1 });
    expect(run).toBeDefined();
    const pages: [string, string, string][] = [
      ['overview', '/', 'Overview'],
      ['assets', '/assets', 'Assets'],
      ['asset-graph', '/assets/~graph', '.react-flow__node'],
      ['asset-detail', '/assets/transcribed_audio_files', 'transcribed_audio_files'],
      ['runs', '/runs', 'Runs'],
      ['run-detail', `/runs/${run?.runId}`, '.log-row'],
      ['launchpad', '/launchpad', 'Launchpad'],
      ['sensors-schedules', '/automation', 'Sensors'],
      ['alerts', '/alerts', 'Alerts'],
      ['library', '/library', 'Library'],
      ['ask', '/ask', 'Ask'],
    ];
    for (const theme of ['light', 'dark'] as const) {
      await page.evaluate((t) => localStorage.setItem('llm-rag-yt.theme', t), theme);
      for (const [name, path, ready] of pages) {
        await page.goto(`${env.server.url}${path}`);
        if (ready.startsWith('.')) await page.locator(ready).first().waitFor({ timeout: 15_000 });
        else await page.getByRole('heading', { name: ready }).first().waitFor();
        await page.waitForTimeout(300); // the SSE stream keeps the network busy, so no networkidle
        await page.screenshot({ path: `${SCREENSHOTS}/rag-${theme}-${name}.png`, fullPage: true });
      }
    }
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
