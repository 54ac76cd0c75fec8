import { openDatabase } from '@llm-rag-yt/orchestrator';
import {
  dropTestSchema,
  openTestDatabase,
  postgresUrl,
  TEST_DATABASE_URL,
  type TestDatabase,
  testSchemaName,
} from '@llm-rag-yt/testing';
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
  pgvectorNames,
  pgvectorSearchSettings,
  signatureLiteral,
  vectorLiteral,
} from '../src/postgres-search/vector-sql.ts';

/*
 * Vector search on Postgres. The signature path (no pgvector) always runs for real, with pgvector
 * turned off; the pgvector path runs for real where the test server has the extension available
 * (scripts/install-pgvector.sh builds it on Debian) and is skipped otherwise. The pgvector
 * statements are also checked as SQL text.
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

const names = pgvectorNames('public');

describe('pgvector statements', () => {
  it('creates a typed vector column with a cosine HNSW index, and refuses a bad size', () => {
    expect(pgvectorColumnDdl(384, names).map((q) => compile(q).sql)).toEqual([
      'DROP INDEX IF EXISTS chunks_embedding_hnsw',
      'ALTER TABLE chunks DROP COLUMN IF EXISTS embedding_v',
      'ALTER TABLE chunks ADD COLUMN embedding_v "public".vector(384)',
      'CREATE INDEX chunks_embedding_hnsw ON chunks USING hnsw (embedding_v "public".vector_cosine_ops) WITH (m = 16, ef_construction = 64)',
    ]);
    expect(() => pgvectorColumnDdl(0, names)).toThrow(/Invalid vector size 0/);
    expect(() => pgvectorColumnDdl(1.5, names)).toThrow(/Invalid vector size/);
  });

  it('searches through the HNSW index: ORDER BY the bare <=> distance, ef_search set for the transaction', () => {
    const v = new Float32Array([0.6, -0.8]);
    expect(vectorLiteral(v)).toBe('[0.6000000238418579,-0.800000011920929]');
    expect(compile(pgvectorSearchSettings())).toEqual({
      sql: 'SET LOCAL hnsw.ef_search = 100',
      parameters: [],
    });
    expect(compile(approximateNearest(names, v, 40, 1000))).toEqual({
      sql: 'SELECT id, 1 - (embedding_v OPERATOR("public".<=>) $1::"public".vector) AS score FROM chunks WHERE embedding_v IS NOT NULL ORDER BY embedding_v OPERATOR("public".<=>) $2::"public".vector LIMIT $3',
      parameters: [vectorLiteral(v), vectorLiteral(v), 40],
    });
  });

  it('preselects by Hamming distance of sign bits without pgvector, then rescores exactly', () => {
    const v = new Float32Array([0.5, -0.1, 0, 0.7]);
    expect(signatureLiteral(v)).toBe('1001');
    const q = compile(approximateNearest(null, v, 10, 500));
    expect(q.sql).toContain('FROM chunk_signatures');
    expect(q.sql).toContain('ORDER BY bit_count(sig # $1::varbit) LIMIT $2');
    expect(q.parameters.slice(0, 2)).toEqual(['1001', 500]);
  });
});

describe('Postgres vector search without pgvector', () => {
  it('falls back to signatures with recall@10 ≥ 0.98 against exact search, and stays consistent', async () => {
    db = await openTestDatabase('postgres', { prefix: 'search_vec_test' });
    const handle = db.handle;
    const approx = new PostgresSearchIndex(handle, { exactScanBelow: 0, pgvector: false });
    const exact = new PostgresSearchIndex(handle, { pgvector: false }); // below 10 000 vectors: exact
    await approx.migrate();
    await exact.migrate();
    expect(approx.vectorMode()).toMatchObject({ mode: 'signature' });
    expect(approx.vectorMode().reason).toMatch(/pgvector/);

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

/** Whether the test server can run pgvector (installed, or installable by CREATE EXTENSION). */
async function pgvectorOnTestServer(): Promise<boolean> {
  const probe = await openDatabase(TEST_DATABASE_URL, { poolSize: 1 });
  try {
    const { rows } = await sql<{ v: string | null }>`
      SELECT default_version AS v FROM pg_available_extensions WHERE name = 'vector'`.execute(probe.db);
    return rows.length > 0;
  } finally {
    await probe.close();
  }
}
const withPgvector = await pgvectorOnTestServer();

/** The declared type of chunks.embedding_v, as PostgreSQL prints it from this connection. */
async function embeddingColumnType(handle: { db: Kysely<any> }): Promise<string | undefined> {
  const { rows } = await sql<{ t: string }>`
    SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute
    WHERE attrelid = 'chunks'::regclass AND attname = 'embedding_v'`.execute(handle.db);
  return rows[0]?.t;
}

