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

/**
 * pgvector's objects, qualified by the schema the extension lives in: a connection whose
 * search_path is its own schema (`?schema=`) does not see `public`, where the extension usually is.
 */
export interface PgvectorNames {
  /** `"schema".vector` */
  readonly type: string;
  /** `OPERATOR("schema".<=>)`: cosine distance. */
  readonly cosineDistance: string;
  /** `"schema".vector_cosine_ops` */
  readonly cosineOps: string;
}

export function pgvectorNames(schema: string): PgvectorNames {
  const q = `"${schema.replaceAll('"', '""')}"`;
  return {
    type: `${q}.vector`,
    cosineDistance: `OPERATOR(${q}.<=>)`,
    cosineOps: `${q}.vector_cosine_ops`,
  };
}

export interface VectorModeChoice {
  mode: VectorMode;
  reason: string;
  /** Set in pgvector mode. */
  pgvector?: PgvectorNames;
}

/**
 * Decides the mode: pgvector (0.5+, HNSW) if installed or installable, else signatures if bit_count
 * exists. `usePgvector: false` skips pgvector even where it is installed. A missing extension is
 * created in `public` (where other databases' users expect it, and where dropping one application's
 * schema cannot take it away from the others), or in the current schema when there is no `public`.
 */
export async function detectVectorMode(
  db: Kysely<any>,
  opts: { usePgvector?: boolean } = {},
): Promise<VectorModeChoice> {
  let reason = 'the vector extension (pgvector) is not installed on this server';
  if (opts.usePgvector === false) reason = 'pgvector is turned off for this index';
  else {
    const found = await installedPgvector(db);
    if (found) return found.ok ? pgvectorChoice(found) : fallback(db, found.why);
    const available = await sql`SELECT 1 FROM pg_available_extensions WHERE name = 'vector'`.execute(db);
    if (available.rows.length > 0) {
      try {
        const { rows } = await sql<{
          public: string | null;
        }>`SELECT to_regnamespace('public')::text AS public`.execute(db);
        const where = rows[0]?.public ? sql` SCHEMA public` : sql``;
        await sql`CREATE EXTENSION IF NOT EXISTS vector${where}`.execute(db);
      } catch (error) {
        // Another process may have created it meanwhile (IF NOT EXISTS races); read again.
        reason = `CREATE EXTENSION vector failed (${error instanceof Error ? error.message : String(error)}); a superuser can run it once`;
      }
      const created = await installedPgvector(db);
      if (created?.ok) return pgvectorChoice(created, ' (created)');
      if (created) reason = created.why;
    }
  }
  return fallback(db, reason);
}

interface InstalledPgvector {
  version: string;
  schema: string;
  ok: boolean;
  why: string;
}

async function installedPgvector(db: Kysely<any>): Promise<InstalledPgvector | null> {
  const { rows } = await sql<{ v: string; schema: string; usable: boolean }>`
    SELECT e.extversion AS v, n.nspname AS schema, has_schema_privilege(n.oid, 'USAGE') AS usable
    FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'vector'`.execute(db);
  const row = rows[0];
  if (!row) return null;
  // HNSW came with 0.5.0.
  const [major = 0, minor = 0] = row.v.split('.').map((x) => Number.parseInt(x, 10) || 0);
  const tooOld = major === 0 && minor < 5;
  const why = tooOld
    ? `pgvector ${row.v} has no HNSW index (0.5.0 or later has): ALTER EXTENSION vector UPDATE after installing a newer pgvector`
    : !row.usable
      ? `pgvector ${row.v} is installed in schema '${row.schema}', which this database user may not use: GRANT USAGE ON SCHEMA ${row.schema} TO the user`
      : '';
  return { version: row.v, schema: row.schema, ok: !tooOld && row.usable, why };
}

function pgvectorChoice(found: InstalledPgvector, suffix = ''): VectorModeChoice {
  return {
    mode: 'pgvector',
    reason: `pgvector ${found.version}${suffix} in schema ${found.schema}`,
    pgvector: pgvectorNames(found.schema),
  };
}

