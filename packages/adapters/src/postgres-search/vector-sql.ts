import { type Kysely, type RawBuilder, sql } from 'kysely';

/*
 * The SQL of vector search on Postgres, in one of two modes chosen at migrate():
 *   pgvector  the `vector` extension is installed (or can be): a `vector(dims)` column beside the
 *             float4[] one and an HNSW index (cosine); queries ORDER BY <=> with hnsw.ef_search.
 *   signature no pgvector: a 1-bit signature per vector (`bit varying`, sign of each component, in
 *             the narrow table chunk_signatures so the scan reads nothing else)
 *             preselects candidates by Hamming distance (bit_count of XOR, PostgreSQL 14+), which
 *             are rescored by exact cosine over the float4[] column. Without bit_count: exact only.
 * Small indexes and filtered searches (videos, channel) are always exact.
 * Kept as functions returning SQL so the pgvector statements are unit-tested where pgvector is absent.
 */

export type VectorMode = 'pgvector' | 'signature' | 'exact';

/** HNSW candidate list at query time (pgvector's default 40 gives lower recall at k = 40). */
export const EF_SEARCH = 100;

/** Decides the mode: pgvector if installed or installable, else signatures if bit_count exists. */
export async function detectVectorMode(db: Kysely<any>): Promise<{ mode: VectorMode; reason: string }> {
  const installed = await sql<{
    v: string;
  }>`SELECT extversion AS v FROM pg_extension WHERE extname = 'vector'`.execute(db);
  if (installed.rows.length > 0) return { mode: 'pgvector', reason: `pgvector ${installed.rows[0].v}` };
  const available = await sql`SELECT 1 FROM pg_available_extensions WHERE name = 'vector'`.execute(db);
  let reason = 'the vector extension (pgvector) is not installed on this server';
  if (available.rows.length > 0) {
    try {
      await sql`CREATE EXTENSION IF NOT EXISTS vector`.execute(db);
      return { mode: 'pgvector', reason: 'pgvector (created)' };
    } catch (error) {
      reason = `CREATE EXTENSION vector failed (${error instanceof Error ? error.message : String(error)}); a superuser can run it once`;
    }
  }
  const bitCount = await sql<{
    p: string | null;
  }>`SELECT to_regprocedure('bit_count(bit)')::text AS p`.execute(db);
  return bitCount.rows[0]?.p
    ? { mode: 'signature', reason: `${reason}; using 1-bit signatures + exact rescoring` }
    : { mode: 'exact', reason: `${reason}; bit_count() needs PostgreSQL 14+, so search is exact` };
}

/** pgvector's text input form: '[0.1,0.2,…]'. */
export function vectorLiteral(v: Float32Array): string {
  return `[${Array.from(v).join(',')}]`;
}

/** The sign bits of `v` as a bit-string literal for `bit varying`. */
export function signatureLiteral(v: Float32Array): string {
  let s = '';
  for (let i = 0; i < v.length; i++) s += v[i] > 0 ? '1' : '0';
  return s;
}

/** (Re)creates the pgvector column and its HNSW index for `dims` (a model change drops the old ones). */
export function pgvectorColumnDdl(dims: number): RawBuilder<unknown>[] {
  if (!Number.isInteger(dims) || dims <= 0 || dims > 16000) throw new Error(`Invalid vector size ${dims}`);
  return [
    sql`DROP INDEX IF EXISTS chunks_embedding_hnsw`,
    sql`ALTER TABLE chunks DROP COLUMN IF EXISTS embedding_v`,
    sql.raw(`ALTER TABLE chunks ADD COLUMN embedding_v vector(${dims})`),
    sql`CREATE INDEX chunks_embedding_hnsw ON chunks USING hnsw (embedding_v vector_cosine_ops) WITH (m = 16, ef_construction = 64)`,
  ];
}

/** Fills embedding_v from the float4[] column (after the column was created for an existing index). */
export function pgvectorBackfill(): RawBuilder<unknown> {
  return sql`UPDATE chunks SET embedding_v = embedding::vector WHERE embedding IS NOT NULL AND embedding_v IS NULL`;
}

/** Fills missing signatures from the float4[] column (indexes written before signatures existed). */
export function signatureBackfill(): RawBuilder<unknown> {
  return sql`INSERT INTO chunk_signatures (chunk_id, sig)
    SELECT c.id, (SELECT string_agg(CASE WHEN x > 0 THEN '1' ELSE '0' END, '' ORDER BY i)
      FROM unnest(c.embedding) WITH ORDINALITY AS t(x, i))::varbit
    FROM chunks c WHERE c.embedding IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM chunk_signatures s WHERE s.chunk_id = c.id)`;
}

/** Session setting for the HNSW search; inside the query's transaction. */
export function pgvectorSearchSettings(efSearch = EF_SEARCH): RawBuilder<unknown> {
  return sql.raw(`SET LOCAL hnsw.ef_search = ${Math.max(1, Math.floor(efSearch))}`);
}

/**
 * Ids and cosine similarity of the approximate nearest `k` chunks. pgvector: the HNSW index
 * (ORDER BY the bare <=> expression so the planner uses it). Signature: `candidates` nearest by
 * Hamming distance, rescored exactly.
 */
export function approximateNearest(
  mode: 'pgvector' | 'signature',
  vector: Float32Array,
  k: number,
  candidates: number,
): RawBuilder<{ id: number; score: number }> {
  if (mode === 'pgvector') {
    return sql<{ id: number; score: number }>`
      SELECT id, 1 - (embedding_v <=> ${vectorLiteral(vector)}::vector) AS score FROM chunks
      WHERE embedding_v IS NOT NULL
      ORDER BY embedding_v <=> ${vectorLiteral(vector)}::vector LIMIT ${k}`;
  }
  return sql<{ id: number; score: number }>`
    WITH cand AS (
      SELECT chunk_id AS id FROM chunk_signatures
      ORDER BY bit_count(sig # ${signatureLiteral(vector)}::varbit) LIMIT ${candidates})
    SELECT c.id, (SELECT sum(a * b) FROM unnest(c.embedding, ${Array.from(vector)}::real[]) AS t(a, b)) AS score
    FROM cand JOIN chunks c ON c.id = cand.id
    ORDER BY score DESC, c.id LIMIT ${k}`;
}
