import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAiEmbedder } from '../src/openai-embed/openai-embedder.ts';
import { type OpenAiServer, startOpenAiCompatibleServer } from './helpers/openai-server.ts';

const KEY = 'sk-test-secret-123';
let server: OpenAiServer;
beforeAll(async () => {
  server = await startOpenAiCompatibleServer({ embeddings: true, apiKey: KEY });
});
afterAll(() => server.close());

const cos = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);

describe('OpenAiEmbedder', () => {
  it('embeds in batches, detects dimensions and returns unit vectors in input order', async () => {
    const e = new OpenAiEmbedder({ baseUrl: server.baseUrl, apiKey: KEY, model: 'local', batchSize: 2 });
    expect(e.dimensions).toBe(0);
    const before = server.requests.length;
    const texts = ['rockets reach orbit', 'pasta water salt', 'rocket orbit stages', '', 'tomato garden'];
    const vs = await e.embed(texts, 'passage');
    expect(server.requests.length - before).toBe(3);
    expect(e.dimensions).toBe(384);
    expect(e.model).toBe('openai:local');
    for (const [i, v] of vs.entries()) if (texts[i]) expect(Math.abs(cos(v, v) - 1)).toBeLessThan(1e-4);
    expect(cos(vs[0], vs[2])).toBeGreaterThan(cos(vs[0], vs[1]));
    expect(server.requests.at(-1)?.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('adds e5 prefixes when configured', async () => {
    const e = new OpenAiEmbedder({
      baseUrl: server.baseUrl,
      apiKey: KEY,
      model: 'e5',
      prefixes: { query: 'query: ', passage: 'passage: ' },
    });
    await e.embed(['hello'], 'query');
    expect((server.requests.at(-1)?.json as { input?: string[] } | undefined)?.input).toEqual([
      'query: hello',
    ]);
  });

  it('retries 429 and 5xx with backoff, then succeeds', async () => {
    const e = new OpenAiEmbedder({ baseUrl: server.baseUrl, apiKey: KEY, model: 'local', backoffMs: 5 });
    server.failNext(429, 1, { 'retry-after': '0' });
    server.failNext(503, 2);
    const before = server.requests.length;
    const [v] = await e.embed(['x y z'], 'query');
    expect(v).toHaveLength(384);
    expect(server.requests.length - before).toBe(4);
  });

  it('gives up after the retries with a message naming the status, never the key', async () => {
    const e = new OpenAiEmbedder({
      baseUrl: server.baseUrl,
      apiKey: KEY,
      model: 'local',
      backoffMs: 1,
      maxRetries: 2,
    });
    server.failNext(500, 3);
    const err = (await e.embed(['x'], 'query').catch((x) => x)) as Error;
    expect(err.message).toMatch(/returned 500.*gave up after 3 attempts/);
    expect(err.message).not.toContain(KEY);
  });

  it('does not retry a bad key and says to check it', async () => {
    const e = new OpenAiEmbedder({
      baseUrl: server.baseUrl,
      apiKey: 'sk-wrong-key',
      model: 'local',
      backoffMs: 1,
    });
    const before = server.requests.length;
    const err = (await e.embed(['x'], 'query').catch((x) => x)) as Error;
    expect(err.message).toMatch(/401.*Check the API key/);
    expect(err.message).not.toContain('sk-wrong-key');
    expect(server.requests.length - before).toBe(1);
  });

  it('reports an unreachable server clearly', async () => {
    const gone = await startOpenAiCompatibleServer();
    await gone.close();
    const e = new OpenAiEmbedder({ baseUrl: gone.baseUrl, model: 'local', backoffMs: 1, maxRetries: 1 });
    await expect(e.embed(['x'], 'query')).rejects.toThrow(/ECONNREFUSED.*Is the server running/);
  });
});
