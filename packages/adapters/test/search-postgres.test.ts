import { openTestDatabase, type TestDatabase } from '@llm-rag-yt/testing';
import { afterAll } from 'vitest';
import { PostgresSearchIndex } from '../src/postgres-search/postgres-search-index.ts';
import { searchIndexContract } from './search-contract.ts';

// One schema per test file keeps parallel test files apart on the shared server.
let db: TestDatabase | undefined;
afterAll(() => db?.cleanup());

searchIndexContract('Postgres tsvector + float4[] cosine', async () => {
  db = await openTestDatabase('postgres', { prefix: 'search_test' });
  const h = db.handle;
  return { handle: h, open: (videos) => new PostgresSearchIndex(h, { videos }) };
});
