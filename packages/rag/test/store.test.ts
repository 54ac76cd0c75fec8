import type { DatabaseHandle } from '@llm-rag-yt/orchestrator';
import { DIALECTS, openTestDatabase, type TestDatabase } from '@llm-rag-yt/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRagStore, type RagStore } from '../src/store/rag-store.ts';
import { REQUEST } from '../src/store/request-lifecycle.ts';

for (const dialect of DIALECTS) {
  describe(`RagStore on ${dialect}`, () => {
    let db: TestDatabase;
    let handle: DatabaseHandle;
    let store: RagStore;

    beforeAll(async () => {
      db = await openTestDatabase(dialect, { prefix: 'rag_store' });
      handle = db.handle;
      store = createRagStore(handle);
      await store.migrate();
      await store.migrate(); // idempotent
    });
    afterAll(async () => {
      await db?.cleanup();
    });

    it('creates, dedupes, updates and claims requests', async () => {
      const a = await store.requests.create({
        url: 'https://youtu.be/aaaaaaaaaaa',
        videoId: 'aaaaaaaaaaa',
        source: 'cli',
        userId: 7,
      });
      expect(a).toMatchObject({
        status: 'pending',
        stage: 'validating',
        userId: 7,
        force: false,
        errorPermanent: false,
        timings: {},
      });
      const dup = await store.requests.createDeduped({
        url: 'https://www.youtube.com/watch?v=aaaaaaaaaaa',
        videoId: 'aaaaaaaaaaa',
        source: 'bot',
      });
      expect(dup.created).toBe(false);
      expect(dup.request.id).toBe(a.id);
      const other = await store.requests.createDeduped({
        url: 'https://youtu.be/bbbbbbbbbbb',
        videoId: 'bbbbbbbbbbb',
        source: 'api',
      });
      expect(other.created).toBe(true);

      const claimed = await store.requests.claim([a.id], 'run-1');
      expect(claimed.map((r) => r.id)).toEqual([a.id]);
      expect(claimed[0]).toMatchObject({ status: 'processing', runId: 'run-1' });
      // Already claimed: a second run gets nothing.
      expect(await store.requests.claim([a.id], 'run-2')).toEqual([]);

      await store.requests.transition(a.id, REQUEST.advance, { stage: 'downloading' });
      await store.requests.recordTiming(a.id, 'validating', 5);
      await store.requests.recordTiming(a.id, 'downloading', 10);
      const b = await store.requests.transition(a.id, REQUEST.fail, {
        stage: 'failed',
        error: 'Video is private',
        errorPermanent: true,
      });
      expect(b).toMatchObject({
        status: 'failed',
        errorPermanent: true,
        error: 'Video is private',
        timings: { validating: 5, downloading: 10 },
      });
      expect(await store.requests.countByStatus()).toEqual({
        pending: 1,
        processing: 0,
        completed: 0,
        failed: 1,
      });
      expect((await store.requests.listPending()).map((r) => r.videoId)).toEqual(['bbbbbbbbbbb']);
      expect((await store.requests.list({ userId: 7 })).map((r) => r.id)).toEqual([a.id]);
      const pend = await store.requests.claimPending(10, 'run-3');
      expect(pend.map((r) => r.videoId)).toEqual(['bbbbbbbbbbb']);
    });

    it('joins an active request for the same page URL when the video id is not known yet', async () => {
      const url = 'https://example.com/talks/42.html';
      const first = await store.requests.createDeduped({ url, source: 'cli' });
      const again = await store.requests.createDeduped({ url, source: 'pipeline_jobs' });
      expect(first.created).toBe(true);
      expect(again).toMatchObject({ created: false, request: { id: first.request.id } });
      await store.requests.transition(first.request.id, REQUEST.complete, { stage: 'done' });
      // Once it has finished, the same URL may be submitted again (the pipeline reports it as indexed).
      expect((await store.requests.createDeduped({ url, source: 'cli' })).created).toBe(true);
    });

    it('stores videos, segments, transcript files and audio files', async () => {
      await store.videos.upsert({
        videoId: 'vid00000001',
        source: 'youtube',
        url: 'https://www.youtube.com/watch?v=vid00000001',
        title: 'First',
        channel: 'Chan',
        channelId: null,
        durationSeconds: 12.5,
        uploadDate: '2024-01-02',
        description: null,
        language: 'en',
      });
      await store.videos.update('vid00000001', {
        status: 'indexed',
        chunkCount: 3,
        embeddingModel: 'm',
        transcriptSource: 'captions:manual',
      });
      const v = await store.videos.get('vid00000001');
      expect(v).toMatchObject({
        title: 'First',
        status: 'indexed',
        chunkCount: 3,
        durationSeconds: 12.5,
        transcriptSource: 'captions:manual',
      });
      // Re-upsert keeps index fields.
      await store.videos.upsert({
        ...(v as any),
        channelId: null,
        description: null,
        title: 'First (renamed)',
      });
      expect(await store.videos.get('vid00000001')).toMatchObject({
        title: 'First (renamed)',
        status: 'indexed',
        chunkCount: 3,
      });

      const segs = Array.from({ length: 400 }, (_, i) => ({ start: i, end: i + 1, text: `line ${i}` }));
      await store.videos.replaceSegments('vid00000001', segs);
      await store.videos.replaceSegments('vid00000001', segs.slice(0, 300));
      const back = await store.videos.segments('vid00000001');
      expect(back).toHaveLength(300);
      expect(back[299]).toEqual({ start: 299, end: 300, text: 'line 299' });
      await store.videos.addTranscriptFile('vid00000001', '/data/t.vtt', 'vtt');
      await store.videos.addTranscriptFile('vid00000001', '/data/t.vtt', 'vtt');
      expect(await store.videos.transcriptFiles('vid00000001')).toEqual([
        { videoId: 'vid00000001', path: '/data/t.vtt', format: 'vtt' },
      ]);

      const af = await store.audioFiles.add({
        videoId: 'vid00000001',
        path: '/a.wav',
        bytes: 1000,
        durationSeconds: 1,
        contentHash: 'h1',
      });
      expect(af.status).toBe('pending');
      await store.audioFiles.setStatus(af.id, 'failed', 'corrupt');
      expect(await store.audioFiles.findByHash('h1')).toMatchObject({
        id: af.id,
        status: 'failed',
        error: 'corrupt',
      });
      expect(await store.audioFiles.countByStatus()).toEqual({ pending: 0, completed: 0, failed: 1 });

      expect(await store.videos.count()).toBe(1);
      expect(await store.videos.delete('vid00000001')).toBe(true);
      expect(await store.videos.segments('vid00000001')).toEqual([]);
      expect(await store.videos.delete('vid00000001')).toBe(false);
    });

    it('lists videos by text in title or channel, any case, with LIKE wildcards taken literally', async () => {
      const base = {
        source: 'youtube',
        channelId: null,
        durationSeconds: 1,
        uploadDate: null,
        description: null,
        language: null,
      };
      await store.videos.upsert({
        ...base,
        videoId: 'txt00000001',
        url: 'u1',
        title: 'Deep Learning 101',
        channel: 'Lab',
      });
      await store.videos.upsert({
        ...base,
        videoId: 'txt00000002',
        url: 'u2',
        title: 'Cooking',
        channel: 'DEEP Kitchen',
      });
      await store.videos.upsert({
        ...base,
        videoId: 'txt00000003',
        url: 'u3',
        title: '100% pure_fun',
        channel: null,
      });
      const ids = async (text: string) => (await store.videos.list({ text })).map((v) => v.videoId).sort();
      expect(await ids('deep')).toEqual(['txt00000001', 'txt00000002']);
      expect(await ids('KITCHEN')).toEqual(['txt00000002']);
      expect(await ids('0% p')).toEqual(['txt00000003']);
      expect(await ids('%')).toEqual(['txt00000003']);
      expect(await ids('p_r')).toEqual([]);
      expect(await ids('pure_')).toEqual(['txt00000003']);
      for (const id of ['txt00000001', 'txt00000002', 'txt00000003']) await store.videos.delete(id);
    });

    it('returns pending pipeline jobs by priority, FIFO within a priority', async () => {
      const low = await store.addPipelineJob({
        jobType: 'youtube_processing',
        jobData: { url: 'u1' },
        priority: 1,
      });
      const high1 = await store.addPipelineJob({
        jobType: 'youtube_processing',
        jobData: { url: 'u2' },
        priority: 5,
      });
      const high2 = await store.addPipelineJob({
        jobType: 'youtube_processing',
        jobData: { url: 'u3' },
        priority: 5,
      });
      const mid = await store.addPipelineJob({ jobType: 'youtube_processing', jobData: { url: 'u4' } });
      const pending = await store.getPendingJobs(10);
      expect(pending.map((j) => j.id)).toEqual([high1, high2, low, mid]);
      expect(pending[0]).toMatchObject({
        jobType: 'youtube_processing',
        jobData: { url: 'u2' },
        status: 'pending',
      });
      expect((await store.getPendingJobs(2)).map((j) => j.id)).toEqual([high1, high2]);

      expect(await store.pipelineJobs.transition(high1, 'pending', 'running', { runId: 'r1' })).toBe(true);
      expect(await store.pipelineJobs.transition(high1, 'pending', 'running')).toBe(false);
      expect((await store.getPendingJobs(10)).map((j) => j.id)).toEqual([high2, low, mid]);
      expect(await store.pipelineJobs.countByStatus()).toMatchObject({ pending: 3, running: 1 });
      await expect(store.addPipelineJob({ jobType: ' ' })).rejects.toThrow(/jobType is required/);
    });

    it('records users, queries with latency, feedback, activity and the API log', async () => {
      const u = await store.users.touch({ userId: 42, username: 'ann' });
      expect(u).toMatchObject({ userId: 42, username: 'ann', isAllowed: true, verbose: false });
      await store.users.setFlags(42, { verbose: true });
      expect((await store.users.get(42))?.verbose).toBe(true);

      const q1 = await store.queries.add({
        userId: 42,
        query: 'what?',
        answer: 'that',
        mode: 'extractive',
        retrieval: 'lexical',
        latencyMs: 100,
        source: 'bot',
        citations: [{ videoId: 'x' }],
      });
      await store.queries.add({
        userId: 43,
        query: 'who?',
        answer: null,
        mode: null,
        retrieval: null,
        latencyMs: 300,
        source: 'cli',
      });
      expect(await store.queries.get(q1)).toMatchObject({
        query: 'what?',
        latencyMs: 100,
        citations: [{ videoId: 'x' }],
      });
      expect(await store.queries.stats()).toEqual({
        totalQueries: 2,
        uniqueUsers: 2,
        avgResponseTimeMs: 200,
      });

      await store.queries.addFeedback({ queryId: q1, userId: 42, rating: 1, comment: 'good' });
      expect(await store.queries.listFeedback(q1)).toEqual([
        expect.objectContaining({ rating: 1, comment: 'good', userId: 42 }),
      ]);

      await store.activity.add({ userId: 42, action: 'ask', details: { q: q1 } });
      expect((await store.activity.list({ userId: 42 }))[0]).toMatchObject({
        action: 'ask',
        details: { q: q1 },
      });

      await store.apiLog.add(
        { method: 'GET', path: '/api/videos', status: 200, durationMs: 3.5, ip: '127.0.0.1' },
        1000,
      );
      expect((await store.apiLog.list())[0]).toMatchObject({ method: 'GET', status: 200, durationMs: 3.5 });
      expect(await store.apiLog.deleteBefore(2000)).toBe(1);
    });
  });
}
