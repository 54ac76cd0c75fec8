import { type DatabaseHandle, openDatabase } from '@llm-rag-yt/orchestrator';
import { TEST_DATABASE_URL } from '@llm-rag-yt/testing';
import { sql } from 'kysely';
import { afterAll } from 'vitest';
import { PostgresSearchIndex } from '../src/postgres-search/postgres-search-index.ts';
import { searchIndexContract } from './search-contract.ts';

// One schema per test file keeps parallel test files apart on the shared server.
const schema = `search_test_${process.pid}_${Date.now().toString(36)}`;
let handle: DatabaseHandle | undefined;
afterAll(async () => {
  if (handle) await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(handle.db);
  await handle?.close();
});

searchIndexContract('Postgres tsvector + float4[] cosine', async () => {
  handle = await openDatabase(`${TEST_DATABASE_URL}?schema=${schema}`);
  const h = handle;
  return {
    index: new PostgresSearchIndex(h),
    async createVideosTable(rows) {
      await sql`CREATE TABLE videos (video_id TEXT PRIMARY KEY, title TEXT, channel TEXT, url TEXT)`.execute(
        h.db,
      );
      for (const r of rows) {
        await sql`INSERT INTO videos (video_id, title, channel, url)
          VALUES (${r.videoId}, ${r.title}, ${r.channel}, ${`https://www.youtube.com/watch?v=${r.videoId}`})`.execute(
          h.db,
        );
      }
    },
  };
});
