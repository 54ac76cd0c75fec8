/*
 * The API contract: every route the app serves under /api is in the generated OpenAPI document
 * with a response schema (a named component with properties, not a bare object), every documented
 * operation is served, the contract check turns an undeclared response shape into a failure, and
 * the web UI's generated types are up to date with the document.
 */
import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { contractCheck } from '../src/contract/check.ts';
import { buildOpenApi } from '../src/contract/document.ts';
import { API_TYPES_FILE, generateApiTypes } from './helpers/api-types.ts';
import { createFixture, type Fixture, silentLogger } from './helpers/fixture.ts';

type Doc = {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }> }>
  >;
  components: {
    schemas: Record<string, { type?: string; properties?: object; $ref?: string; anyOf?: unknown }>;
  };
};

let fx: Fixture;
let app: Hono;
let doc: Doc;

beforeAll(async () => {
  fx = await createFixture();
  app = createApp({ instance: fx.instance, auth: { tokens: [] }, logger: silentLogger });
  doc = (await (await app.request('/api/openapi.json')).json()) as Doc;
});
afterAll(async () => fx?.close());

/** The routes Hono serves under /api, as OpenAPI paths (`:runId` → `{runId}`), without middleware and catch-alls. */
function servedRoutes(): { method: string; path: string }[] {
  const seen = new Set<string>();
  return app.routes
    .filter((r) => r.method !== 'ALL' && r.path.startsWith('/api/') && !r.path.includes('*'))
    .map((r) => ({ method: r.method.toLowerCase(), path: r.path.replace(/:(\w+)/g, '{$1}') }))
    .filter((r) => {
      const k = `${r.method} ${r.path}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
}

function successSchema(method: string, path: string) {
  const op = doc.paths[path]?.[method];
  if (!op) return undefined;
  const [status, res] = Object.entries(op.responses).find(([s]) => /^2\d\d$/.test(s)) ?? [];
  return { status, content: res?.content };
}

describe('OpenAPI document generated from the zod contract', () => {
  it('documents every served /api route with a response schema', () => {
    const routes = servedRoutes();
    expect(routes.length).toBeGreaterThan(40);
    expect(routes).toContainEqual({ method: 'get', path: '/api/auth/check' });
    const missing: string[] = [];
    for (const r of routes) {
      const ok = successSchema(r.method, r.path);
      if (!ok?.content) {
        missing.push(`${r.method} ${r.path}: not documented`);
        continue;
      }
      if (ok.content['text/event-stream']) continue;
      const ref = ok.content['application/json']?.schema.$ref;
      const name = ref?.replace('#/components/schemas/', '');
      const schema = name ? doc.components.schemas[name] : undefined;
      if (!schema || (schema.type === 'object' && !schema.properties))
        missing.push(`${r.method} ${r.path}: response schema is missing or a bare object`);
    }
    expect(missing).toEqual([]);
  });

  it('serves every documented operation', () => {
    const served = new Set(servedRoutes().map((r) => `${r.method} ${r.path}`));
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m} ${path}`),
    );
    expect(documented.filter((d) => !served.has(d))).toEqual([]);
  });

  it('names the shared shapes as components that reference each other', () => {
    const names = Object.keys(doc.components.schemas);
    for (const n of ['Run', 'RunEvent', 'Alert', 'AskResult', 'Citation', 'YoutubeRequest', 'Video', 'Error'])
      expect(names).toContain(n);
    const runs = doc.components.schemas.GetApiRunsResponse as {
      properties: { runs: { items: { $ref: string } } };
    };
    expect(runs.properties.runs.items.$ref).toBe('#/components/schemas/Run');
    const auth = doc.components.schemas.GetApiAuthCheckResponse as { properties: object };
    expect(Object.keys(auth.properties).sort()).toEqual(['ok', 'tokensRequired']);
  });

  it('the contract check fails a response the contract does not declare, and an undocumented route', async () => {
    const drift = new Hono();
    drift.use('*', contractCheck(silentLogger));
    drift.get('/api/runs/counts', (c) => c.json({ since: 'yesterday', counts: {} }));
    drift.get('/api/undocumented', (c) => c.json({ ok: true }));
    const bad = await drift.request('/api/runs/counts');
    expect(bad.status).toBe(500);
    const body = (await bad.json()) as { error: { message: string; issues: { path: string }[] } };
    expect(body.error.message).toMatch(/get \/api\/runs\/counts does not match its schema/);
    expect(body.error.issues.map((i) => i.path)).toEqual(['since']);
    const undocumented = await drift.request('/api/undocumented');
    expect(undocumented.status).toBe(500);
    expect(((await undocumented.json()) as { error: { message: string } }).error.message).toMatch(
      /not in OPERATIONS/,
    );
  });

  it('the web UI types are generated from this document (run `npm run gen:api-types` after changing the contract)', async () => {
    const fresh = await generateApiTypes(buildOpenApi({ tokensRequired: false }));
    expect(readFileSync(API_TYPES_FILE, 'utf8')).toBe(fresh);
  });
});
