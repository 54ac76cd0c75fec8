/*
 * CSRF in a real browser: a page on another origin (another port of 127.0.0.1, the way any site
 * the user has open can target the token-less local server) tries `no-cors` POSTs with
 * text/plain JSON bodies, a body-less POST and an HTML form post. Nothing may change.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { type RunningServer, startServer } from '../src/start-server.ts';
import { launchChromium } from './helpers/browser.ts';
import { createFixture, type Fixture, silentLogger } from './helpers/fixture.ts';

let fx: Fixture;
let server: RunningServer;
let evil: Server;
let evilUrl: string;
let browser: Browser;

function attackPage(target: string): string {
  const launch = JSON.stringify({ runConfig: {} });
  return `<!doctype html><title>cat pictures</title>
<form id="f" method="POST" action="${target}/api/jobs/ingest_job/launch" enctype="text/plain" target="sink">
  <input name='{"runConfig":{},"x":"' value='"}'>
</form>
<iframe name="sink"></iframe>
<script>
  const t = ${JSON.stringify(target)};
  const hit = (path, init) => fetch(t + path, { method: 'POST', mode: 'no-cors', ...init }).catch(() => {});
  Promise.all([
    hit('/api/jobs/ingest_job/launch', { headers: { 'Content-Type': 'text/plain;application/json' }, body: ${JSON.stringify(launch)} }),
    hit('/api/jobs/ingest_job/launch', { body: ${JSON.stringify(launch)} }),
    hit('/api/schedules/nightly/evaluate', { headers: { 'Content-Type': 'text/plain' }, body: '{}' }),
    hit('/api/sensors/test_sensor/start'),
    hit('/api/jobs/ingest_job/launch', { headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'runConfig=%7B%7D' }),
  ]).then(() => {
    document.getElementById('f').submit();
    setTimeout(() => { document.title = 'done'; }, 500);
  });
</script>`;
}

beforeAll(async () => {
  fx = await createFixture();
  const app = createApp({ instance: fx.instance, auth: { tokens: [] }, logger: silentLogger });
  server = await startServer(app, { host: '127.0.0.1', port: 0 });
  evil = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(attackPage(server.url));
  });
  await new Promise<void>((r) => evil.listen(0, '127.0.0.1', () => r()));
  evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}/`;
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await new Promise((r) => evil?.close(r));
  await server?.close();
  await fx?.close();
});

describe('cross-origin pages cannot drive the local server', () => {
  it('no-cors POSTs and form posts from another origin launch nothing and start nothing', async () => {
    const sensorStatus = async () =>
      ((await (await fetch(`${server.url}/api/sensors/test_sensor`)).json()) as any).sensor.status;
    const runsBefore = await fx.storage.runs.countRuns();
    const statusBefore = await sensorStatus();
    expect(statusBefore).toBe('STOPPED');

    const page = await browser.newPage();
    const refused: number[] = [];
    page.on('response', (r) => {
      if (r.url().startsWith(server.url)) refused.push(r.status());
    });
    await page.goto(evilUrl);
    await page.waitForFunction(() => document.title === 'done', null, { timeout: 15_000 });
    await page.close();

    expect(await fx.storage.runs.countRuns()).toBe(runsBefore);
    expect(await sensorStatus()).toBe(statusBefore);
    // The requests did reach the server (so the test exercises the guard) and were refused.
    expect(refused.length).toBeGreaterThan(0);
    for (const s of refused) expect(s).toBe(403);

    // Same-origin use still works: the server's own page launches a run.
    const own = await browser.newPage();
    await own.goto(`${server.url}/healthz`);
    const status = await own.evaluate(async () => {
      const r = await fetch('/api/jobs/ingest_job/launch', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ runConfig: {} }),
      });
      return r.status;
    });
    await own.close();
    expect(status).toBe(201);
    expect(await fx.storage.runs.countRuns()).toBe(runsBefore + 1);
  }, 60_000);
});
