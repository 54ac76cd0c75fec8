import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteSearchIndex } from '@llm-rag-yt/adapters';
import { type DatabaseHandle, openDatabase } from '@llm-rag-yt/orchestrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerQuestion } from '../src/answer/answer-question.ts';
import { chunkSegments } from '../src/chunking/chunk-segments.ts';
import type { Reranker, TranscriptSegment } from '../src/ports.ts';
import { type RetrieveDeps, retrieve } from '../src/search/retrieve.ts';
import { createRagStore, type RagStore } from '../src/store/rag-store.ts';

/* Retrieval on a real SQLite index and RAG store: localisation, re-scoring, the threshold. */

const PASTA: TranscriptSegment[] = [
  { start: 0, end: 5, text: 'Bring a big pot to the boil first.' },
  { start: 5, end: 10, text: 'Today we cook dinner for four people.' },
  { start: 10, end: 15, text: 'Add one tablespoon of salt to the water for the pasta.' },
  { start: 15, end: 20, text: 'Stir it once so nothing sticks.' },
];
/** Forty 3-second sentences; the answer is the last sentence of the first chunk. */
const LONG: TranscriptSegment[] = Array.from({ length: 40 }, (_, i) => ({
  start: i * 3,
  end: i * 3 + 3,
  text: i === 19 ? 'Knead the sourdough for ten minutes.' : `Filler sentence number ${i} about nothing.`,
}));
const ROCKET: TranscriptSegment[] = [
  { start: 0, end: 6, text: 'The countdown starts, water vapour everywhere.' },
  { start: 6, end: 12, text: 'The rocket reached orbit with salt water samples.' },
];

let dir: string;
let handle: DatabaseHandle;
let store: RagStore;
let deps: RetrieveDeps;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'retrieve-'));
  handle = await openDatabase(`sqlite:${join(dir, 'state.db')}`);
  store = createRagStore(handle);
  await store.migrate();
  const index = new SqliteSearchIndex(handle, { videos: store.videos });
  await index.migrate();
  for (const [id, title, segs] of [
    ['pastaVideo1', 'Perfect pasta', PASTA],
    ['rocketVide1', 'Launch day', ROCKET],
    ['breadVideo1', 'Bread', LONG],
  ] as const) {
    await store.videos.upsert({
      videoId: id,
      source: 'youtube',
      url: `https://www.youtube.com/watch?v=${id}`,
      title,
      channel: null,
      channelId: null,
      durationSeconds: 20,
      uploadDate: null,
      description: null,
      language: 'en',
    });
    await store.videos.replaceSegments(id, segs);
    await index.indexVideo(id, chunkSegments(segs), null, null, { language: 'en' });
  }
  deps = {
    index,
    embedder: null,
    reranker: null,
    videos: async (ids) => new Map((await store.videos.getMany(ids)).map((v) => [v.videoId, v])),
    segments: (id, a, b) => store.videos.segmentsBetween(id, a, b),
  };
});
afterAll(async () => {
  await handle.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('retrieve', () => {
  it('links the sentence where the evidence begins, and keeps the passage as context', async () => {
    const r = await retrieve(deps, 'how much salt goes into the pasta water?', { k: 3 });
    expect(r.rescoring).toBe('lexical');
    expect(r.hits[0]).toMatchObject({
      videoId: 'pastaVideo1',
      evidence: { start: 10, end: 15, text: 'Add one tablespoon of salt to the water for the pasta.' },
      context: { start: 0, end: 20 },
    });
    const answer = await answerQuestion({
      question: 'salt pasta water',
      hits: r.hits,
      chat: null,
      retrieval: 'lexical',
    });
    expect(answer.answer).toMatch(/^Add one tablespoon of salt to the water for the pasta\. \[1 · 00:10\]/);
    expect(answer.citations[0]).toMatchObject({
      start: 10,
      end: 15,
      url: 'https://youtu.be/pastaVideo1?t=10',
    });
  });

  it('cuts the passage around the moment, across the chunk it was found in', async () => {
    const chunks = chunkSegments(LONG);
    const found = chunks.find((c) => c.text.includes('sourdough'))!;
    const r = await retrieve(deps, 'how long to knead sourdough?', { k: 1 });
    const hit = r.hits[0]!;
    expect(hit).toMatchObject({ videoId: 'breadVideo1', evidence: { start: 57, end: 60 } });
    // Sentences on both sides of the moment, beyond the chunk that held it.
    expect(found.end).toBe(60);
    expect(hit.context.start).toBeLessThan(57);
    expect(hit.context.end).toBeGreaterThan(found.end);
    expect(hit.context.end - hit.context.start).toBeLessThanOrEqual(60);
    expect(hit.text).toContain('Knead the sourdough');
  });

  it('orders candidates by the reranker when one is configured', async () => {
    const seen: string[][] = [];
    const reranker: Reranker = {
      model: 'stand-in',
      async rerank(_q, passages) {
        seen.push([...passages]);
        return passages.map((p) => (p.includes('pasta') ? 10 : 0));
      },
    };
    const lexical = await retrieve(deps, 'salt water', { k: 2 });
    // Lexically the short passage with "salt water" side by side wins…
    expect(lexical.hits[0]!.videoId).toBe('rocketVide1');
    const r = await retrieve({ ...deps, reranker }, 'salt water', { k: 2 });
    expect(r.rescoring).toBe('reranker:stand-in');
    expect(seen[0]).toHaveLength(2);
    // …the reranker's judgement replaces it.
    expect(r.hits.map((h) => h.videoId)).toEqual(['pastaVideo1', 'rocketVide1']);
    // A failing reranker falls back to the lexical order instead of failing the answer.
    const broken: Reranker = { model: 'down', rerank: async () => Promise.reject(new Error('503')) };
    const fallback = await retrieve({ ...deps, reranker: broken }, 'salt water', { k: 2 });
    expect(fallback.rescoring).toBe('lexical');
    expect(fallback.hits[0]!.videoId).toBe('rocketVide1');
  });

  it('cites nothing, and says so, when the best match covers too little of the question', async () => {
    const r = await retrieve(deps, 'quantum chromodynamics of boiling water', { k: 3, minRelevance: 0.5 });
    expect(r).toMatchObject({ hits: [], belowThreshold: true });
    const answer = await answerQuestion({
      question: 'q',
      hits: r.hits,
      chat: null,
      retrieval: 'lexical',
      belowThreshold: true,
    });
    expect(answer.answer).toMatch(/^Nothing in the indexed videos answers this closely enough/);
    expect(
      (await retrieve(deps, 'quantum chromodynamics of boiling water', { k: 3 })).hits.length,
    ).toBeGreaterThan(0);
  });
});
