import type { DatabaseHandle } from '@llm-rag-yt/orchestrator';
import { DIALECTS, openTestDatabase, type TestDatabase } from '@llm-rag-yt/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeRequests, failRequests, recordTiming } from '../src/pipeline/progress.ts';
import { submitUrls } from '../src/service/submit-urls.ts';
import { createRagStore, type RagStore } from '../src/store/rag-store.ts';
import { REQUEST } from '../src/store/request-lifecycle.ts';

for (const dialect of DIALECTS) {
  describe(`youtube_requests lifecycle on ${dialect}`, () => {
    let db: TestDatabase;
    let handle: DatabaseHandle;
    let store: RagStore;
    beforeAll(async () => {
      db = await openTestDatabase(dialect, { prefix: 'rag_lifecycle' });
      handle = db.handle;
      store = createRagStore(handle);
      await store.migrate();
    });
    afterAll(async () => {
      await db?.cleanup();
    });

    it('a step finishing late cannot overwrite a cancel; a transition answers whether it happened', async () => {
      const { request } = await store.requests.createDeduped({
        url: 'https://youtu.be/ccccccccccc',
        videoId: 'ccccccccccc',
        source: 'cli',
      });
      expect(await store.requests.transition(request.id, REQUEST.claim, { runId: 'run-1' })).toMatchObject({
        status: 'processing',
        runId: 'run-1',
      });
      const canceled = await store.requests.transition(request.id, REQUEST.cancel, {
        stage: 'failed',
        error: 'Canceled by the user.',
        errorPermanent: true,
      });
      expect(canceled?.status).toBe('failed');
      // The run's last step ends after the cancel: neither completing nor failing changes it.
      await completeRequests(store, [request.id]);
      await failRequests(store, [request.id], new Error('boom'), 'Downloading');
      expect(await store.requests.get(request.id)).toMatchObject({
        status: 'failed',
        error: 'Canceled by the user.',
      });
      expect(await store.requests.transition(request.id, REQUEST.complete)).toBeUndefined();
      // Retry is a transition too: once, from failed, as a new attempt.
      expect(
        await store.requests.transition(request.id, REQUEST.retry, { error: null, runId: null }),
      ).toMatchObject({
        status: 'pending',
        attempts: 1,
      });
      expect(await store.requests.transition(request.id, REQUEST.retry)).toBeUndefined();
    });

    it('timings of concurrent steps are merged in the database, none is lost', async () => {
      const r = await store.requests.create({
        url: 'https://youtu.be/ddddddddddd',
        videoId: 'ddddddddddd',
        source: 'cli',
      });
      const stages = ['validating', 'downloading', 'transcribing', 'embedding'] as const;
      await Promise.all(stages.map((s, i) => recordTiming(store, [r.id], s, (i + 1) * 10)));
      expect((await store.requests.get(r.id))!.timings).toEqual({
        validating: 10,
        downloading: 20,
        transcribing: 30,
        embedding: 40,
      });
    });

    it('the same page URL submitted many times at once is one request (one download)', async () => {
      const url = 'https://example.com/talks/dup.html';
      const results = await Promise.all(
        Array.from({ length: 20 }, () => submitUrls(store, [url], { source: 'web' })),
      );
      const ids = new Set(results.flatMap((r) => r.requests.map((q) => q.id)));
      expect(ids.size).toBe(1);
      expect(results.reduce((n, r) => n + r.created, 0)).toBe(1);
      const rows = await store.requests.list({ limit: 1000 });
      expect(rows.filter((r) => r.url === url)).toHaveLength(1);
    });

    it('an already indexed page is reported as done without a download, unless forced', async () => {
      const url = 'https://example.com/talks/indexed.html';
      await store.videos.upsert({
        videoId: 'generic:indexed',
        source: 'generic',
        url,
        title: 'Indexed talk',
        channel: null,
        channelId: null,
        durationSeconds: 3,
        uploadDate: null,
        description: null,
        language: 'en',
      });
      await store.videos.update('generic:indexed', { status: 'indexed' });
      const again = await submitUrls(store, [url], { source: 'cli' });
      expect(again).toMatchObject({ created: 0, alreadyIndexed: ['generic:indexed'] });
      expect(again.requests[0]).toMatchObject({ status: 'completed', videoId: 'generic:indexed' });
      expect(await store.requests.listPending(1000)).not.toContainEqual(expect.objectContaining({ url }));
      const forced = await submitUrls(store, [url], { source: 'cli', force: true });
      expect(forced).toMatchObject({ created: 1, alreadyIndexed: [] });
      expect(forced.requests[0]).toMatchObject({ status: 'pending', force: true });
    });
  });
}
