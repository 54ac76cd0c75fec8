import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createSqlStorage,
  Definitions,
  executeRun,
  type SensorContext,
  type SensorDefinition,
} from '@llm-rag-yt/orchestrator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAlerts } from '../src/alerts/alert-store.ts';
import { listDeliveries } from '../src/alerts/delivery.ts';
import { latestHealthCheck } from '../src/monitoring/health.ts';
import { listMetricsHistory } from '../src/monitoring/metrics-history.ts';
import { createMonitoringDefinitions, type MonitoringDeps } from '../src/pipeline/monitoring/definitions.ts';
import type { AlertMessage, Notifier } from '../src/ports.ts';
import { createRagStore } from '../src/store/rag-store.ts';
import { openTestDb } from './monitoring-helpers.ts';

let t: Awaited<ReturnType<typeof openTestDb>>;
beforeEach(async () => {
  t = await openTestDb();
});
afterEach(async () => t.cleanup());

/** A channel that keeps what it was sent (the real HTTP channels have their own tests). */
const memoryChannel = (): Notifier & { sent: AlertMessage[] } => {
  const sent: AlertMessage[] = [];
  return { channel: 'memory', sent, send: async (a) => void sent.push(a) };
};

async function setup(over: Partial<MonitoringDeps> = {}) {
  const storage = createSqlStorage(t.handle);
  await storage.migrate();
  const audioDir = join(t.dir, 'audio');
  mkdirSync(audioDir);
  const channel = memoryChannel();
  const deps: MonitoringDeps = {
    database: t.handle,
    storage,
    dataDir: t.dir,
    audioDir,
    channels: [channel],
    ...over,
  };
  const set = createMonitoringDefinitions(deps);
  const definitions = new Definitions({ ...set });
  const run = async (jobName: string) => {
    const { run } = await storage.runs.createRun({ jobName }, Date.now());
    return executeRun(run.runId, { storage, definitions, workerId: 'test' });
  };
  const tick = (s: SensorDefinition) =>
    s.evaluate({
      sensorName: s.name,
      cursor: null,
      now: Date.now(),
      lastTickAt: null,
      log: { debug() {}, info() {}, warn() {}, error() {} },
      signal: new AbortController().signal,
      resources: {},
    } satisfies SensorContext);
  const sensor = (name: string) => set.sensors.find((s) => s.name === name)!;
  return { storage, set, run, tick, sensor, channel, audioDir };
}

const failedRequests = (n: number) =>
  t.handle.db
    .insertInto('youtube_requests')
    .values(
      Array.from({ length: n }, () => ({
        url: 'u',
        status: 'failed',
        created_at: Date.now(),
        updated_at: Date.now(),
      })),
    )
    .execute();

