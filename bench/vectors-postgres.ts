/**
 * Postgres vector search benchmark: `npm run bench -- vectors-postgres [--size 100000] [--queries 30]`
 * → bench/results/vectors-postgres.json. Indexes N chunks × 384 dims (clustered synthetic
 * embeddings) through PostgresSearchIndex in a scratch schema of DATABASE_URL (default the local
 * test database), then measures vectorSearch(k=10) side by side with pgvector's HNSW (where the server has it)
 * and with the fallback (1-bit signatures + exact rescoring), each against the exact float4[] scan:
 * latency p50/p95, recall@10, indexing rate and sizes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PostgresSearchIndex } from '@llm-rag-yt/adapters';
import { openDatabase } from '@llm-rag-yt/orchestrator';
import { sql } from 'kysely';

const here = dirname(fileURLToPath(import.meta.url));
const DIMS = 384;
const TOPICS = 500;
const PER_VIDEO = 1000;
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function clustered(seed: number) {
  const r = rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(r() || 1e-9)) * Math.cos(2 * Math.PI * r());
  const centres = Array.from({ length: TOPICS }, () => Float32Array.from({ length: DIMS }, gauss));
  return (topic: number, noise = 0.8): Float32Array => {
    const c = centres[topic % TOPICS];
    const v = new Float32Array(DIMS);
    let n = 0;
    for (let i = 0; i < DIMS; i++) {
      v[i] = c[i] + noise * gauss();
      n += v[i] * v[i];
    }
    n = Math.sqrt(n);
    for (let i = 0; i < DIMS; i++) v[i] /= n;
    return v;
  };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** One mode measured: index `total` vectors into a scratch schema, then query against ground truth. */
async function measure(base: string, pgvector: boolean, total: number, queries: number) {
  const schema = `bench_vectors_${pgvector ? 'pgv' : 'sig'}_${process.pid}`;
  const handle = await openDatabase(`${base}?schema=${schema}`);
  try {
    const approx = new PostgresSearchIndex(handle, { pgvector });
    const exact = new PostgresSearchIndex(handle, { exactScanBelow: Number.POSITIVE_INFINITY, pgvector });
    await approx.migrate();
    await exact.migrate();
    const mode = approx.vectorMode();
    if (pgvector && mode.mode !== 'pgvector') return { mode, skipped: true };
    const sample = clustered(7);
    const all: Float32Array[] = [];
    const t0 = performance.now();
    for (let v = 0; v < total / PER_VIDEO; v++) {
      const vectors = Array.from({ length: PER_VIDEO }, (_, i) => sample((v * PER_VIDEO + i) % TOPICS));
      all.push(...vectors);
      const chunks = vectors.map((_, i) => ({
        idx: i,
        start: i * 30,
        end: i * 30 + 30,
        text: `passage ${v} ${i}`,
      }));
      await approx.indexVideo(`video${v}`, chunks, vectors, 'bench:clustered');
      if (v % 10 === 9) process.stderr.write(`  ${mode.mode}: ${(v + 1) * PER_VIDEO} of ${total} indexed\n`);
    }
    const indexSeconds = (performance.now() - t0) / 1000;
    await sql`ANALYZE chunks`.execute(handle.db);
    const { rows: size } = await sql<{ table: string; index: string | null }>`
      SELECT pg_size_pretty(pg_total_relation_size('chunks')) AS table,
        pg_size_pretty(pg_relation_size(to_regclass('chunks_embedding_hnsw'))) AS index`.execute(handle.db);
    // Ground truth in JS (the exact SQL scan takes seconds per query at 100k; it is timed on a few).
    const idRows = (
      await sql<{ id: string; video_id: string; idx: number }>`SELECT id, video_id, idx FROM chunks`.execute(
        handle.db,
      )
    ).rows;
    const idOf = new Float64Array(total);
    for (const r of idRows) idOf[Number(r.video_id.slice(5)) * PER_VIDEO + r.idx] = Number(r.id);
    const exactTop = (q: Float32Array) => {
      const scored = all.map((v, i) => {
        let s = 0;
        for (let d = 0; d < DIMS; d++) s += v[d] * q[d];
        return { id: idOf[i], s };
      });
      scored.sort((a, b) => b.s - a.s);
      return new Set(scored.slice(0, 10).map((x) => x.id));
    };
    const qr = rng(99);
    const lat: number[] = [];
    const exactLat: number[] = [];
    let recall = 0;
    for (let q = 0; q < queries; q++) {
      const v = sample(Math.floor(qr() * TOPICS), 0.9);
      let t = performance.now();
      const a = await approx.vectorSearch(v, { k: 10 });
      lat.push(performance.now() - t);
      if (q < 3) {
        t = performance.now();
        await exact.vectorSearch(v, { k: 10 });
        exactLat.push(performance.now() - t);
      }
      const ids = exactTop(v);
      recall += a.filter((h) => ids.has(h.chunkId)).length / 10;
    }
    lat.sort((a, b) => a - b);
    exactLat.sort((a, b) => a - b);
    return {
      mode,
      vector_query_ms: { p50: round(percentile(lat, 50)), p95: round(percentile(lat, 95)) },
      exact_query_ms: { p50: round(percentile(exactLat, 50)), p95: round(percentile(exactLat, 95)) },
      recall_at_10_vs_exact: round(recall / queries, 3),
      indexing_chunks_per_s: Math.round(total / indexSeconds),
      chunks_table_size: size[0]?.table ?? null,
      hnsw_index_size: size[0]?.index ?? null,
    };
  } finally {
    // BENCH_KEEP_SCHEMA=1 keeps the scratch schema, to look at query plans afterwards.
    if (process.env.BENCH_KEEP_SCHEMA) console.error(`kept schema ${schema}`);
    else await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(handle.db);
    await handle.close();
  }
}

export default async function main(args: string[]): Promise<void> {
  const opt = (name: string, fallback: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
  };
  const total = Number(opt('size', '100000'));
  const queries = Number(opt('queries', '30'));
  const base = opt('url', 'postgres://root@127.0.0.1:5432/test');
  // Side by side in one run: pgvector's HNSW (where the server has it) and the fallback without it.
  const modes = [];
  for (const pgvector of [true, false]) {
    const m = await measure(base, pgvector, total, queries);
    if (!('skipped' in m)) modes.push(m);
    else console.error(`pgvector not measured: ${m.mode.reason}`);
  }
  const result = {
    benchmark: 'vectors-postgres',
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      node: process.version,
      load_average_at_end: loadavg().map((l) => round(l)),
    },
    chunks: total,
    dims: DIMS,
    queries,
    modes,
    notes: 'Clustered synthetic 384-dim embeddings (500 topics). Shared machine: timings vary run to run.',
  };
  console.log(JSON.stringify(result, null, 2));
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(join(here, 'results', 'vectors-postgres.json'), `${JSON.stringify(result, null, 2)}\n`);
}
