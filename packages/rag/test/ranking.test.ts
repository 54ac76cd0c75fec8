import { OpenAiEmbedder, PostgresSearchIndex, SqliteSearchIndex } from '@llm-rag-yt/adapters';
import { openTestDatabase, type TestDatabase } from '@llm-rag-yt/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenAiServer, startOpenAiCompatibleServer } from '../../adapters/test/helpers/openai-server.ts';
import { CORPUS, chunksOf } from '../../adapters/test/search-corpus.ts';
import { answerQuestion } from '../src/answer/answer-question.ts';
import { hybridSearch } from '../src/search/hybrid.ts';
import type { SearchIndex } from '../src/search/types.ts';

/*
 * Ranking on a corpus of four videos (one Russian), on both databases, through the real hybrid
 * path: BM25 + vectors from an OpenAI-compatible embeddings server (local, trigram embeddings).
 */

const CASES: { q: string; video: string; second: number }[] = [
  // exact wording
  { q: 'Tsiolkovsky rocket equation', video: 'rocketSci02', second: 30 },
  { q: 'pinch off the suckers', video: 'gardenTom03', second: 45 },
  // paraphrased
  { q: 'How much salt do I add to the boiling water?', video: 'pastaCook01', second: 30 },
  { q: 'Why do rockets get rid of their empty tanks?', video: 'rocketSci02', second: 45 },
  { q: 'How often should I water the plants?', video: 'gardenTom03', second: 30 },
  { q: 'when is the best moment to harvest tomatoes', video: 'gardenTom03', second: 75 },
  // Russian
  { q: 'В каком году Москва впервые упоминается?', video: 'moscowHis04', second: 15 },
  { q: 'пожар во время нашествия Наполеона', video: 'moscowHis04', second: 60 },
  { q: 'когда открыли первую линию метро', video: 'moscowHis04', second: 75 },
];

let server: OpenAiServer;
let embedder: OpenAiEmbedder;
const dbs: TestDatabase[] = [];

beforeAll(async () => {
  server = await startOpenAiCompatibleServer({ embeddings: true });
  embedder = new OpenAiEmbedder({ baseUrl: server.baseUrl, model: 'trigram' });
});
afterAll(async () => {
  for (const db of dbs) await db.cleanup();
  await server.close();
});

async function build(index: SearchIndex): Promise<SearchIndex> {
  await index.migrate();
  for (const v of CORPUS) {
    const chunks = chunksOf(v.videoId);
    await index.indexVideo(
      v.videoId,
      chunks,
      await embedder.embed(
        chunks.map((c) => c.text),
        'passage',
      ),
      embedder.model,
    );
  }
  return index;
}

const DIALECTS: { name: string; open: () => Promise<SearchIndex> }[] = [
  {
    name: 'sqlite',
    open: async () => {
      const db = await openTestDatabase('sqlite', { prefix: 'ranking' });
      dbs.push(db);
      return new SqliteSearchIndex(db.handle);
    },
  },
  {
    name: 'postgres',
    open: async () => {
      const db = await openTestDatabase('postgres', { prefix: 'ranking' });
      dbs.push(db);
      return new PostgresSearchIndex(db.handle);
    },
  },
];

for (const dialect of DIALECTS) {
  describe(`ranking on ${dialect.name}`, () => {
    let index: SearchIndex;
    beforeAll(async () => {
      index = await build(await dialect.open());
    });

    it.each(CASES)('"$q" → $video at $second s', async ({ q, video, second }) => {
      const { hits, retrieval } = await hybridSearch(index, embedder, q, { k: 3 });
      expect(retrieval).toBe('hybrid');
      expect(hits[0].videoId).toBe(video);
      // The answer is spoken in the 15 s segment starting at `second`; the top chunk must overlap it by ≥ 5 s.
      const overlap = Math.min(hits[0].end, second + 15) - Math.max(hits[0].start, second);
      expect(overlap).toBeGreaterThanOrEqual(5);
    });

    it('keeps working lexically without an embedder, and says so in the answer', async () => {
      const q = 'Tsiolkovsky rocket equation';
      const { hits, retrieval } = await hybridSearch(index, null, q, { k: 3 });
      expect(retrieval).toBe('lexical');
      expect(hits[0].videoId).toBe('rocketSci02');
      const a = await answerQuestion({ question: q, hits, chat: null, retrieval });
      expect(a.answer).toMatch(/semantic search is off/);
      expect(a.citations[0].url).toMatch(/^https:\/\/youtu\.be\/rocketSci02\?t=\d+$/);
    });

    it('falls back to lexical with a reason when the index holds another model', async () => {
      const other = new OpenAiEmbedder({ baseUrl: server.baseUrl, model: 'other-model' });
      const r = await hybridSearch(index, other, 'rocket orbit', { k: 3 });
      expect(r.retrieval).toBe('lexical');
      expect(r.notice).toMatch(/openai:trigram.*openai:other-model/);
    });

    it('restricts hybrid results to the requested videos', async () => {
      const { hits } = await hybridSearch(index, embedder, 'water', { k: 5, videoIds: ['pastaCook01'] });
      expect(hits.length).toBeGreaterThan(0);
      expect(hits.every((h) => h.videoId === 'pastaCook01')).toBe(true);
    });
  });
}
