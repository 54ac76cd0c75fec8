import type { DatabaseHandle } from '@llm-rag-yt/orchestrator';
import type { RagStore, SearchIndex, VideoCatalog } from '@llm-rag-yt/rag';
import { createRagStore, EmptyQuestionError } from '@llm-rag-yt/rag';
import { beforeAll, describe, expect, it } from 'vitest';
import { trigramEmbedding } from './helpers/trigram-embedding.ts';
import { CORPUS, chunksOf } from './search-corpus.ts';

/*
 * One behaviour suite for every SearchIndex implementation (SQLite, Postgres). Each dialect's test
 * file supplies an empty database and a way to open its index there; titles and channels come from
 * the real RAG store (the index's VideoCatalog), as in the app.
 */
export interface ContractFixture {
  handle: DatabaseHandle;
  /** A new index on `handle` whose hits are labelled from `videos` (none when null). */
  open(videos: VideoCatalog | null): SearchIndex;
}

const MODEL_A = 'test:trigram-a';
const MODEL_B = 'test:trigram-b';
const embedAll = (texts: string[]) => texts.map((t) => trigramEmbedding(t));

export function searchIndexContract(name: string, setup: () => Promise<ContractFixture>): void {
  describe(`SearchIndex contract: ${name}`, () => {
    let f: ContractFixture & { index: SearchIndex; store: RagStore };
    beforeAll(async () => {
      const fixture = await setup();
      const store = createRagStore(fixture.handle);
      await store.migrate();
      f = { ...fixture, store, index: fixture.open(store.videos) };
      await f.index.migrate();
      await f.index.migrate(); // idempotent
      for (const v of CORPUS) await f.index.indexVideo(v.videoId, chunksOf(v.videoId), null, null);
    });

    it('finds the right video and time for an exact phrase', async () => {
      const hits = await f.index.lexicalSearch('rolling boil and add salt', { k: 3 });
      expect(hits[0].videoId).toBe('pastaCook01');
      expect(hits[0].start).toBeLessThanOrEqual(30);
      expect(hits[0].end).toBeGreaterThanOrEqual(30);
      expect(hits[0].score).toBeGreaterThan(0);
    });

    it('matches inflected Russian words and finds the Russian video', async () => {
      const hits = await f.index.lexicalSearch('Когда Москву впервые упомянули в летописях?', { k: 3 });
      expect(hits[0].videoId).toBe('moscowHis04');
      expect(hits[0].text).toContain('1147');
    });

    it('never fails on search syntax in the question', async () => {
      for (const q of [
        '"unbalanced',
        'NEAR(rocket orbit)',
        'a AND OR NOT b*',
        'col:rocket -orbit (x',
        '🚀 orbit?!',
        "it's",
      ]) {
        await expect(f.index.lexicalSearch(q, { k: 2 })).resolves.toBeInstanceOf(Array);
      }
    });

    it('rejects an empty question with a clear error', async () => {
      await expect(f.index.lexicalSearch('   ', { k: 2 })).rejects.toBeInstanceOf(EmptyQuestionError);
      await expect(f.index.lexicalSearch('()*:', { k: 2 })).rejects.toThrow(/no searchable words/);
    });

    it('filters by video ids and by channel', async () => {
      const onlyGarden = await f.index.lexicalSearch('water', { k: 10, videoIds: ['gardenTom03'] });
      expect(onlyGarden.length).toBeGreaterThan(0);
      expect(new Set(onlyGarden.map((h) => h.videoId))).toEqual(new Set(['gardenTom03']));
      // No video in the store yet: a channel filter cannot be checked, so it matches nothing.
      expect(await f.index.lexicalSearch('water', { k: 10, channel: 'Home Kitchen' })).toEqual([]);
      for (const v of CORPUS)
        await f.store.videos.upsert({
          videoId: v.videoId,
          source: 'youtube',
          url: `https://www.youtube.com/watch?v=${v.videoId}`,
          title: v.title,
          channel: v.channel,
          channelId: null,
          durationSeconds: null,
          uploadDate: null,
          description: null,
          language: null,
        });
      const kitchen = await f.index.lexicalSearch('water', { k: 10, channel: 'Home Kitchen' });
      expect(new Set(kitchen.map((h) => h.videoId))).toEqual(new Set(['pastaCook01', 'gardenTom03']));
      expect(kitchen[0].title).toMatch(/pasta|tomatoes/);
      expect(kitchen[0].channel).toBe('Home Kitchen');
      expect(kitchen[0].url).toBe(`https://www.youtube.com/watch?v=${kitchen[0].videoId}`);
      const space = await f.index.lexicalSearch('water', { k: 10, channel: 'Space Explained' });
      expect(space).toEqual([]);
      const both = await f.index.lexicalSearch('water', {
        k: 10,
        channel: 'Home Kitchen',
        videoIds: ['gardenTom03', 'rocketSci02'],
      });
      expect(new Set(both.map((h) => h.videoId))).toEqual(new Set(['gardenTom03']));
      // An index without a catalog finds the same chunks, unlabelled; a channel filter matches nothing.
      const bare = f.open(null);
      const unlabelled = await bare.lexicalSearch('water', { k: 10, videoIds: ['gardenTom03'] });
      expect(unlabelled.map((h) => h.chunkId)).toEqual(onlyGarden.map((h) => h.chunkId));
      expect(unlabelled.every((h) => h.title === null && h.channel === null && h.url === null)).toBe(true);
      expect(await bare.lexicalSearch('water', { k: 10, channel: 'Home Kitchen' })).toEqual([]);
    });

    it('re-indexing a video replaces its chunks atomically', async () => {
      const before = await f.index.stats();
      await f.index.indexVideo(
        'rocketSci02',
        [{ idx: 0, start: 5, end: 9, text: 'a completely new zeppelin transcript' }],
        null,
        null,
      );
      expect(
        await f.index.lexicalSearch('Tsiolkovsky rocket equation', { k: 5, videoIds: ['rocketSci02'] }),
      ).toEqual([]);
      const hits = await f.index.lexicalSearch('zeppelin', { k: 5 });
      expect(hits.map((h) => [h.videoId, h.start, h.end])).toEqual([['rocketSci02', 5, 9]]);
      const after = await f.index.stats();
      expect(after.videos).toBe(before.videos);
      expect(after.chunks).toBe(before.chunks - chunksOf('rocketSci02').length + 1);
      expect(await f.index.videoChunks('rocketSci02')).toHaveLength(1);
      // Put the real transcript back for the following tests.
      await f.index.indexVideo('rocketSci02', chunksOf('rocketSci02'), null, null);
    });

    it('rejects embeddings that do not match the chunks', async () => {
      const chunks = chunksOf('gardenTom03');
      await expect(f.index.indexVideo('gardenTom03', chunks, embedAll(['x']), MODEL_A)).rejects.toThrow(
        /1 embeddings for/,
      );
      // The failed call changed nothing.
      expect(await f.index.videoChunks('gardenTom03')).toHaveLength(chunks.length);
    });

    it('stores vectors, searches by cosine and detects a model change', async () => {
      expect(await f.index.videosNeedingEmbedding(MODEL_A)).toEqual(CORPUS.map((v) => v.videoId).sort());
      for (const v of CORPUS) {
        const chunks = chunksOf(v.videoId);
        await f.index.indexVideo(v.videoId, chunks, embedAll(chunks.map((c) => c.text)), MODEL_A);
      }
      expect(await f.index.videosNeedingEmbedding(MODEL_A)).toEqual([]);
      expect(await f.index.stats()).toMatchObject({ videos: 4, embeddingModel: MODEL_A, dims: 384 });

      const hits = await f.index.vectorSearch(trigramEmbedding('multiple stages drop empty tanks'), { k: 3 });
      expect(hits[0].videoId).toBe('rocketSci02');
      expect(hits[0].score).toBeGreaterThan(0.2);
      expect(hits[0].score).toBeLessThanOrEqual(1.0001);
      const filtered = await f.index.vectorSearch(trigramEmbedding('multiple stages'), {
        k: 3,
        videoIds: ['pastaCook01'],
      });
      expect(filtered.every((h) => h.videoId === 'pastaCook01')).toBe(true);
      const channel = await f.index.vectorSearch(trigramEmbedding('multiple stages'), {
        k: 50,
        channel: 'Home Kitchen',
      });
      expect(new Set(channel.map((h) => h.videoId))).toEqual(new Set(['pastaCook01', 'gardenTom03']));
      expect(channel.every((h) => h.channel === 'Home Kitchen')).toBe(true);
      await expect(f.index.vectorSearch(new Float32Array(8), { k: 3 })).rejects.toThrow(/8 dimensions/);

      // A new model: the other videos' vectors are discarded and reported as needing embedding.
      const chunks = chunksOf('pastaCook01');
      await f.index.indexVideo('pastaCook01', chunks, embedAll(chunks.map((c) => c.text)), MODEL_B);
      expect(await f.index.meta()).toEqual({ embeddingModel: MODEL_B, dims: 384 });
      expect(await f.index.videosNeedingEmbedding(MODEL_B)).toEqual([
        'gardenTom03',
        'moscowHis04',
        'rocketSci02',
      ]);
      const afterChange = await f.index.vectorSearch(trigramEmbedding('multiple stages'), { k: 10 });
      expect(new Set(afterChange.map((h) => h.videoId))).toEqual(new Set(['pastaCook01']));
    });

    it('scores whole transcripts: the video that talks about the question most comes first', async () => {
      const all = ['pastaCook01', 'rocketSci02', 'gardenTom03', 'moscowHis04'];
      const scores = await f.index.videoScores!('rocket orbit stages', all);
      expect(Object.keys(scores)).toEqual(['rocketSci02']);
      expect(scores.rocketSci02).toBeGreaterThan(0);
      // Words spread over the whole transcript count, not only one passage's.
      const mixed = await f.index.videoScores!('pasta sauce rocket', all);
      expect(mixed.pastaCook01).toBeGreaterThan(mixed.rocketSci02!);
      expect(await f.index.videoScores!('pasta', ['rocketSci02'])).toEqual({});
      expect(await f.index.videoScores!('pasta', [])).toEqual({});
      expect(Object.keys(await f.index.videoScores!('blight', all))).toEqual(['gardenTom03']);
      // Re-indexing replaces the video's text.
      await f.index.indexVideo(
        'gardenTom03',
        [{ idx: 0, start: 0, end: 5, text: 'Only pasta here.' }],
        null,
        null,
      );
      expect(Object.keys(await f.index.videoScores!('blight', all))).toEqual([]);
      expect(await f.index.videoScores!('pasta', ['gardenTom03'])).toHaveProperty('gardenTom03');
      await f.index.indexVideo('gardenTom03', chunksOf('gardenTom03'), null, null);
    });

    it('deletes a video', async () => {
      expect(await f.index.deleteVideo('gardenTom03')).toBe(true);
      expect(await f.index.deleteVideo('gardenTom03')).toBe(false);
      expect(await f.index.lexicalSearch('tomatoes blight', { k: 5, videoIds: ['gardenTom03'] })).toEqual([]);
      expect(await f.index.videoScores!('tomatoes blight', ['gardenTom03'])).toEqual({});
      expect((await f.index.stats()).videos).toBe(3);
    });
  });
}
