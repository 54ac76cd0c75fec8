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
