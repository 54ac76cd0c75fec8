import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpReranker, RerankerError, scoresFrom, TransformersReranker } from '../src/index.ts';

/*
 * A local stand-in for reranking servers: TEI's POST /rerank and the Cohere/Jina/vLLM shape at
 * POST /v1/rerank. Scores are the share of question words in each passage, so order is checkable.
 */
let server: Server;
let base = '';
const seen: { path: string; auth: string | undefined; body: any }[] = [];

function overlap(q: string, t: string): number {
  const words = new Set(q.toLowerCase().match(/\p{L}+/gu) ?? []);
  const found = (t.toLowerCase().match(/\p{L}+/gu) ?? []).filter((w) => words.has(w));
  return new Set(found).size / Math.max(1, words.size);
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = JSON.parse(raw);
      seen.push({ path: req.url ?? '', auth: req.headers.authorization, body });
      const texts: string[] = body.texts ?? body.documents;
      const scored = texts
        .map((t, index) => ({ index, s: overlap(body.query, t) }))
        .sort((a, b) => b.s - a.s);
      res.setHeader('content-type', 'application/json');
      if (req.url === '/rerank')
        return res.end(JSON.stringify(scored.map((x) => ({ index: x.index, score: x.s }))));
      if (req.url === '/v1/rerank')
        return res.end(
          JSON.stringify({
            model: body.model,
            results: scored.map((x) => ({ index: x.index, relevance_score: x.s })),
          }),
        );
      res.statusCode = 503;
      res.end('{"error":"overloaded"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const PASSAGES = ['the weather is nice today', 'salt the pasta water well', 'boil pasta in salted water'];

describe('HttpReranker', () => {
  it('scores passages in their order through a TEI-style /rerank endpoint', async () => {
    const r = new HttpReranker({ url: `${base}/rerank` });
    expect(r.model).toBe(`http:127.0.0.1:${new URL(base).port}`);
    const scores = await r.rerank('salt pasta water', PASSAGES);
    expect(scores).toEqual([0, 1, 2 / 3]);
    expect(seen.at(-1)).toMatchObject({
      path: '/rerank',
      auth: undefined,
      body: { query: 'salt pasta water', texts: PASSAGES },
    });
  });

  it('speaks the Cohere/Jina/vLLM shape with model and key, in batches', async () => {
    const r = new HttpReranker({
      url: `${base}/v1/rerank`,
      model: 'bge-reranker-base',
      apiKey: 'sk-secret',
      batchSize: 2,
    });
    expect(r.model).toBe('http:bge-reranker-base');
    expect(await r.rerank('salt pasta water', PASSAGES)).toEqual([0, 1, 2 / 3]);
    const calls = seen.slice(-2);
    expect(calls.map((c) => c.body.documents.length)).toEqual([2, 1]);
    expect(calls[0]).toMatchObject({
      auth: 'Bearer sk-secret',
      body: { model: 'bge-reranker-base', top_n: 2 },
    });
  });

  it('fails with a clear error that never contains the key', async () => {
    const r = new HttpReranker({ url: `${base}/down`, apiKey: 'sk-secret' });
    const err = await r.rerank('q', ['a']).catch((e) => e);
    expect(err).toBeInstanceOf(RerankerError);
    expect(err.message).toMatch(/answered 503/);
    expect(err.message).not.toContain('sk-secret');
    expect(() => new HttpReranker({ url: 'not a url' })).toThrow(/is not a URL/);
    expect(() => scoresFrom({ data: [] }, 1)).toThrow(/neither/);
    expect(() => scoresFrom([{ index: 5, score: 1 }], 1)).toThrow(/valid index/);
  });
});

describe('TransformersReranker (local cross-encoder)', () => {
  const modelPath = process.env.TRANSFORMERS_RERANK_MODEL_PATH;
  it.skipIf(!modelPath)(
    'ranks the passage that answers first (needs TRANSFORMERS_RERANK_MODEL_PATH: a local cross-encoder folder; these machines cannot download one)',
    async () => {
      const r = new TransformersReranker({ modelPath, cacheDir: '/tmp' });
      const scores = await r.rerank('how much salt goes into pasta water?', PASSAGES);
      expect(scores[1]).toBeGreaterThan(scores[0]!);
    },
  );
});
