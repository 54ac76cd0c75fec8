import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRagEnv, waitFor } from './helpers-rag-env.ts';

const SRT = `1
00:00:01,000 --> 00:00:04,000
Photosynthesis turns sunlight into chemical energy.

2
00:01:10,000 --> 00:01:15,000
Chlorophyll absorbs mostly red and blue light.
`;

describe('RagService over the real daemon (no network)', () => {
  let env: Awaited<ReturnType<typeof startRagEnv>>;
  beforeAll(async () => {
    env = await startRagEnv();
  });
  afterAll(async () => env?.close());

  it('imports a transcript as a run, answers with the right time, and removes the video', async () => {
    const file = join(env.dir, 'AbCdEfGhIjK.en.srt');
    writeFileSync(file, SRT);
    const req = await env.service.importFile(file, { title: 'Plants 101' });
    expect(req).toMatchObject({ videoId: 'AbCdEfGhIjK', source: 'import' });
    expect(req.runId).toBeTruthy();
    const run = await env.instance.waitForRun(req.runId!);
    expect(run).toMatchObject({
      status: 'SUCCESS',
      jobName: 'audio_processing_job',
      partitionKey: 'AbCdEfGhIjK',
    });
    expect(await env.service.getRequest(req.id)).toMatchObject({ status: 'completed', stage: 'done' });
    const mats = await env.storage.events.listMaterializations('embedded_content', {
      partitionKey: 'AbCdEfGhIjK',
    });
    expect(mats[0]?.metadata.chunks?.value).toBeGreaterThan(0);

    const a = await env.service.ask('which light does chlorophyll absorb?');
    expect(a.citations[0]).toMatchObject({ videoId: 'AbCdEfGhIjK', title: 'Plants 101' });
    expect(a.citations[0]!.url).toBe(`https://youtu.be/AbCdEfGhIjK?t=${Math.floor(a.citations[0]!.start)}`);
    await env.service.feedback({ queryId: a.queryId, rating: 1, comment: 'ok' });
    await expect(env.service.feedback({ queryId: 999_999, rating: 1 })).rejects.toThrow(/does not exist/);

    // Already indexed → reported, not queued again.
    const dup = await env.service.submitUrls([
      'https://youtu.be/AbCdEfGhIjK?t=5',
      'https://www.youtube.com/watch?v=AbCdEfGhIjK',
    ]);
    expect(dup.alreadyIndexed).toEqual(['AbCdEfGhIjK']);
    expect(dup.requests).toHaveLength(1);
    expect(dup.requests[0]).toMatchObject({ status: 'completed', stage: 'done' });

    const stats = await env.service.stats();
    expect(stats).toMatchObject({ videos: 1, embedder: null });
    expect(stats.chunks).toBeGreaterThan(0);

    expect(await env.service.removeVideo('AbCdEfGhIjK')).toBe(true);
    expect(await env.service.getVideo('AbCdEfGhIjK')).toBeUndefined();
    expect(await env.service.transcript('AbCdEfGhIjK')).toEqual([]);
    expect((await env.service.ask('chlorophyll light')).citations).toEqual([]);
  });

  it('rejects a transcript in a wrong format with the parser reason, before any run', async () => {
    const file = join(env.dir, 'notes.srt');
    writeFileSync(file, 'this is not a caption file\nat all\n');
    await expect(env.service.importFile(file, { videoId: 'ZZZZZZZZZZZ' })).rejects.toThrow(/SRT|caption/i);
    const unknown = join(env.dir, 'x.txt');
    writeFileSync(file.replace('notes.srt', 'x.txt'), 'hello');
    await expect(env.service.importFile(unknown)).rejects.toThrow(/neither media .* nor a transcript/);
  });

  it('turns pipeline_jobs into runs by priority; retries and cancels requests', async () => {
    await env.instance.setSensorStatus('youtube_url_sensor', 'STOPPED');
    const low = await env.store.addPipelineJob({
      jobType: 'youtube_processing',
      jobData: { url: 'https://youtu.be/aaaaaaaaaaa' },
      priority: 1,
    });
    const high = await env.store.addPipelineJob({
      jobType: 'youtube_processing',
      jobData: { url: 'https://youtu.be/bbbbbbbbbbb' },
      priority: 9,
    });
    const bad = await env.store.addPipelineJob({ jobType: 'make_coffee', jobData: {} });
    await env.instance.setSensorStatus('audio_file_sensor', 'STOPPED');
    // Hold the queue: nothing can reach YouTube here; we only check what the sensor queued.
    const tick = await env.instance.tickSensor('youtube_url_sensor');
    expect(tick.runIds).toHaveLength(2);
    const runs = await Promise.all(tick.runIds.map((id) => env.storage.runs.getRun(id)));
    const byVideo = Object.fromEntries(runs.map((r) => [r!.partitionKey, r!]));
    expect(byVideo.bbbbbbbbbbb!.priority).toBe(9);
    expect(byVideo.aaaaaaaaaaa!.priority).toBe(1);
    expect(byVideo.bbbbbbbbbbb!.runKey).toMatch(/youtube_request:\d+:0$/);
    expect(byVideo.bbbbbbbbbbb!.tags).toMatchObject({ request_attempt: '0', video_id: 'bbbbbbbbbbb' });
    expect((await env.store.pipelineJobs.get(high))!.status).toBe('completed');
    expect((await env.store.pipelineJobs.get(low))!.status).toBe('completed');
    expect((await env.store.pipelineJobs.get(bad))!).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/unknown job_type 'make_coffee'/),
    });
    expect(await env.storage.partitions.listPartitions('videos')).toEqual(
      expect.arrayContaining(['aaaaaaaaaaa', 'bbbbbbbbbbb']),
    );

    // Cancel both requests: their runs are canceled and the reason is stored.
    const reqIds = runs.map((r) => Number(r!.tags.request_id));
    expect(await env.service.cancelRequests({ requestIds: reqIds })).toBe(2);
    for (const id of reqIds)
      expect(await env.service.getRequest(id)).toMatchObject({
        status: 'failed',
        error: 'Canceled by the user.',
      });
    await waitFor('runs to be canceled', async () => {
      const rs = await Promise.all(tick.runIds.map((id) => env.storage.runs.getRun(id)));
      return rs.every((r) => r && ['CANCELED', 'FAILURE', 'SUCCESS'].includes(r.status));
    });

    // Retry makes a new attempt (new run key); a non-failed request cannot be retried.
    const retried = await env.service.retryRequest(reqIds[0]!);
    expect(retried).toMatchObject({ status: 'pending', attempts: 1, error: null });
    await expect(env.service.retryRequest(reqIds[0]!)).rejects.toThrow(/only failed requests/);
    await env.service.cancelRequests({ requestIds: [reqIds[0]!] });
  });
});
