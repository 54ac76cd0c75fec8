/*
 * A real server on the real RAG stack, wired like packages/cli/src/app.ts: temp SQLite file,
 * orchestrator storage, RagStore, SqliteSearchIndex, yt-dlp + ffmpeg, the RAG and monitoring
 * definitions, a running Daemon, createRagService, metrics history and the SQL api_log.
 * `close()` stops everything and deletes the folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FfmpegAudioConverter } from '@llm-rag-yt/adapters/ffmpeg/index.ts';
import { SqliteSearchIndex } from '@llm-rag-yt/adapters/sqlite-search/sqlite-search-index.ts';
import { YtDlpDownloader } from '@llm-rag-yt/adapters/ytdlp/index.ts';
import {
  createSqlStorage,
  Definitions,
  InProcessLauncher,
  type Instance,
  openDatabase,
} from '@llm-rag-yt/orchestrator';
import { Daemon } from '@llm-rag-yt/orchestrator/daemon/daemon.ts';
import { createInstance } from '@llm-rag-yt/orchestrator/instance/create-instance.ts';
import { migrateMonitoring } from '@llm-rag-yt/rag/monitoring/migrations.ts';
import { createRagDefinitions, type RagResources } from '@llm-rag-yt/rag/pipeline/definitions.ts';
import { createMonitoringDefinitions } from '@llm-rag-yt/rag/pipeline/monitoring/definitions.ts';
import { ALERT_DELIVERY_TAG } from '@llm-rag-yt/rag/pipeline/monitoring/deps.ts';
import type { Transcriber } from '@llm-rag-yt/rag/ports.ts';
import { createRagService } from '@llm-rag-yt/rag/service/rag-service.ts';
import { createRagStore } from '@llm-rag-yt/rag/store/rag-store.ts';
import { createSqlApiLog } from '../../src/api-log.ts';
import { createApp } from '../../src/app.ts';
import { createMetricsHistory } from '../../src/metrics-history.ts';
import { type RunningServer, startServer } from '../../src/start-server.ts';
import { WEB_DIST } from './browser.ts';
import { silentLogger } from './fixture.ts';

/** The local pages carry captions; reaching ASR would mean the captions path broke. */
const unusedTranscriber: Transcriber = {
  name: 'unused',
  async transcribe() {
    throw new Error('ASR was called although the video has captions');
  },
  async check() {
    return { name: 'unused', version: '0' };
  },
};

export async function startRagServer(opts: { tokens?: readonly string[] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'server-rag-'));
  const handle = await openDatabase(`sqlite:${join(dir, 'state.db')}`);
  const storage = createSqlStorage(handle);
  await storage.migrate();
  const store = createRagStore(handle);
  await store.migrate();
  await migrateMonitoring(handle);
  const searchIndex = new SqliteSearchIndex(handle);
  await searchIndex.migrate();
  const converter = new FfmpegAudioConverter();
  const downloader = new YtDlpDownloader({ converter, ytDlpPath: '/usr/bin/yt-dlp' });
  const resources: RagResources = {
    store,
    searchIndex,
    downloader,
    converter,
    transcriber: unusedTranscriber,
    embedder: null,
    chat: null,
    notifiers: [],
    settings: {
      dataDir: join(dir, 'data'),
      audioDir: join(dir, 'data', 'audio'),
      languages: ['en'],
      maxDurationSeconds: 3600,
      deleteAudioAfterTranscription: false,
      downloadRetries: 0,
    },
    orchestrator: { runs: storage.runs, partitions: storage.partitions },
  };
  const monitoring = createMonitoringDefinitions({
    database: handle,
    storage,
    dataDir: join(dir, 'data'),
    audioDir: join(dir, 'data', 'audio'),
    channels: [],
    health: { tools: [{ name: 'yt-dlp', check: () => downloader.check() }] },
  });
  const definitions = new Definitions<RagResources>({
    ...createRagDefinitions(resources, [monitoring]),
    resources,
  });
  const settings = { tagLimits: [{ key: ALERT_DELIVERY_TAG, limit: 1 }] };
  const launcher = new InProcessLauncher({ storage, definitions, workerId: 'web-e2e' });
  const daemon = new Daemon({
    storage,
    definitions,
    launcher,
    settings,
    id: 'web-e2e',
    timing: { idleWaitMs: 50, wakePollMs: 50, instigatorCheckMs: 200 },
  });
  const instance = createInstance({ storage, definitions, launcher, settings }) as Instance<RagResources>;
  const rag = createRagService({ resources, instance });
  daemon.start();
  const app = createApp({
    instance,
    rag,
    metricsHistory: createMetricsHistory(handle),
    apiLog: createSqlApiLog(handle.db),
    auth: { tokens: opts.tokens ?? [] },
    logger: silentLogger,
    webDist: WEB_DIST,
    streamPollMs: 200,
  });
  const server: RunningServer = await startServer(app, { host: '127.0.0.1', port: 0 });
  return {
    dir,
    handle,
    storage,
    store,
    instance,
    rag,
    app,
    server,
    async close() {
      await server.close();
      await daemon.stop();
      await launcher.close();
      await instance.close();
      await handle.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type RagServer = Awaited<ReturnType<typeof startRagServer>>;
