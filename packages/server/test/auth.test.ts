import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { startServer, UnsafeBindError } from '../src/start-server.ts';
import { createFixture, type Fixture, silentLogger } from './helpers/fixture.ts';

let fx: Fixture;
beforeAll(async () => {
  fx = await createFixture();
});
afterAll(async () => fx?.close());

describe('tokens', () => {
  it('requires a Bearer token on /api when tokens are configured', async () => {
    const app = createApp({
      instance: fx.instance,
      auth: { tokens: ['s3cret-token'] },
      logger: silentLogger,
    });
    const none = await app.request('/api/runs');
    expect(none.status).toBe(401);
    expect(((await none.json()) as any).error.message).toContain('Authorization: Bearer');
    const wrong = await app.request('/api/runs', { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const ok = await app.request('/api/runs', { headers: { authorization: 'Bearer s3cret-token' } });
    expect(ok.status).toBe(200);
    // Probes and the API description stay open.
    expect((await app.request('/healthz')).status).toBe(200);
    expect((await app.request('/api/openapi.json')).status).toBe(200);
  });

  it('refuses to bind beyond loopback without tokens; serves on 127.0.0.1', async () => {
    const open = createApp({ instance: fx.instance, auth: { tokens: [] }, logger: silentLogger });
    await expect(startServer(open, { host: '0.0.0.0', port: 0 })).rejects.toThrow(UnsafeBindError);
    await expect(startServer(open, { host: '0.0.0.0', port: 0 })).rejects.toThrow(/API_TOKENS/);
    const server = await startServer(open, { host: '127.0.0.1', port: 0 });
    try {
      const res = await fetch(`${server.url}/healthz`);
      expect(res.status).toBe(200);
      const ui = await fetch(`${server.url}/runs/abc`);
      expect(ui.status).toBe(503);
      expect(await ui.text()).toContain('not built');
    } finally {
      await server.close();
    }
    const guarded = createApp({ instance: fx.instance, auth: { tokens: ['t'] }, logger: silentLogger });
    const s2 = await startServer(guarded, { host: '0.0.0.0', port: 0 });
    await s2.close();
  });
});