async function fallback(db: Kysely<any>, reason: string): Promise<VectorModeChoice> {
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
export function pgvectorColumnDdl(dims: number, names: PgvectorNames): RawBuilder<unknown>[] {
  if (!Number.isInteger(dims) || dims <= 0 || dims > 16000) throw new Error(`Invalid vector size ${dims}`);
  return [
    sql`DROP INDEX IF EXISTS chunks_embedding_hnsw`,
    sql`ALTER TABLE chunks DROP COLUMN IF EXISTS embedding_v`,
    sql.raw(`ALTER TABLE chunks ADD COLUMN embedding_v ${names.type}(${dims})`),
    sql.raw(
      `CREATE INDEX chunks_embedding_hnsw ON chunks USING hnsw (embedding_v ${names.cosineOps}) WITH (m = 16, ef_construction = 64)`,
    ),
  ];
}

/** Fills embedding_v from the float4[] column (after the column was created for an existing index). */
export function pgvectorBackfill(names: PgvectorNames): RawBuilder<unknown> {
  return sql.raw(
    `UPDATE chunks SET embedding_v = embedding::${names.type} WHERE embedding IS NOT NULL AND embedding_v IS NULL`,
  );
}

/** A vector as a value of pgvector's type. */
export function pgvectorValue(v: Float32Array, names: PgvectorNames): RawBuilder<unknown> {
  return sql`${vectorLiteral(v)}::${sql.raw(names.type)}`;
}

/** Fills missing signatures from the float4[] column (indexes written before signatures existed). */
export function signatureBackfill(): RawBuilder<unknown> {
  return sql`INSERT INTO chunk_signatures (chunk_id, sig)
    SELECT c.id, (SELECT string_agg(CASE WHEN x > 0 THEN '1' ELSE '0' END, '' ORDER BY i)
      FROM unnest(c.embedding) WITH ORDINALITY AS t(x, i))::varbit
    FROM chunks c WHERE c.embedding IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM chunk_signatures s WHERE s.chunk_id = c.id)`;
}

/**
 * Session setting for the HNSW search of `k` results; inside the query's transaction. An HNSW scan
 * returns at most ef_search rows, so asking for more than EF_SEARCH widens it to k.
 */
export function pgvectorSearchSettings(k = 0): RawBuilder<unknown> {
  return sql.raw(`SET LOCAL hnsw.ef_search = ${Math.max(EF_SEARCH, Math.floor(k))}`);
}

/**
 * Ids and cosine similarity of the approximate nearest `k` chunks. With pgvector's names: the HNSW
 * index (ORDER BY the bare <=> expression so the planner uses it). Without (null): `candidates`
 * nearest by Hamming distance of the signatures, rescored exactly.
 */
export function approximateNearest(
  pgvector: PgvectorNames | null,
  vector: Float32Array,
  k: number,
  candidates: number,
): RawBuilder<{ id: number; score: number }> {
  if (pgvector) {
    const distance = sql.raw(pgvector.cosineDistance);
    return sql<{ id: number; score: number }>`
      SELECT id, 1 - (embedding_v ${distance} ${pgvectorValue(vector, pgvector)}) AS score FROM chunks
      WHERE embedding_v IS NOT NULL
      ORDER BY embedding_v ${distance} ${pgvectorValue(vector, pgvector)} LIMIT ${k}`;
  }
  return sql<{ id: number; score: number }>`
    WITH cand AS (
      SELECT chunk_id AS id FROM chunk_signatures
      ORDER BY bit_count(sig # ${signatureLiteral(vector)}::varbit) LIMIT ${candidates})
    SELECT c.id, (SELECT sum(a * b) FROM unnest(c.embedding, ${Array.from(vector)}::real[]) AS t(a, b)) AS score
    FROM cand JOIN chunks c ON c.id = cand.id
    ORDER BY score DESC, c.id LIMIT ${k}`;
}
