import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVideoPageServer, type VideoPageServer } from '../../adapters/test/helpers/video-page-server.ts';
import { startRagEnv, waitFor } from './helpers-rag-env.ts';

const VTT = `WEBVTT

00:00.000 --> 00:03.000
Welcome to this short lesson about geometry.

00:03.000 --> 00:06.000
A vector has both a magnitude and a direction.

00:06.000 --> 00:09.000
Scalars only have a size, nothing more.
`;

describe('end to end: a page with captions becomes searchable through the daemon', () => {
  let env: Awaited<ReturnType<typeof startRagEnv>>;
  let site: VideoPageServer;

  beforeAll(async () => {
    site = await startVideoPageServer({
      videos: [
        { id: 'vectors', title: 'Intro to vectors', speech: 'Vectors have a direction.', vttText: VTT },
      ],
    });
    env = await startRagEnv();
  });
  afterAll(async () => {
    await env?.close();
    await site?.close();
  });

  it('submit → sensor woken → run succeeds → ask cites the right passage, time and link', async () => {
    const submitted = await env.service.submitUrls([site.pageUrl('vectors')], { source: 'cli', userId: 5 });
    expect(submitted.rejected).toEqual([]);
    expect(submitted.requests).toHaveLength(1);
    const id = submitted.requests[0]!.id;

    // Woken at once: the run exists well before the 30 s sensor interval.
    const t0 = Date.now();
    await waitFor(
      'the request to be picked up',
      async () => (await env.store.requests.get(id))?.status !== 'pending',
      5000,
    );
    expect(Date.now() - t0).toBeLessThan(5000);

    const done = await waitFor(
      'the request to finish',
      async () => {
        const r = await env.store.requests.get(id);
        return r && (r.status === 'completed' || r.status === 'failed') ? r : null;
      },
      45_000,
    );
    expect(done.error).toBeNull();
    expect(done).toMatchObject({ status: 'completed', stage: 'done' });
    expect(done.videoId).toBeTruthy();
    expect(Object.keys(done.timings)).toEqual(
      expect.arrayContaining(['downloading', 'transcribing', 'embedding']),
    );
    // Captions first: the media file was never fetched.
    expect(site.requests.some((p) => p.startsWith('/media/'))).toBe(false);

    const run = await env.storage.runs.getRun(done.runId!);
    expect(run).toMatchObject({ status: 'SUCCESS', jobName: 'youtube_processing_job' });
    const video = await env.service.getVideo(done.videoId!);
    expect(video).toMatchObject({
      title: 'Intro to vectors',
      status: 'indexed',
      transcriptSource: 'captions:manual',
    });
    const mats = await env.storage.events.listMaterializations('transcribed_audio_files', {
      partitionKey: done.videoId!,
    });
    expect(mats).toHaveLength(1);
    expect(mats[0]!.metadata.source).toEqual({ type: 'text', value: 'captions:manual' });
    expect(mats[0]!.metadata.words?.value).toBeGreaterThan(10);
    expect((await env.service.transcript(done.videoId!))[1]).toMatchObject({ start: 3, end: 6 });

    const answer = await env.service.ask('what does a vector have besides magnitude?', { userId: 5 });
    expect(answer.retrieval).toBe('lexical');
    expect(answer.citations.length).toBeGreaterThan(0);
    const top = answer.citations[0]!;
    expect(top.snippet).toMatch(/magnitude and a direction/);
    expect(top.title).toBe('Intro to vectors');
    expect(top.start).toBeLessThanOrEqual(3);
    expect(top.url).toContain(`#t=${Math.floor(top.start)}`);
    const logged = await env.store.queries.get(answer.queryId);
    expect(logged?.latencyMs).toBeGreaterThanOrEqual(0);

    // The same page again: reported as already indexed by the pipeline, media still never fetched.
    const again = await env.service.submitUrls([site.pageUrl('vectors')]);
    const againDone = await waitFor(
      'the duplicate to finish',
      async () => {
        const r = await env.store.requests.get(again.requests[0]!.id);
        return r && r.status !== 'pending' && r.status !== 'processing' ? r : null;
      },
      30_000,
    );
    expect(againDone).toMatchObject({ status: 'completed', videoId: done.videoId });
    expect(site.requests.filter((p) => p.startsWith('/subs/')).length).toBe(1);
  });

  it('stores clear reasons for bad input', async () => {
    const bad = await env.service.submitUrls([
      'ftp://example.com/x',
      '   ',
      'https://www.youtube.com/watch?v=short',
    ]);
    expect(bad.requests).toEqual([]);
    expect(bad.rejected.map((r) => r.reason)).toEqual([
      expect.stringMatching(/only http and https/),
      expect.stringMatching(/empty/),
      expect.stringMatching(/not an 11-character video id/),
    ]);

    const missing = await env.service.submitUrls([`${site.baseUrl}/videos/missing.html`]);
    const failed = await waitFor(
      'the 404 request to fail',
      async () => {
        const r = await env.store.requests.get(missing.requests[0]!.id);
        return r?.status === 'failed' ? r : null;
      },
      30_000,
    );
    expect(failed.stage).toBe('failed');
    expect(failed.error).toMatch(/404|not found|Not Found/i);

    await expect(env.service.ask('   ')).rejects.toThrow(/empty/);
    await expect(env.service.ask('*** "" ()')).rejects.toThrow(/no searchable words/);
    const weird = await env.service.ask('vector* AND "direction" OR (NEAR');
    expect(weird.citations.length).toBeGreaterThan(0);
  });
});
