import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OFFLINE_CLI_ENV } from '@llm-rag-yt/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVideoPageServer, type VideoPageServer } from '../../adapters/test/helpers/video-page-server.ts';
import { main } from '../src/main.ts';

/** Runs the real CLI in-process against a temp data folder (real SQLite, real daemon, real yt-dlp). */
function cli(dir: string, extraEnv: Record<string, string> = {}) {
  return async (...argv: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await main(argv, {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
      env: {
        ...OFFLINE_CLI_ENV,
        LLM_RAG_YT_HOME: dir,
        // The local video pages are on 127.0.0.1 (refused for user URLs unless allowed).
        FETCH_ALLOW_HOSTS: '127.0.0.1',
        EMBEDDER: 'none',
        ASR_BACKEND: 'fake',
        LOG_LEVEL: 'error',
        ...extraEnv,
      },
      cwd: dir,
    });
    return { code, stdout, stderr };
  };
}

const SEED_JOBS = [
  'youtube_processing_job',
  'audio_processing_job',
  'pipeline_monitoring_job',
  'telegram_alert_job',
  'cleanup_job',
  'health_check_job',
];
const SEED_ASSETS = [
  'youtube_urls_to_process',
  'downloaded_audio_files',
  'unprocessed_audio_files',
  'transcribed_audio_files',
  'embedded_content',
  'pipeline_metrics',
  'system_alerts',
];

