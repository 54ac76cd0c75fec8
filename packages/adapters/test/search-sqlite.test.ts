import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DatabaseHandle, openDatabase } from '@llm-rag-yt/orchestrator';
import { afterAll } from 'vitest';
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
