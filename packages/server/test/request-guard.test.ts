/*
 * Host / Origin / Content-Type fences (DNS rebinding and CSRF against the token-less local server),
 * the UI's undecodable paths, and /metrics behind the API token.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { type RunningServer, startServer } from '../src/start-server.ts';
import { createFixture, type Fixture, silentLogger } from './helpers/fixture.ts';

let fx: Fixture;
let app: Hono;
let server: RunningServer;
beforeAll(async () => {
  fx = await createFixture();
  app = createApp({
    instance: fx.instance,
    auth: { tokens: [] },
    logger: silentLogger,
    allowedHosts: ['rag.internal'],
    metricsRegistry: { contentType: 'text/plain', metrics: async () => 'up 1\n' },
  });
  server = await startServer(app, { host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await server?.close();
  await fx?.close();
});

/** A raw request over the socket, so the Host header is exactly what we say. */
function raw(
  path: string,
  o: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, path, method: o.method ?? 'GET', headers: o.headers },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    if (o.body !== undefined) req.write(o.body);
    req.end();
  });
}

const launch = JSON.stringify({ runConfig: {} });
const runCount = () => fx.storage.runs.countRuns();

describe('DNS rebinding: Host header', () => {
  it('refuses a foreign Host on the UI, the API and /metrics; serves loopback, its own address and ALLOWED_HOSTS', async () => {
    for (const path of ['/', '/api/runs', '/metrics']) {
      const r = await raw(path, { headers: { host: 'evil.example' } });
      expect(r.status, path).toBe(403);
      expect(r.text).toContain('ALLOWED_HOSTS');
    }
    for (const host of [
      `127.0.0.1:${server.port}`,
      `localhost:${server.port}`,
      'rag.internal',
      'RAG.internal:80',
    ]) {
      expect((await raw('/api/runs', { headers: { host } })).status, host).toBe(200);
    }
    // Probes answer whatever name a load balancer uses.
    expect((await raw('/healthz', { headers: { host: 'lb.example' } })).status).toBe(200);
  });

  it('a rebinding POST with a foreign Host launches nothing', async () => {
    const before = await runCount();
    const r = await raw('/api/jobs/ingest_job/launch', {
      method: 'POST',
      headers: { host: 'evil.example:3000', 'content-type': 'application/json' },
      body: launch,
    });
    expect(r.status).toBe(403);
    expect(await runCount()).toBe(before);
  });
});

describe('CSRF: Origin and Content-Type on state-changing requests', () => {
  const own = () => `127.0.0.1:${server.port}`;

  it('refuses a foreign Origin (403) and a foreign Sec-Fetch-Site, even with JSON', async () => {
    const before = await runCount();
    for (const headers of <Record<string, string>[]>[
      { origin: 'http://evil.example' },
      { origin: 'null' },
      { origin: `http://127.0.0.1:${server.port + 1}` },
      { 'sec-fetch-site': 'cross-site' },
    ]) {
      const r = await raw('/api/jobs/ingest_job/launch', {
        method: 'POST',
        headers: { host: own(), 'content-type': 'application/json', ...headers },
        body: launch,
      });
      expect(r.status, JSON.stringify(headers)).toBe(403);
      expect(r.text).toMatch(/another web page/);
    }
    // A body-less state change (cancel, sensor start) is covered by the Origin check too.
    const start = await raw('/api/sensors/test_sensor/start', {
      method: 'POST',
      headers: { host: own(), origin: 'http://evil.example' },
    });
    expect(start.status).toBe(403);
    expect(await runCount()).toBe(before);
  });

  it('accepts its own Origin and non-browser clients (no Origin)', async () => {
    const before = await runCount();
    const same = await raw('/api/jobs/ingest_job/launch', {
      method: 'POST',
      headers: { host: own(), origin: `http://${own()}`, 'content-type': 'application/json' },
      body: launch,
    });
    expect(same.status).toBe(201);
    const cli = await raw('/api/jobs/ingest_job/launch', {
      method: 'POST',
      headers: { host: own(), 'content-type': 'application/json; charset=utf-8' },
      body: launch,
    });
    expect(cli.status).toBe(201);
    expect(await runCount()).toBe(before + 2);
  });

  it('accepts only application/json exactly (415 for text/plain;application/json and forms)', async () => {
    const before = await runCount();
    for (const type of [
      'text/plain;application/json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/jsonp',
    ]) {
      const r = await raw('/api/jobs/ingest_job/launch', {
        method: 'POST',
        headers: { host: own(), 'content-type': type },
        body: launch,
      });
      expect(r.status, type).toBe(415);
      expect(r.text).toContain('application/json');
    }
    expect(await runCount()).toBe(before);
  });
});

describe('other fences', () => {
  it('an undecodable percent-encoding in a UI path is a 400, not a 500', async () => {
    const dist = join(fx.dir, 'dist');
    mkdirSync(dist);
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>ui</title>');
    const ui = createApp({
      instance: fx.instance,
      auth: { tokens: [] },
      logger: silentLogger,
      webDist: dist,
    });
    const r = await ui.request('/%E0%A4%A');
    const r2 = { status: r.status, text: await r.text() };
    expect(r2.status).toBe(400);
    expect(r2.text).toMatch(/percent-encoding/);
    expect((await ui.request('/runs/abc')).status).toBe(200);
  });

  it('/metrics needs the API token when tokens are set', async () => {
    const locked = createApp({
      instance: fx.instance,
      auth: { tokens: ['m3trics-token'] },
      logger: silentLogger,
      metricsRegistry: { contentType: 'text/plain', metrics: async () => 'up 1\n' },
    });
    expect((await locked.request('/metrics')).status).toBe(401);
    const ok = await locked.request('/metrics', { headers: { authorization: 'Bearer m3trics-token' } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('up 1\n');
    expect((await app.request('/metrics')).status).toBe(200);
  });
});
