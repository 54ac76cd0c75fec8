import { openTestDatabase, type TestDatabase } from '@llm-rag-yt/testing';
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  sql,
} from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresSearchIndex } from '../src/postgres-search/postgres-search-index.ts';
import {
  approximateNearest,
  pgvectorColumnDdl,
  pgvectorSearchSettings,
  signatureLiteral,
  vectorLiteral,
} from '../src/postgres-search/vector-sql.ts';

/*
 * Vector search on Postgres. This server has no pgvector, so the signature path runs for real
 * (recall against exact search, consistency); the pgvector statements are checked as SQL text.
 */

let db: TestDatabase | undefined;
afterAll(() => db?.cleanup());

/** Compiles SQL for Postgres without a connection. */
const compiler = new Kysely<any>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});
const compile = (q: { compile(db: Kysely<any>): { sql: string; parameters: readonly unknown[] } }) => {
  const c = q.compile(compiler);
  return { sql: c.sql.replace(/\s+/g, ' ').trim(), parameters: c.parameters };
};

function vectorSpace(dims: number, topics: number, seed: number) {
  let s = seed >>> 0;
  const r = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const gauss = () => Math.sqrt(-2 * Math.log(r() || 1e-9)) * Math.cos(2 * Math.PI * r());
  const centres = Array.from({ length: topics }, () => Float32Array.from({ length: dims }, gauss));
  return (topic: number, noise = 0.8): Float32Array => {
    const v = Float32Array.from(centres[topic % topics], (c) => c + noise * gauss());
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  };
}
const chunksOf = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => ({ idx: i, start: i, end: i + 1, text: `${tag} passage ${i}` }));

describe('pgvector statements', () => {
  it('creates a typed vector column with a cosine HNSW index, and refuses a bad size', () => {
    expect(pgvectorColumnDdl(384).map((q) => compile(q).sql)).toEqual([
      'DROP INDEX IF EXISTS chunks_embedding_hnsw',
      'ALTER TABLE chunks DROP COLUMN IF EXISTS embedding_v',
      'ALTER TABLE chunks ADD COLUMN embedding_v vector(384)',
      'CREATE INDEX chunks_embedding_hnsw ON chunks USING hnsw (embedding_v vector_cosine_ops) WITH (m = 16, ef_construction = 64)',
    ]);
    expect(() => pgvectorColumnDdl(0)).toThrow(/Invalid vector size 0/);
    expect(() => pgvectorColumnDdl(1.5)).toThrow(/Invalid vector size/);
  });

  it('searches through the HNSW index: ORDER BY the bare <=> distance, ef_search set for the transaction', () => {
    const v = new Float32Array([0.6, -0.8]);
    expect(vectorLiteral(v)).toBe('[0.6000000238418579,-0.800000011920929]');
    expect(compile(pgvectorSearchSettings())).toEqual({
      sql: 'SET LOCAL hnsw.ef_search = 100',
      parameters: [],
    });
    expect(compile(approximateNearest('pgvector', v, 40, 1000))).toEqual({
      sql: 'SELECT id, 1 - (embedding_v <=> $1::vector) AS score FROM chunks WHERE embedding_v IS NOT NULL ORDER BY embedding_v <=> $2::vector LIMIT $3',
      parameters: [vectorLiteral(v), vectorLiteral(v), 40],
    });
  });

  it('preselects by Hamming distance of sign bits without pgvector, then rescores exactly', () => {
    const v = new Float32Array([0.5, -0.1, 0, 0.7]);
    expect(signatureLiteral(v)).toBe('1001');
    const q = compile(approximateNearest('signature', v, 10, 500));
    expect(q.sql).toContain('FROM chunk_signatures');
    expect(q.sql).toContain('ORDER BY bit_count(sig # $1::varbit) LIMIT $2');
    expect(q.parameters.slice(0, 2)).toEqual(['1001', 500]);
  });
});

describe('Postgres vector search without pgvector', () => {
  it('falls back to signatures with recall@10 ≥ 0.98 against exact search, and stays consistent', async () => {
    db = await openTestDatabase('postgres', { prefix: 'search_vec_test' });
    const handle = db.handle;
    const approx = new PostgresSearchIndex(handle, { exactScanBelow: 0 });
    const exact = new PostgresSearchIndex(handle); // below 10 000 vectors: exact
    await approx.migrate();
    await exact.migrate();
    expect(approx.vectorMode()).toMatchObject({ mode: 'signature' });
    expect(approx.vectorMode().reason).toMatch(/pgvector|vector/);

    const dims = 128;
    const sample = vectorSpace(dims, 30, 11);
    const videos = 6;
    for (let v = 0; v < videos; v++) {
      const vs = Array.from({ length: 500 }, (_, i) => sample(v * 500 + i));
      await approx.indexVideo(`pgVecVideo${v}`, chunksOf(500, `v${v}`), vs, 'test:clustered');
    }
    let recall = 0;
    const queries = 20;
    for (let q = 0; q < queries; q++) {
      const query = sample(q * 5, 0.9);
      const a = await approx.vectorSearch(query, { k: 10 });
      const e = await exact.vectorSearch(query, { k: 10 });
      const ids = new Set(e.map((h) => h.chunkId));
      recall += a.filter((h) => ids.has(h.chunkId)).length / e.length;
      expect(a[0].score).toBeCloseTo(e[0].score, 5);
    }
    expect(recall / queries).toBeGreaterThanOrEqual(0.98);

    // Consistency: a re-indexed video's old vectors are gone, a deleted video's never return.
    const probe = sample(3, 0);
    const before = await approx.vectorSearch(probe, { k: 5 });
    await approx.deleteVideo(before[0].videoId);
    const after = await approx.vectorSearch(probe, { k: 50 });
    expect(after.some((h) => h.videoId === before[0].videoId)).toBe(false);
    const fresh = Array.from({ length: 20 }, (_, i) => sample(i + 100, 0.3));
    await approx.indexVideo('pgVecVideo1', chunksOf(20, 'new'), fresh, 'test:clustered');
    expect((await approx.vectorSearch(fresh[4], { k: 1 }))[0]).toMatchObject({
      videoId: 'pgVecVideo1',
      idx: 4,
    });
    expect(
      (await approx.vectorSearch(sample(501, 0), { k: 100 })).every((h) => !h.text.startsWith('v1 ')),
    ).toBe(true);

    // Rows stored before signatures existed get them on migrate.
    await sql`DELETE FROM chunk_signatures`.execute(handle.db);
    await approx.migrate();
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM chunks c WHERE c.embedding IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM chunk_signatures s WHERE s.chunk_id = c.id)`.execute(handle.db);
    expect(rows[0].n).toBe(0);
    // One signature per embedded chunk, none left of deleted or re-indexed ones.
    const counts = await sql<{ sigs: number; embedded: number }>`
      SELECT (SELECT count(*) FROM chunk_signatures)::int AS sigs,
        (SELECT count(*) FROM chunks WHERE embedding IS NOT NULL)::int AS embedded`.execute(handle.db);
    expect(counts.rows[0].sigs).toBe(counts.rows[0].embedded);
    expect((await approx.vectorSearch(fresh[4], { k: 1 }))[0]).toMatchObject({ idx: 4 });
  }, 60_000);
});
