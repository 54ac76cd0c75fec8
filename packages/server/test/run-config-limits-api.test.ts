/*
 * Hostile run config through the API: deep nesting, alias bombs and undefined aliases are 400s
 * naming the problem, and the process keeps serving.
 */
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { createFixture, type Fixture, silentLogger } from './helpers/fixture.ts';

let fx: Fixture;
let app: Hono;
beforeAll(async () => {
  fx = await createFixture();
  app = createApp({ instance: fx.instance, auth: { tokens: [] }, logger: silentLogger });
});
afterAll(async () => fx?.close());

const post = async (path: string, body: unknown) => {
  const res = await app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
};

describe('run config limits over the API', () => {
  it('validate and launch answer 400 for 10,000 nested brackets, an alias bomb and a deep JSON config', async () => {
    const bomb = ['a: &a [1,1,1,1,1,1,1,1,1,1]', 'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]']
      .concat(
        ['c', 'd', 'e', 'f'].map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'bcde'[i]}`).join(',')}]`),
      )
      .join('\n');
    // Built as text: the test's own JSON.stringify would overflow the stack first.
    const deep = `{"runConfig":{"ops":{"source_urls":{"config":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}}}}`;
    const cases: [unknown, RegExp][] = [
      [{ runConfigYaml: '['.repeat(10_000) + ']'.repeat(10_000) }, /nests brackets 10000 levels deep/],
      [{ runConfigYaml: bomb }, /aliases .* too often/],
      [deep, /nests values more than 64 levels/],
    ];
    for (const [body, message] of cases) {
      for (const action of ['validate', 'launch']) {
        const r = await post(`/api/jobs/ingest_job/${action}`, body);
        expect(r.status, `${action} ${JSON.stringify(r.body).slice(0, 200)}`).toBe(400);
        expect(r.body.error.message).toMatch(message);
      }
    }
    expect(await fx.storage.runs.countRuns()).toBe(0);
  });

  it('an undefined alias is reported naming it (validate: issues; launch: 400)', async () => {
    const yaml = 'ops:\n  source_urls:\n    config: *missing\n';
    const v = await post('/api/jobs/ingest_job/validate', { runConfigYaml: yaml });
    expect(v.body.valid).toBe(false);
    expect(v.body.message).toMatch(/missing/);
    const l = await post('/api/jobs/ingest_job/launch', { runConfigYaml: yaml });
    expect(l.status).toBe(400);
    expect(l.body.error.message).toMatch(/missing.*define '&name'/);
  });
});
