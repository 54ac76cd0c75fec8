import { openTestDatabase, type TestDatabase } from '@llm-rag-yt/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteSearchIndex } from '../src/sqlite-search/sqlite-search-index.ts';
import { searchIndexContract } from './search-contract.ts';

let contractDb: TestDatabase | undefined;
afterAll(() => contractDb?.cleanup());

searchIndexContract('SQLite FTS5 + sqlite-vec', async () => {
  contractDb = await openTestDatabase('sqlite', { prefix: 'search-sqlite' });
  const h = contractDb.handle;
  return { handle: h, open: (videos) => new SqliteSearchIndex(h, { videos }) };
});

describe('SQLite lexical search on a larger index', () => {
  it('ignores near-universal words for speed but still ranks by the rare ones', async () => {
    const db = await openTestDatabase('sqlite', { prefix: 'search-sqlite-large' });
    const h = db.handle;
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
      await db.cleanup();
    }
  });
});