describe('monitoring definitions', () => {
  it("have the seed's names, groups, intervals and schedules", async () => {
    const { set } = await setup();
    expect(set.assets.map((a) => [a.key, a.group])).toEqual([
      ['pipeline_metrics', 'monitoring'],
      ['system_alerts', 'monitoring'],
      ['daily_report', 'monitoring'],
    ]);
    expect(set.jobs.map((j) => j.name)).toEqual([
      'generate_daily_report_job',
      'pipeline_monitoring_job',
      'telegram_alert_job',
      'cleanup_job',
      'health_check_job',
    ]);
    expect(set.sensors.map((s) => [s.name, s.jobName, s.minimumIntervalSeconds])).toEqual([
      ['pipeline_health_sensor', 'pipeline_monitoring_job', 300],
      ['cleanup_sensor', 'cleanup_job', 3600],
      ['telegram_alert_sensor', 'telegram_alert_job', 120],
    ]);
    expect(set.schedules.map((s) => [s.jobName, s.cron, s.defaultStatus])).toEqual([
      ['generate_daily_report_job', '0 9 * * *', 'RUNNING'],
      ['pipeline_monitoring_job', '*/10 * * * *', 'RUNNING'],
      ['health_check_job', '*/5 * * * *', 'RUNNING'],
      ['cleanup_job', '0 2 * * *', 'STOPPED'],
    ]);
  });

  it('generate_daily_report_job counts the last 24 hours and sends the summary to every channel', async () => {
    const s = await setup();
    await failedRequests(2);
    const run = await s.run('generate_daily_report_job');
    expect(run.status).toBe('SUCCESS');
    const report = s.channel.sent.find((m) => m.type === 'daily_report');
    expect(report?.message).toContain('0 request(s) completed, 2 failed');
    const [mat] = await s.storage.events.listMaterializations('daily_report');
    expect(mat!.metadata.requests_failed).toEqual({ type: 'int', value: 2 });
    expect(mat!.metadata.channels_delivered).toEqual({ type: 'int', value: 1 });
  });

  it('sensor → monitoring run → alert → alert sensor → delivery, end to end on the real executor', async () => {
    const s = await setup();
    expect(await s.tick(s.sensor('pipeline_health_sensor'))).toMatchObject({
      skipReason: 'All metrics within thresholds.',
    });
    await failedRequests(6);
    const req = await s.tick(s.sensor('pipeline_health_sensor'));
    expect(req.runRequests).toHaveLength(1);

    const run = await s.run('pipeline_monitoring_job');
    expect(run.status).toBe('SUCCESS');
    const [metricsMat] = await s.storage.events.listMaterializations('pipeline_metrics');
    expect(metricsMat!.metadata.youtube_failed).toEqual({ type: 'int', value: 6 });
    const [alertsMat] = await s.storage.events.listMaterializations('system_alerts');
    expect(alertsMat!.metadata.raised).toEqual({ type: 'int', value: 1 });
    expect(await listMetricsHistory(t.handle)).toHaveLength(1);
    expect((await listAlerts(t.handle)).map((a) => [a.type, a.status])).toEqual([
      ['processing_failures', 'open'],
    ]);

    // Nothing changed since: the sensor stays quiet.
    expect((await s.tick(s.sensor('pipeline_health_sensor'))).skipReason).toMatch(/already open/);

    expect((await s.tick(s.sensor('telegram_alert_sensor'))).runRequests).toHaveLength(1);
    expect((await s.run('telegram_alert_job')).status).toBe('SUCCESS');
    expect(s.channel.sent.map((m) => [m.type, m.state])).toEqual([['processing_failures', 'firing']]);
    expect((await listDeliveries(t.handle))[0]).toMatchObject({ status: 'sent', channel: 'memory' });
    expect((await s.tick(s.sensor('telegram_alert_sensor'))).skipReason).toBe('No undelivered alerts.');
  });

  it('health_check_job stores its result and raises system_error for a failed component', async () => {
    const s = await setup({
      health: {
        minFreeDiskMb: 1,
        tools: [
          {
            name: 'ffmpeg',
            check: async () =>
              Promise.reject(new Error('ffmpeg not found; install it with apt-get install ffmpeg')),
          },
        ],
      },
    });
    const run = await s.run('health_check_job');
    expect(run.status).toBe('SUCCESS');
    const report = await latestHealthCheck(t.handle);
    expect(report?.ok).toBe(false);
    expect(report?.components.ffmpeg?.ok).toBe(false);
    expect(report?.components.daemon?.ok).toBe(false); // no daemon in this test
    const alerts = await listAlerts(t.handle);
    expect(alerts.map((a) => [a.type, a.severity, a.fingerprint]).sort()).toEqual([
      ['system_error', 'critical', 'system_error:health:daemon'],
      ['system_error', 'critical', 'system_error:health:ffmpeg'],
    ]);
  });

  it('cleanup_sensor fires only above its storage threshold; cleanup_job runs', async () => {
    const s = await setup({ cleanup: { storageThresholdMb: 1 } });
    expect((await s.tick(s.sensor('cleanup_sensor'))).skipReason).toMatch(/within 1 MB/);
    writeFileSync(join(s.audioDir, 'big.wav'), Buffer.alloc(2 * 1024 * 1024));
    expect((await s.tick(s.sensor('cleanup_sensor'))).runRequests).toHaveLength(1);
    expect((await s.run('cleanup_job')).status).toBe('SUCCESS');
  });

  it('cleanup_sensor also fires when recorded API calls are a day past their retention; cleanup_job prunes them', async () => {
    const s = await setup({ cleanup: { apiLogRetentionDays: 10 } });
    const { apiLog } = createRagStore(t.handle);
    const call = { method: 'GET', path: '/api/runs', status: 200, durationMs: 1 };
    await apiLog.record({ ...call, createdAt: Date.now() - 10.5 * 86_400_000 });
    expect((await s.tick(s.sensor('cleanup_sensor'))).skipReason).toMatch(/within/);
    await apiLog.record({ ...call, createdAt: Date.now() - 12 * 86_400_000 });
    const fired = await s.tick(s.sensor('cleanup_sensor'));
    expect(fired.runRequests?.[0]?.tags).toMatchObject({ retention: 'api_log' });
    expect((await s.run('cleanup_job')).status).toBe('SUCCESS');
    expect(await apiLog.list()).toEqual([]);
    expect((await s.tick(s.sensor('cleanup_sensor'))).skipReason).toMatch(/within/);
  });
});
