import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DatabaseHandle, openDatabase } from '@llm-rag-yt/orchestrator';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteSearchIndex } from '../src/sqlite-search/sqlite-search-index.ts';
import { searchIndexContract } from './search-contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'search-sqlite-'));
let handle: DatabaseHandle | undefined;
afterAll(async () => {
  await handle?.close();
  rmSync(dir, { recursive: true, force: true });
});

searchIndexContract('SQLite FTS5 + sqlite-vec', async () => {
  handle = await openDatabase(`sqlite:${join(dir, 'state.db')}`);
  const h = handle;
  return {
    index: new SqliteSearchIndex(h),
    async createVideosTable(rows) {
      h.sqlite?.exec('CREATE TABLE videos (video_id TEXT PRIMARY KEY, title TEXT, channel TEXT, url TEXT)');
      const ins = h.sqlite?.prepare('INSERT INTO videos (video_id, title, channel, url) VALUES (?, ?, ?, ?)');
      for (const r of rows)
        ins?.run(r.videoId, r.title, r.channel, `https://www.youtube.com/watch?v=${r.videoId}`);
    },
  };
});

describe('SQLite lexical search on a larger index', () => {
  it('ignores near-universal words for speed but still ranks by the rare ones', async () => {
    const h = await openDatabase(`sqlite:${join(dir, 'large.db')}`);
    try {
      const index = new SqliteSearchIndex(h);
      await index.migrate();
      const chunks = Array.from({ length: 1200 }, (_, i) => ({
        idx: i,
        start: i * 10,
        end: i * 10 + 10,
        text: `common filler words number ${i} ${i === 777 ? 'zeppelin airship' : 'ordinary'}`,
      }));
      await index.indexVideo('largeVideo1', chunks, null, null);
      const hits = await index.lexicalSearch('common zeppelin', { k: 3 });
      expect(hits.map((x) => x.idx)).toEqual([777]);
      // Only common words: the rarest is kept, so the question still finds passages.
      expect(await index.lexicalSearch('common filler', { k: 3 })).toHaveLength(3);
    } finally {
      await h.close();
    }
  });
});

describe('SQLite vector search through in-memory bit signatures', () => {
  const DIMS = 64;
  /** Deterministic unit vectors around a few directions. */
  function vectors(n: number, seed: number): Float32Array[] {
    let s = seed;
    const r = () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 2 ** 32 - 0.5;
    };
    return Array.from({ length: n }, () => {
      const v = Float32Array.from({ length: DIMS }, r);
      const norm = Math.hypot(...v);
      return v.map((x) => x / norm);
    });
  }
  const chunksOf = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ idx: i, start: i, end: i + 1, text: `passage ${i}` }));

  it('finds the exact nearest chunks, sees another connection’s writes, and upgrades an old vec0 index', async () => {
    const file = join(dir, 'vectors.db');
    const a = await openDatabase(`sqlite:${file}`);
    const b = await openDatabase(`sqlite:${file}`);
    try {
      // exactScanBelow 0 forces the coarse path even on a small index.
      const reader = new SqliteSearchIndex(a, { exactScanBelow: 0, coarseFactor: 20 });
      const writer = new SqliteSearchIndex(b);
      await reader.migrate();
      const vs = vectors(300, 1);
      await writer.indexVideo('vectorVid01', chunksOf(150), vs.slice(0, 150), 'test:model');
      const first = await reader.vectorSearch(vs[42], { k: 3 });
      expect(first[0]).toMatchObject({ videoId: 'vectorVid01', idx: 42 });
      expect(first[0].score).toBeCloseTo(1, 5);

      // A write through the other connection is picked up on the next query (version in index_meta).
      await writer.indexVideo('vectorVid02', chunksOf(150), vs.slice(150), 'test:model');
      expect((await reader.vectorSearch(vs[200], { k: 1 }))[0]).toMatchObject({
        videoId: 'vectorVid02',
        idx: 50,
      });
      await writer.deleteVideo('vectorVid02');
      expect((await reader.vectorSearch(vs[200], { k: 5 })).every((h) => h.videoId === 'vectorVid01')).toBe(
        true,
      );

      // An index written by the earlier layout (vec0 bit table, no signatures) is upgraded on migrate.
      a.sqlite?.exec(
        `DROP TABLE video_signatures; CREATE VIRTUAL TABLE chunk_vectors USING vec0(chunk_id INTEGER PRIMARY KEY, coarse bit[${DIMS}]);`,
      );
      const upgraded = new SqliteSearchIndex(a, { exactScanBelow: 0, coarseFactor: 20 });
      await upgraded.migrate();
      const tables = a.sqlite
        ?.prepare(`SELECT name FROM sqlite_master WHERE name IN ('chunk_vectors', 'video_signatures')`)
        .all();
      expect(tables).toEqual([{ name: 'video_signatures' }]);
      expect((await upgraded.vectorSearch(vs[7], { k: 1 }))[0]).toMatchObject({ idx: 7 });
    } finally {
      await a.close();
      await b.close();
    }
  });
});
