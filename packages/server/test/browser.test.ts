import { Daemon, InProcessLauncher } from '@llm-rag-yt/orchestrator';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { type RunningServer, startServer } from '../src/start-server.ts';
import { ensureWebBuilt, launchChromium, SCREENSHOTS, WEB_DIST } from './helpers/browser.ts';
import { createFixture, type Fixture, silentLogger } from './helpers/fixture.ts';

let fx: Fixture;
let daemon: Daemon;
let launcher: InProcessLauncher;
let server: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ensureWebBuilt();
  fx = await createFixture();
  launcher = new InProcessLauncher({
    storage: fx.storage,
    definitions: fx.instance.definitions,
    workerId: 'browser-daemon',
  });
  daemon = new Daemon({
    storage: fx.storage,
    definitions: fx.instance.definitions,
    launcher,
    id: 'browser-daemon',
    timing: { idleWaitMs: 100 },
  });
  daemon.start();
  const app = createApp({
    instance: fx.instance,
    auth: { tokens: [] },
    logger: silentLogger,
    webDist: WEB_DIST,
    streamPollMs: 200,
    contractCheck: true,
  });
  server = await startServer(app, { host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1366, height: 820 } });
  page.on('pageerror', (e) => console.error('pageerror', e.message));
  page.on('console', (m) => m.type() === 'error' && console.error('console', m.text()));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await daemon?.stop();
  await launcher?.close();
  await fx?.close();
});

const shot = (name: string) => page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });

async function launch(body: object = {}): Promise<string> {
  const res = await fetch(`${server.url}/api/jobs/ingest_job/launch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { run: { runId: string } }).run.runId;
}

describe('web UI against a real server and daemon', () => {
  it('runs list updates live when a run is launched and succeeds, without reloading', async () => {
    await page.goto(`${server.url}/runs`);
    await page.getByRole('heading', { name: 'Runs' }).waitFor();
    const runId = await launch();
    const row = page.locator(`tr[data-run-id="${runId}"]`);
    await row.waitFor({ timeout: 10_000 });
    await row.getByText('SUCCESS').waitFor({ timeout: 15_000 });
    await shot('runs');
    // Tags read as separate words (a space inside each button used to collapse: `kind=afrom=b`).
    const tagged = await launch({ tags: { kind: 'monitoring', origin: 'browser' } });
    const tags = page.locator(`tr[data-run-id="${tagged}"] .tag-list button`);
    await tags.nth(1).waitFor({ timeout: 10_000 });
    const [a, b] = await Promise.all([tags.nth(0).boundingBox(), tags.nth(1).boundingBox()]);
    expect(await tags.allTextContents()).toEqual(['kind=monitoring', 'origin=browser']);
    expect(b!.x > a!.x + a!.width + 4 || b!.y > a!.y + a!.height - 1).toBe(true);
    await row.getByRole('link').click();
    await page.getByText('Event log').waitFor();
    await page.locator('.log-row').first().waitFor();
    await page.locator('.gantt-row').nth(2).waitFor();
    await shot('run-detail');
  });

  it('shows a failed run with its error and the overview', async () => {
    const runId = await launch({ runConfig: { ops: { flaky_index: { config: { fail: true } } } } });
    await page.goto(`${server.url}/runs/${runId}`);
    await page.getByText('index build failed on purpose').first().waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: 'Re-execute from failure' }).waitFor();
    await page.goto(`${server.url}/`);
    await page.getByText('Recent failures').waitFor();
    await page.getByText('browser-daemon').first().waitFor({ timeout: 10_000 });
    await shot('overview');
  });

  it('opens the asset graph and an asset with its materialization history', async () => {
    await page.goto(`${server.url}/assets`);
    await page.getByRole('heading', { name: 'Group ingestion' }).waitFor();
    await shot('assets');
    await page.goto(`${server.url}/assets/~graph`);
    const node = page.locator('[data-asset="audio_files"]');
    await node.waitFor({ timeout: 10_000 });
    await shot('asset-graph');
    await node.click();
    await page.getByRole('heading', { name: 'audio_files' }).waitFor();
    await page.locator('table.materializations tbody tr').first().waitFor();
    await page.getByText('vid1').first().waitFor();
    await shot('asset-detail');
  });

  it('toggles a sensor and evaluates it', async () => {
    await page.goto(`${server.url}/automation`);
    const sensor = page.locator('[data-instigator="test_sensor"]');
    await sensor.waitFor();
    await sensor.getByRole('switch').click();
    await sensor.getByText('On', { exact: true }).waitFor();
    const res = (await (await fetch(`${server.url}/api/sensors/test_sensor`)).json()) as {
      sensor: { status: string };
    };
    expect(res.sensor.status).toBe('RUNNING');
    await sensor.getByRole('button', { name: 'Evaluate now' }).click();
    await sensor.getByText('nothing new').first().waitFor({ timeout: 10_000 });
    await shot('automation');
  });

  it('validates run config live in the Launchpad', async () => {
    await page.goto(`${server.url}/launchpad`);
    const editor = page.locator('#run-config');
    await editor.waitFor();
    await editor.fill('ops:\n  source_urls:\n    config:\n      limit: ten\n');
    await page.getByText('ops.source_urls.config.limit').waitFor({ timeout: 5000 });
    await shot('launchpad');
    await editor.fill('ops:\n  source_urls:\n    config:\n      limit: 2\n');
    await page.locator('#config-status .badge.ok').waitFor();
    await page.getByRole('button', { name: 'Launch run' }).click();
    await page.waitForURL(/\/runs\/[\w-]+$/);
  });
});
