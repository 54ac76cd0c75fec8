/*
 * The UI by keyboard alone (issue 4: "usable by keyboard"): Tab reaches the main navigation, the
 * asset graph's nodes and each page's primary controls, with a visible focus ring; Enter activates
 * them. Real server, the built UI and the Debian Chromium, like browser.test.ts.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { type RunningServer, startServer } from '../src/start-server.ts';
import { ensureWebBuilt, launchChromium, SCREENSHOTS, WEB_DIST } from './helpers/browser.ts';
import { createFixture, type Fixture, silentLogger } from './helpers/fixture.ts';

let fx: Fixture;
let server: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ensureWebBuilt();
  fx = await createFixture();
  const app = createApp({
    instance: fx.instance,
    auth: { tokens: [] },
    logger: silentLogger,
    webDist: WEB_DIST,
    streamPollMs: 200,
  });
  server = await startServer(app, { host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1366, height: 820 } });
  page.on('pageerror', (e) => console.error('pageerror', e.message));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await fx?.close();
});

interface Focused {
  tag: string;
  name: string;
  role: string | null;
  tabIndex: number;
  /** The focus ring as drawn: outline style and width, or a box-shadow. */
  outline: string;
  isGraphNode: boolean;
}

/** What has the focus, as a keyboard user would perceive it. */
function focused(p: Page): Promise<Focused | null> {
  return p.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return null;
    const cs = getComputedStyle(el);
    const ring =
      cs.outlineStyle !== 'none' && Number.parseFloat(cs.outlineWidth) > 0
        ? `${cs.outlineStyle} ${cs.outlineWidth}`
        : cs.boxShadow !== 'none'
          ? `shadow ${cs.boxShadow}`
          : 'none';
    return {
      tag: el.tagName.toLowerCase(),
      name: (el.getAttribute('aria-label') ?? el.textContent ?? '').trim().replace(/\s+/g, ' '),
      role: el.getAttribute('role'),
      tabIndex: el.tabIndex,
      outline: ring,
      isGraphNode: el.classList.contains('react-flow__node'),
    };
  });
}

/** Presses Tab until `want` matches the focused element; fails naming what it passed. */
async function tabTo(p: Page, want: (f: Focused) => boolean, max = 60): Promise<Focused[]> {
  const seen: Focused[] = [];
  for (let i = 0; i < max; i++) {
    await p.keyboard.press('Tab');
    const f = await focused(p);
    if (f) seen.push(f);
    if (f && want(f)) return seen;
  }
  throw new Error(
    `Tab never reached the wanted element in ${max} presses; focus went through: ${seen.map((f) => `${f.tag}"${f.name.slice(0, 30)}"`).join(', ')}`,
  );
}

/** A fresh page load with the focus at the document start. */
async function open(path: string, ready: () => Promise<unknown>): Promise<void> {
  await page.goto(`${server.url}${path}`);
  await ready();
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
}

describe('the web UI by keyboard', () => {
  it('Tab reaches the skip link and every main nav link in order, with a focus ring; Enter follows them', async () => {
    await open('/', () => page.getByRole('navigation', { name: 'Main' }).waitFor());
    const seen = await tabTo(page, (f) => f.tag === 'a' && f.name === 'Ask');
    const names = seen.filter((f) => f.tag === 'a').map((f) => f.name);
    expect(names[0]).toBe('Skip to content');
    const nav = [
      'Overview',
      'Assets',
      'Runs',
      'Launchpad',
      'Sensors & Schedules',
      'Alerts',
      'Library',
      'Ask',
    ];
    expect(names.filter((n) => nav.includes(n))).toEqual(nav);
    for (const f of seen) expect(f.outline, `focus ring on ${f.tag} "${f.name}"`).not.toBe('none');

    await open('/', () => page.getByRole('navigation', { name: 'Main' }).waitFor());
    await tabTo(page, (f) => f.tag === 'a' && f.name === 'Runs');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Runs' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/runs');
  });

  it('asset graph: each node is a Tab stop with a focus ring, announced as a link; Enter opens the asset', async () => {
    await open('/assets/~graph', () =>
      page.locator('[data-asset="flaky_index"]').waitFor({ timeout: 10_000 }),
    );
    const nodes = page.locator('.react-flow__node');
    expect(await nodes.count()).toBe(3);
    for (const t of await nodes.evaluateAll((els) => els.map((e) => e.getAttribute('tabindex'))))
      expect(t).toBe('0');
    // Edges carry no action and stay out of the Tab order.
    expect(await page.locator('.react-flow__edge[tabindex]').count()).toBe(0);

    const seen = await tabTo(page, (f) => f.isGraphNode);
    const first = seen.at(-1)!;
    expect(first).toMatchObject({ role: 'link', tabIndex: 0 });
    expect(first.name).toMatch(/^source_urls: .*group ingestion/);
    expect(first.outline).not.toBe('none');
    await page.screenshot({ path: `${SCREENSHOTS}/asset-graph-keyboard-focus.png` });
    // Tab walks on to the next nodes.
    const next = await tabTo(page, (f) => f.isGraphNode, 3);
    expect(next.at(-1)!.name).toMatch(/^audio_files: /);

    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'audio_files' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/assets/audio_files');
  });

  it('Launchpad: Tab reaches "Launch run" and Enter launches the run', async () => {
    await open('/launchpad', () => page.getByRole('button', { name: 'Launch run' }).waitFor());
    await page.waitForFunction(() =>
      [...document.querySelectorAll('button')].some((b) => b.textContent === 'Launch run' && !b.disabled),
    );
    const seen = await tabTo(page, (f) => f.tag === 'button' && f.name === 'Launch run');
    expect(seen.at(-1)!.outline).not.toBe('none');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/runs\/[^/]+$/, { timeout: 10_000 });
    await page.getByText('Event log').waitFor();
  });

  it('Sensors & Schedules: Tab reaches the switch and "Evaluate now"; Enter toggles and evaluates', async () => {
    await open('/automation', () => page.locator('[data-instigator="test_sensor"]').waitFor());
    const sensor = page.locator('[data-instigator="test_sensor"]');
    await tabTo(page, (f) => f.role === 'switch' && f.name === 'Start test_sensor');
    await page.keyboard.press('Enter');
    await sensor.getByText('On', { exact: true }).waitFor();
    const res = (await (await fetch(`${server.url}/api/sensors/test_sensor`)).json()) as {
      sensor: { status: string };
    };
    expect(res.sensor.status).toBe('RUNNING');
    await tabTo(page, (f) => f.tag === 'button' && f.name === 'Evaluate now', 5);
    await page.keyboard.press('Enter');
    await sensor.getByText('nothing new').first().waitFor({ timeout: 10_000 });
  });

  it('Library and Ask: Tab reaches the text box and then the primary button once there is text', async () => {
    for (const [path, box, button] of [
      ['/library', 'textarea', /^(Submit|Add)/],
      ['/ask', 'textarea', /^Ask/],
    ] as const) {
      await open(path, () => page.locator(box).first().waitFor());
      await tabTo(page, (f) => f.tag === box);
      await page.keyboard.type(path === '/ask' ? 'what is a vector?' : 'https://youtu.be/dQw4w9WgXcQ');
      const seen = await tabTo(page, (f) => f.tag === 'button' && button.test(f.name), 5);
      expect(seen.at(-1)!.outline, `focus ring on ${path}'s button`).not.toBe('none');
    }
  });
});