describe('llm-rag-yt CLI', () => {
  let dir: string;
  let run: ReturnType<typeof cli>;
  let site: VideoPageServer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cli-test-'));
    run = cli(dir);
    site = await startVideoPageServer({
      videos: [
        {
          id: 'orbits',
          title: 'Orbits explained',
          speech: 'Planets move on elliptic orbits.',
          vttText:
            'WEBVTT\n\n00:00.000 --> 00:04.000\nPlanets move on elliptic orbits around the sun.\n\n00:04.000 --> 00:08.000\nKepler described the equal areas law in sixteen nine.\n',
        },
      ],
    });
  });
  afterAll(async () => {
    await site?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("lists the seed's jobs, assets, sensors and schedules through the dagster alias", async () => {
    const jobs = await run('dagster', 'list-jobs', '--json');
    expect(jobs.code).toBe(0);
    expect(JSON.parse(jobs.stdout).map((j: { name: string }) => j.name)).toEqual(
      expect.arrayContaining(SEED_JOBS),
    );

    const assets = await run('dagster', 'list-assets');
    expect(assets.code).toBe(0);
    for (const a of SEED_ASSETS) expect(assets.stdout).toContain(a);

    const sensors = JSON.parse((await run('dagster', 'sensor-status', '--json')).stdout) as {
      name: string;
      interval: string;
    }[];
    expect(Object.fromEntries(sensors.map((s) => [s.name, s.interval]))).toMatchObject({
      youtube_url_sensor: '30s',
      audio_file_sensor: '60s',
      pipeline_health_sensor: '300s',
      cleanup_sensor: '3600s',
      telegram_alert_sensor: '120s',
    });

    const schedules = JSON.parse((await run('pipeline', 'schedule', 'list', '--json')).stdout) as {
      cron: string;
      status: string;
    }[];
    expect(schedules.map((s) => `${s.cron} ${s.status}`).sort()).toEqual(
      [
        '*/10 * * * * RUNNING',
        '*/5 * * * * RUNNING',
        '0 2 * * * STOPPED',
        '0 9 * * * RUNNING',
        '30 4 * * 1 RUNNING', // ytdlp_update_schedule
      ].sort(),
    );
  });

  it('bad usage exits 2 with a message that says what to fix', async () => {
    const typo = await run('dagster', 'run-job', 'youtub_processing_job');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("Did you mean 'youtube_processing_job'");

    writeFileSync(
      join(dir, 'bad.yaml'),
      'ops:\n  unprocessed_audio_files:\n    config:\n      input_directory: 42\n',
    );
    const badType = await run('dagster', 'run-job', 'audio_processing_job', '--config', 'bad.yaml');
    expect(badType.code).toBe(2);
    expect(badType.stderr).toContain('ops.unprocessed_audio_files.config.input_directory');

    writeFileSync(join(dir, 'broken.yaml'), 'ops:\n  a: [1, 2\n');
    const broken = await run('dagster', 'run-job', 'audio_processing_job', '--config', 'broken.yaml');
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/broken\.yaml[\s\S]*line 3/i);

    const unknownCmd = await run('dagster', 'list-jbos');
    expect(unknownCmd.code).toBe(2);
    expect(unknownCmd.stderr).toContain('list-jobs');

    const badEnv = await cli(dir, { MAX_CONCURRENT_RUNS: 'lots' })('dagster', 'list-jobs');
    expect(badEnv.code).toBe(2);
    expect(badEnv.stderr).toContain('MAX_CONCURRENT_RUNS');
  });

  it("the seed's troubleshooting commands work verbatim", async () => {
    const sensors = await run('dagster', 'sensor', 'list');
    expect(sensors.code).toBe(0);
    expect(sensors.stdout).toContain('youtube_url_sensor');
    expect((await run('dagster', 'sensor', 'start', 'youtube_url_sensor')).stdout).toContain('RUNNING');
    const assets = await run('dagster', 'asset', 'list', '-f', 'src/llm_rag_yt/dagster/definitions.py');
    expect(assets.code).toBe(0);
    expect(assets.stdout).toContain('embedded_content');
    const noRuns = await run('dagster', 'job', 'logs', '-j', 'health_check_job');
    expect(noRuns.code).toBe(2);
    expect(noRuns.stderr).toContain('dagster job execute -j health_check_job');
    const executed = await run('dagster', 'job', 'execute', '-j', 'health_check_job');
    expect(executed.code).toBe(0);
    expect(executed.stdout).toContain('SUCCESS');
    const logs = await run('dagster', 'job', 'logs', '-j', 'health_check_job');
    expect(logs.code).toBe(0);
    expect(logs.stdout).toContain('RUN_SUCCESS');
    expect((await run('dagster', 'job', 'execute', '-j', 'health_chek_job')).stderr).toContain(
      "Did you mean 'health_check_job'",
    );
  });

  it('materialize-asset runs in-process when no daemon is live and the run is recorded', async () => {
    const res = await run('dagster', 'materialize-asset', 'pipeline_metrics');
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/SUCCESS/);
    const runs = JSON.parse((await run('pipeline', 'runs', 'list', '--json')).stdout);
    expect(runs[0]).toMatchObject({ status: 'SUCCESS', stepSelection: ['pipeline_metrics'] });
    const logs = await run('pipeline', 'runs', 'logs', runs[0].runId.slice(0, 8));
    expect(logs.code).toBe(0);
    expect(logs.stdout).toContain('ASSET_MATERIALIZATION');
  });

  it('sensor stop/start and the pipeline_jobs queue', async () => {
    expect((await run('pipeline', 'sensor', 'stop', 'youtube_url_sensor')).stdout).toContain('STOPPED');
    const sensors = JSON.parse((await run('pipeline', 'sensor-status', '--json')).stdout) as {
      name: string;
      status: string;
    }[];
    expect(sensors.find((s) => s.name === 'youtube_url_sensor')?.status).toBe('STOPPED');
    expect((await run('pipeline', 'sensor', 'start', 'youtube_url_sensor')).stdout).toContain('RUNNING');

    const added = await run(
      'jobs',
      'add',
      'youtube_processing',
      '--data',
      JSON.stringify({ url: site.pageUrl('orbits') }),
      '--priority',
      '5',
    );
    expect(added.code).toBe(0);
    const pending = JSON.parse((await run('jobs', 'pending', '--json')).stdout);
    expect(pending[0]).toMatchObject({ jobType: 'youtube_processing', priority: 5 });
    const badJson = await run('jobs', 'add', 'youtube_processing', '--data', '{url');
    expect(badJson.code).toBe(2);
    expect(badJson.stderr).toContain('--data is not valid JSON');
  });

  it('ingest --wait makes a page searchable; ask cites it; transcript exports', async () => {
    const ingest = await run('ingest', site.pageUrl('orbits'), '--wait');
    expect(ingest.stderr).toBe('');
    expect(ingest.stdout).not.toContain('✖');
    expect(ingest.code).toBe(0);
    expect(ingest.stdout).toContain('indexed');

    const videos = JSON.parse((await run('videos', 'list', '--json')).stdout);
    expect(videos).toHaveLength(1);
    expect(videos[0]).toMatchObject({ title: 'Orbits explained', status: 'indexed' });

    const ask = await run('ask', 'who described the equal areas law?', '--json');
    expect(ask.code).toBe(0);
    const answer = JSON.parse(ask.stdout);
    expect(answer.citations[0]).toMatchObject({ title: 'Orbits explained' });
    expect(answer.citations[0].snippet).toContain('Kepler');

    const srt = await run('transcript', videos[0].videoId, '--format', 'srt');
    expect(srt.stdout).toContain('00:00:04,000 --> 00:00:08,000');
    const empty = await run('ask', '   ');
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/empty/i);

    const rejected = await run('ingest', 'ftp://nope');
    expect(rejected.code).toBe(2);
    expect(rejected.stderr).toContain('rejected ftp://nope');
  });
});

