import type { DatabaseHandle } from '@llm-rag-yt/orchestrator';
import { TEXT_SCHEME } from '@llm-rag-yt/rag';
import { openTestDatabase, type TestDatabase } from '@llm-rag-yt/testing';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresSearchIndex } from '../src/postgres-search/postgres-search-index.ts';
import { SqliteSearchIndex } from '../src/sqlite-search/sqlite-search-index.ts';

/*
 * Both full-text adapters stem by the video's language (Snowball) and rebuild an index whose
 * recorded text scheme differs from the current one.
 */

const dbs: TestDatabase[] = [];
afterAll(async () => {
  for (const db of dbs) await db.cleanup();
});
async function open(dialect: TestDatabase['dialect']): Promise<DatabaseHandle> {
  const db = await openTestDatabase(dialect, { prefix: 'scheme_test' });
  dbs.push(db);
  return db.handle;
}

const chunk = (idx: number, text: string) => ({ idx, start: idx * 10, end: idx * 10 + 10, text });

const dialects = [
  {
    name: 'SQLite FTS5',
    async open() {
      const h = await open('sqlite');
      return { h, index: new SqliteSearchIndex(h) };
    },
    /** Makes the stored full text stale: written under an older scheme (5-letter truncation). */
    async staleScheme(h: DatabaseHandle) {
      h.sqlite!.exec(`INSERT INTO chunks_fts (chunks_fts) VALUES ('delete-all')`);
      h.sqlite!.exec(`INSERT INTO chunks_fts (rowid, text) SELECT id, 'zzzzz' FROM chunks`);
      h.sqlite!.exec(`UPDATE index_meta SET value = 'stem5' WHERE key = 'fts_text'`);
    },
    async scheme(h: DatabaseHandle) {
      return (
        h.sqlite!.prepare(`SELECT value FROM index_meta WHERE key = 'fts_text'`).get() as { value: string }
      ).value;
    },
  },
  {
    name: 'Postgres full text',
    async open() {
      const h = await open('postgres');
      return { h, index: new PostgresSearchIndex(h) };
    },
    async staleScheme(h: DatabaseHandle) {
      await sql`UPDATE chunks SET tsv = to_tsvector('simple', 'zzzzz')`.execute(h.db);
      await sql`DELETE FROM index_meta WHERE key = 'fts_text'`.execute(h.db);
    },
    async scheme(h: DatabaseHandle) {
      return (await sql<{ value: string }>`SELECT value FROM index_meta WHERE key = 'fts_text'`.execute(h.db))
        .rows[0]?.value;
    },
  },
];

for (const d of dialects) {
  describe(`${d.name}: text scheme`, () => {
    it('stems English and Russian videos by their language, and rebuilds a stale index once', async () => {
      const { h, index } = await d.open();
      await index.migrate();
      await index.indexVideo(
        'enVideo0001',
        [
          chunk(0, 'The photographers were cropping their pictures carefully.'),
          chunk(1, 'Nothing else here.'),
        ],
        null,
        null,
        { language: 'en' },
      );
      await index.indexVideo(
        'ruVideo0001',
        [chunk(0, 'Москва была основана князем в 1147 году.'), chunk(1, 'Другие города.')],
        null,
        null,
        { language: 'ru' },
      );
      // Inflections meet through the stemmer, not by a shared prefix: crop/cropping, photographer/photographers.
      const en = await index.lexicalSearch('which photographer crops a picture?', { k: 3 });
      expect(en[0]).toMatchObject({ videoId: 'enVideo0001', idx: 0 });
      const ru = await index.lexicalSearch('Когда основали Москву?', { k: 3 });
      expect(ru[0]).toMatchObject({ videoId: 'ruVideo0001', idx: 0 });
      // Stems, not 5-letter prefixes: "photos" must not match "photographers".
      expect(await index.lexicalSearch('photos', { k: 3 })).toEqual([]);
      expect(await d.scheme(h)).toBe(`${TEXT_SCHEME}+videos`);
      const stats = await index.termStats!(['crop', 'москв', 'absent']);
      expect(stats).toEqual({ chunks: 4, df: { crop: 1, москв: 1, absent: 0 } });

      await d.staleScheme(h);
      expect(await index.lexicalSearch('cropping', { k: 3 })).toEqual([]);
      // The next start (migrate) sees another scheme and re-stems every chunk by its video's language.
      await index.migrate();
      expect(await d.scheme(h)).toBe(`${TEXT_SCHEME}+videos`);
      expect((await index.lexicalSearch('cropped photographer', { k: 3 }))[0]?.videoId).toBe('enVideo0001');
      expect((await index.lexicalSearch('основанная Москва', { k: 3 }))[0]?.videoId).toBe('ruVideo0001');
      // Whole-transcript scores are rebuilt with the chunks.
      expect(
        Object.keys(await index.videoScores!('cropped photographer', ['enVideo0001', 'ruVideo0001'])),
      ).toEqual(['enVideo0001']);
      // Re-indexing without a language keeps the stored one.
      await index.indexVideo('ruVideo0001', [chunk(0, 'Москвой правили князья.')], null, null);
      expect((await index.lexicalSearch('Москва', { k: 3 }))[0]?.videoId).toBe('ruVideo0001');
    });
  });
}
