import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DatabaseHandle, openDatabase } from '@llm-rag-yt/orchestrator';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteSearchIndex } from '../src/sqlite-search/sqlite-search-index.ts';

/*
 * The SQLite vector path at a scale where the ANN index (usearch HNSW, int8, exact rescoring) is
 * used: its recall against an exact scan, and that it never serves deleted or misses new vectors —
 * after writes of its own, of another connection, across a restart, and with damaged files.
 */

const dir = mkdtempSync(join(tmpdir(), 'search-vectors-'));
const handles: DatabaseHandle[] = [];
afterAll(async () => {
  for (const h of handles) await h.close();
  rmSync(dir, { recursive: true, force: true });
});

async function open(file: string): Promise<DatabaseHandle> {
  const h = await openDatabase(`sqlite:${join(dir, file)}`);
  handles.push(h);
  return h;
}

/** Deterministic unit vectors clustered around topic centres (like real embeddings), fixed seed. */
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
  Array.from({ length: n }, (_, i) => ({
    idx: i,
    start: i * 10,
    end: i * 10 + 10,
    text: `${tag} passage ${i}`,
  }));

const MODEL = 'test:clustered';

describe('SQLite vector search through the ANN index', () => {
  it('has recall@10 ≥ 0.98 against the exact scan (6,000 chunks × 128 dims)', async () => {
    const dims = 128;
    const sample = vectorSpace(dims, 60, 42);
    const h = await open('recall.db');
    const index = new SqliteSearchIndex(h, { exactScanBelow: 1000 });
    await index.migrate();
    const perVideo = 500;
    for (let v = 0; v < 12; v++) {
      const vectors = Array.from({ length: perVideo }, (_, i) => sample(v * perVideo + i));
      await index.indexVideo(
        `recallVid${String(v).padStart(2, '0')}`,
        chunksOf(perVideo, `v${v}`),
        vectors,
        MODEL,
      );
    }
    await index.vectorIndexReady();
    expect(await index.vectorIndexStatus()).toEqual({
      approximate: true,
      annVectors: 6000,
      storedVectors: 6000,
    });

    const all = Array.from({ length: 12 }, (_, v) => `recallVid${String(v).padStart(2, '0')}`);
    let recall = 0;
    const queries = 40;
    for (let q = 0; q < queries; q++) {
      const query = sample(q * 7, 0.9);
      const approx = await index.vectorSearch(query, { k: 10 });
      // A video filter over every video takes the exact scan.
      const exact = await index.vectorSearch(query, { k: 10, videoIds: all });
      const exactIds = new Set(exact.map((x) => x.chunkId));
      recall += approx.filter((x) => exactIds.has(x.chunkId)).length / exact.length;
      // Scores are exact cosine similarities (rescored), in order.
      expect(approx.map((x) => x.score)).toEqual([...approx.map((x) => x.score)].sort((a, b) => b - a));
    }
    expect(recall / queries).toBeGreaterThanOrEqual(0.98);
    await index.close();
  }, 60_000);

  it('stays consistent after inserts, deletes, re-embedding, other connections and restarts', async () => {
    const dims = 32;
    const sample = vectorSpace(dims, 20, 7);
    const file = 'consistency.db';
    const a = await open(file);
    const b = await open(file);
    const reader = new SqliteSearchIndex(a, { exactScanBelow: 0 });
    const writer = new SqliteSearchIndex(b, { exactScanBelow: 0 });
    await reader.migrate();
    const vs = Array.from({ length: 400 }, (_, i) => sample(i));
    const top = async (ix: SqliteSearchIndex, v: Float32Array, k = 1) => ix.vectorSearch(v, { k });

    // Own writes go straight into the ANN index.
    await reader.indexVideo('vectorVid01', chunksOf(200, 'a'), vs.slice(0, 200), MODEL);
    expect((await top(reader, vs[42]))[0]).toMatchObject({ videoId: 'vectorVid01', idx: 42 });
    expect((await top(reader, vs[42]))[0].score).toBeCloseTo(1, 5);
    expect(await reader.vectorIndexStatus()).toMatchObject({ approximate: true, annVectors: 200 });

    // Another connection's insert and delete are picked up on the next query (version diff).
    await writer.indexVideo('vectorVid02', chunksOf(200, 'b'), vs.slice(200), MODEL);
    expect((await top(reader, vs[250]))[0]).toMatchObject({ videoId: 'vectorVid02', idx: 50 });
    await writer.deleteVideo('vectorVid02');
    expect((await top(reader, vs[250], 20)).every((x) => x.videoId === 'vectorVid01')).toBe(true);
    expect(await reader.vectorIndexStatus()).toMatchObject({ annVectors: 200, storedVectors: 200 });

    // Re-embedding a video replaces its vectors: the old ones are never returned again.
    const fresh = Array.from({ length: 200 }, (_, i) => sample(i + 1000, 0.5));
    await reader.indexVideo('vectorVid01', chunksOf(200, 'a2'), fresh, MODEL);
    expect((await top(reader, fresh[9]))[0]).toMatchObject({ idx: 9, text: 'a2 passage 9' });
    expect((await top(reader, vs[9], 200)).every((x) => x.text.startsWith('a2'))).toBe(true);

    // A rolled-back write leaves the ANN index as it was (nothing half-applied).
    await expect(
      reader.indexVideo('vectorVid03', chunksOf(2, 'bad'), [vs[0], new Float32Array(dims + 1)], MODEL),
    ).rejects.toThrow();
    expect(await reader.vectorIndexStatus()).toMatchObject({ annVectors: 200, storedVectors: 200 });

    // Restart: the saved index is loaded and brought up to date with what changed while closed.
    await reader.close();
    const folder = join(dir, `${file}.vectors`);
    expect(existsSync(join(folder, 'meta.json'))).toBe(true);
    await writer.indexVideo('vectorVid04', chunksOf(200, 'd'), vs.slice(200), MODEL);
    const restarted = new SqliteSearchIndex(a, { exactScanBelow: 0 });
    await restarted.migrate();
    expect((await top(restarted, vs[333]))[0]).toMatchObject({ videoId: 'vectorVid04', idx: 133 });
    expect((await top(restarted, fresh[5]))[0]).toMatchObject({ videoId: 'vectorVid01', idx: 5 });
    expect(await restarted.vectorIndexStatus()).toMatchObject({ annVectors: 400, storedVectors: 400 });
    await restarted.close();

    // Damaged files: rebuilt from the database, searches stay right.
    for (const name of readdirSync(folder))
      if (name.endsWith('.usearch')) writeFileSync(join(folder, name), 'junk');
    const repaired = new SqliteSearchIndex(a, { exactScanBelow: 0, warn: () => {} });
    await repaired.vectorIndexReady();
    expect((await top(repaired, vs[333]))[0]).toMatchObject({ videoId: 'vectorVid04', idx: 133 });
    expect(await repaired.vectorIndexStatus()).toMatchObject({ approximate: true, annVectors: 400 });

    // Another model: the old vectors and the saved index are discarded together.
    const other = vectorSpace(16, 5, 3);
    await writer.indexVideo(
      'vectorVid05',
      chunksOf(10, 'e'),
      Array.from({ length: 10 }, (_, i) => other(i)),
      'test:other',
    );
    expect((await top(repaired, other(3, 0)))[0]).toMatchObject({ videoId: 'vectorVid05' });
    expect(await repaired.vectorIndexStatus()).toMatchObject({ annVectors: 10, storedVectors: 10 });
    await repaired.close();
    await writer.close();
  }, 60_000);

  it('drops the tables of earlier layouts on migrate', async () => {
    const h = await open('upgrade.db');
    const index = new SqliteSearchIndex(h, { exactScanBelow: 0 });
    await index.migrate();
    const sample = vectorSpace(64, 4, 1);
    const vs = Array.from({ length: 30 }, (_, i) => sample(i));
    await index.indexVideo('vectorVid01', chunksOf(30, 'u'), vs, MODEL);
    h.sqlite?.exec(
      `CREATE TABLE video_signatures (video_id TEXT PRIMARY KEY, chunk_ids BLOB NOT NULL, bits BLOB NOT NULL);
       CREATE VIRTUAL TABLE chunk_vectors USING vec0(chunk_id INTEGER PRIMARY KEY, coarse bit[64]);
       DELETE FROM index_meta WHERE key = 'vectors_epoch';`,
    );
    const upgraded = new SqliteSearchIndex(h, { exactScanBelow: 0 });
    await upgraded.migrate();
    const tables = h.sqlite
      ?.prepare(`SELECT name FROM sqlite_master WHERE name IN ('chunk_vectors', 'video_signatures')`)
      .all();
    expect(tables).toEqual([]);
    expect((await upgraded.vectorSearch(vs[7], { k: 1 }))[0]).toMatchObject({ idx: 7 });
    expect(await upgraded.vectorIndexStatus()).toMatchObject({ approximate: true, annVectors: 30 });
    await index.close();
    await upgraded.close();
  });
});