describe('llm-rag-yt bot commands (no Telegram needed)', () => {
  let dir: string;
  let run: ReturnType<typeof cli>;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cli-bot-test-'));
    run = cli(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('add-url, list-users, alerts, ack-alert, cleanup and status', async () => {
    const added = await run('bot', 'add-url', 'https://youtu.be/dQw4w9WgXcQ', '--user-id', '42');
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/request #\d+ for user 42/);
    expect((await run('bot', 'add-url', 'not a url', '--user-id', '42')).code).toBe(2);
    expect(
      (await run('bot', 'add-url', 'https://youtu.be/dQw4w9WgXcQ', '--user-id', 'bob')).stderr,
    ).toContain('--user-id must be a number');

    // Six failed requests cross the seed's "failed YouTube requests > 5" threshold.
    const { openDatabase } = await import('@llm-rag-yt/orchestrator');
    const handle = await openDatabase(`sqlite:${join(dir, 'llm-rag-yt.db')}`);
    const now = Date.now();
    await handle.db
      .insertInto('youtube_requests')
      .values(
        Array.from({ length: 6 }, (_, i) => ({
          url: `https://youtu.be/failed${i}`,
          status: 'failed',
          stage: 'failed',
          source: 'cli',
          language: 'auto',
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
    await handle.close();
    const monitoring = await run('dagster', 'run-job', 'pipeline_monitoring_job', '--wait');
    expect(monitoring.code).toBe(0);

    const alerts = JSON.parse((await run('bot', 'alerts', '--json')).stdout) as {
      id: number;
      type: string;
      status: string;
    }[];
    const failures = alerts.find((a) => a.type === 'processing_failures');
    expect(failures?.status).toBe('open');
    const ack = await run('bot', 'ack-alert', String(failures!.id));
    expect(ack.code).toBe(0);
    expect(ack.stdout).toContain('acknowledged');

    const cleanup = await run('bot', 'cleanup');
    expect(cleanup.code).toBe(0);
    expect(cleanup.stdout).toContain('cleanup_job SUCCESS');

    const users = await run('bot', 'list-users', '--json');
    expect(users.code).toBe(0);
    expect(Array.isArray(JSON.parse(users.stdout))).toBe(true);

    const status = await run('bot', 'status', '--json');
    expect(JSON.parse(status.stdout)).toMatchObject({
      bot: 'no BOT_TOKEN configured',
      access: 'allow-list (0 users)',
    });
  });
});