describe.skipIf(!withPgvector)(
  `Postgres vector search with pgvector${withPgvector ? '' : ' (skipped: the test server has no pgvector; bash scripts/install-pgvector.sh builds it)'}`,
  () => {
    const schemas: string[] = [];
    const handles: { close(): Promise<void> }[] = [];
    afterAll(async () => {
      for (const h of handles) await h.close().catch(() => {});
      for (const s of schemas) await dropTestSchema(s).catch(() => {});
    });
    /** A handle whose search_path is only its own schema (`?schema=`), as a user's DATABASE_URL gives. */
    async function schemaHandle(prefix: string) {
      const schema = testSchemaName(prefix);
      schemas.push(schema);
      const handle = await openDatabase(postgresUrl(schema));
      handles.push(handle);
      return { schema, handle };
    }

    it('searches through the HNSW index from a schema of its own, with recall@10 ≥ 0.98 against exact search', async () => {
      const { handle } = await schemaHandle('pgv_a');
      const approx = new PostgresSearchIndex(handle, { exactScanBelow: 0 });
      const exact = new PostgresSearchIndex(handle);
      await approx.migrate();
      await exact.migrate();
      // The extension lives in public, not in this schema (dropping it must not take pgvector away).
      expect(approx.vectorMode()).toMatchObject({ mode: 'pgvector' });
      expect(approx.vectorMode().reason).toMatch(/^pgvector \d+\.\d+\.\d+( \(created\))? in schema public$/);

      const dims = 64;
      const sample = vectorSpace(dims, 25, 5);
      for (let v = 0; v < 4; v++) {
        const vs = Array.from({ length: 500 }, (_, i) => sample(v * 500 + i));
        await approx.indexVideo(`pgvVideo${v}`, chunksOf(500, `v${v}`), vs, 'test:clustered');
      }
      expect(await embeddingColumnType(handle)).toBe('public.vector(64)');
      let recall = 0;
      const queries = 20;
      for (let q = 0; q < queries; q++) {
        const query = sample(q * 7, 0.9);
        const a = await approx.vectorSearch(query, { k: 10 });
        const e = await exact.vectorSearch(query, { k: 10 });
        const ids = new Set(e.map((h) => h.chunkId));
        recall += a.filter((h) => ids.has(h.chunkId)).length / e.length;
        expect(a[0]!.score).toBeCloseTo(e[0]!.score, 5);
      }
      expect(recall / queries).toBeGreaterThanOrEqual(0.98);

      // The query plan walks the HNSW index.
      const plan = await handle.db.transaction().execute(async (trx) => {
        await sql`SET LOCAL enable_seqscan = off`.execute(trx);
        return sql<{
          'QUERY PLAN': string;
        }>`EXPLAIN ${approximateNearest(names, sample(1), 10, 0)}`.execute(trx);
      });
      expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(
        /Index Scan using chunks_embedding_hnsw/,
      );

      // An HNSW scan stops at ef_search rows: asking for more widens it.
      expect(await approx.vectorSearch(sample(2), { k: 150 })).toHaveLength(150);

      // A deleted video's vectors never return; a re-indexed one's new vectors do.
      const probe = sample(3, 0);
      const before = await approx.vectorSearch(probe, { k: 5 });
      await approx.deleteVideo(before[0]!.videoId);
      expect(
        (await approx.vectorSearch(probe, { k: 50 })).some((h) => h.videoId === before[0]!.videoId),
      ).toBe(false);
      const fresh = Array.from({ length: 20 }, (_, i) => sample(i + 900, 0.3));
      await approx.indexVideo('pgvVideo1', chunksOf(20, 'new'), fresh, 'test:clustered');
      expect((await approx.vectorSearch(fresh[4]!, { k: 1 }))[0]).toMatchObject({
        videoId: 'pgvVideo1',
        idx: 4,
      });

      // Another model of another size: the column and its index are made anew for it.
      const other = vectorSpace(32, 5, 9);
      await approx.indexVideo(
        'pgvVideo2',
        chunksOf(30, 'm2'),
        Array.from({ length: 30 }, (_, i) => other(i)),
        'test:other',
      );
      expect(await embeddingColumnType(handle)).toBe('public.vector(32)');
      expect((await approx.vectorSearch(other(7), { k: 1 }))[0]).toMatchObject({
        videoId: 'pgvVideo2',
        idx: 7,
      });
    }, 120_000);

    it('gives vectors stored without pgvector their column and index, and keeps working when another schema is dropped', async () => {
      const a = await schemaHandle('pgv_b');
      const before = new PostgresSearchIndex(a.handle, { exactScanBelow: 0, pgvector: false });
      await before.migrate();
      expect(before.vectorMode().mode).toBe('signature');
      const sample = vectorSpace(48, 10, 21);
      const vs = Array.from({ length: 300 }, (_, i) => sample(i));
      await before.indexVideo('pgvOld', chunksOf(300, 'old'), vs, 'test:old');

      const later = new PostgresSearchIndex(a.handle, { exactScanBelow: 0 });
      await later.migrate();
      expect(later.vectorMode().mode).toBe('pgvector');
      const { rows } = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM chunks WHERE embedding IS NOT NULL AND embedding_v IS NULL`.execute(
        a.handle.db,
      );
      expect(rows[0]!.n).toBe(0);
      expect((await later.vectorSearch(vs[42]!, { k: 1 }))[0]).toMatchObject({ videoId: 'pgvOld', idx: 42 });

      // A second application schema on the same database, then dropped: the first one's vector
      // column (of the extension's type) must survive it.
      const b = await schemaHandle('pgv_c');
      const second = new PostgresSearchIndex(b.handle, { exactScanBelow: 0 });
      await second.migrate();
      await second.indexVideo('pgvOther', chunksOf(10, 'x'), vs.slice(0, 10), 'test:old');
      await b.handle.close();
      await dropTestSchema(b.schema);
      expect((await later.vectorSearch(vs[7]!, { k: 1 }))[0]).toMatchObject({ videoId: 'pgvOld', idx: 7 });
    }, 120_000);
  },
);
