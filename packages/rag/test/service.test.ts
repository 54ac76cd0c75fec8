import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { youtubeUrlSensor } from '../src/pipeline/sensors/youtube-url-sensor.ts';
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

  it('turns pipeline_jobs into runs by priority; the sensor only reads, the runs do the intake', async () => {
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

    // Evaluating the sensor changes no table: it returns run requests, nothing more.
    const before = await env.store.requests.list({ limit: 1000 });
    const result = await youtubeUrlSensor.evaluate({
      sensorName: 'youtube_url_sensor',
      cursor: null,
      now: Date.now(),
      lastTickAt: null,
      log: { debug() {}, info() {}, warn() {}, error() {} },
      signal: new AbortController().signal,
      resources: env.resources,
    } as any);
    expect(result.runRequests?.map((r) => r.runKey)).toEqual([
      `pipeline_job:${high}`,
      `pipeline_job:${low}`,
      `pipeline_job:${bad}`,
    ]);
    expect(await env.store.requests.list({ limit: 1000 })).toEqual(before);
    for (const id of [low, high, bad]) expect((await env.store.pipelineJobs.get(id))!.status).toBe('pending');

    const tick = await env.instance.tickSensor('youtube_url_sensor');
    expect(tick.runIds).toHaveLength(3);
    const runs = await Promise.all(tick.runIds.map((id) => env.storage.runs.getRun(id)));
    const byJob = Object.fromEntries(runs.map((r) => [Number(r!.tags.pipeline_job_id), r!]));
    expect(byJob[high]!).toMatchObject({ priority: 9, partitionKey: 'bbbbbbbbbbb' });
    expect(byJob[low]!).toMatchObject({ priority: 1, partitionKey: 'aaaaaaaaaaa' });
    expect(byJob[high]!.runKey).toMatch(new RegExp(`pipeline_job:${high}$`));
    expect(await env.storage.partitions.listPartitions('videos')).toEqual(
      expect.arrayContaining(['aaaaaaaaaaa', 'bbbbbbbbbbb']),
    );
    // The runs turn the jobs into requests (through the same intake as submitUrls) and claim them.
    await waitFor('the pipeline jobs to be taken by their runs', async () => {
      const jobs = await Promise.all([low, high, bad].map((id) => env.store.pipelineJobs.get(id)));
      return jobs.every((j) => j && ['completed', 'failed'].includes(j.status));
    });
    expect((await env.store.pipelineJobs.get(high))!.status).toBe('completed');
    expect((await env.store.pipelineJobs.get(low))!.status).toBe('completed');
    expect((await env.store.pipelineJobs.get(bad))!).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/unknown job_type 'make_coffee'/),
    });
    const [fromHigh] = await env.store.requests.list({ videoId: 'bbbbbbbbbbb' });
    expect(fromHigh).toMatchObject({ source: 'pipeline_jobs', runId: byJob[high]!.runId, priority: 9 });
    await waitFor('the pipeline runs to end', async () => {
      const rs = await Promise.all(tick.runIds.map((id) => env.storage.runs.getRun(id)));
      return rs.every((r) => r && ['CANCELED', 'FAILURE', 'SUCCESS'].includes(r.status));
    });
  });

  it('a request whose run was canceled is marked failed by a reconcile run the sensor asks for', async () => {
    const { requests } = await env.service.submitUrls(['https://youtu.be/ggggggggggg']);
    const first = await env.instance.tickSensor('youtube_url_sensor');
    expect(first.runIds).toHaveLength(1);
    await env.instance.cancelRun(first.runIds[0]!);
    await waitFor('the run to be canceled', async () =>
      ['CANCELED', 'FAILURE'].includes((await env.storage.runs.getRun(first.runIds[0]!))!.status),
    );
    const second = await env.instance.tickSensor('youtube_url_sensor');
    const [reconcile] = await Promise.all(second.runIds.map((id) => env.storage.runs.getRun(id)));
    expect(reconcile?.jobName).toBe('reconcile_requests_job');
    await waitFor('the request to be marked failed', async () => {
      const r = await env.service.getRequest(requests[0]!.id);
      return r?.status === 'failed';
    });
    expect((await env.service.getRequest(requests[0]!.id))!.error).toMatch(/was canceled|Canceled/);
  });

  it('retries and cancels requests', async () => {
    const submitted = await env.service.submitUrls([
      'https://youtu.be/eeeeeeeeeee',
      'https://youtu.be/fffffffffff',
    ]);
    const tick = await env.instance.tickSensor('youtube_url_sensor');
    expect(tick.runIds).toHaveLength(2);
    const runs = await Promise.all(tick.runIds.map((id) => env.storage.runs.getRun(id)));
    expect(runs.map((r) => Number(r!.tags.request_id)).sort()).toEqual(
      submitted.requests.map((r) => r.id).sort(),
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
