/*
 * A real embedded stack for RAG end-to-end tests: temp SQLite file, orchestrator storage, RAG store,
 * SQLite search index, real yt-dlp + ffmpeg, the seed's definitions, an in-process launcher and a
 * running Daemon. `close()` stops everything and deletes the folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EgressPolicy, FfmpegAudioConverter, SqliteSearchIndex, YtDlpDownloader } from '@llm-rag-yt/adapters';
import {
  createInstance,
  createSqlStorage,
  Daemon,
  Definitions,
  InProcessLauncher,
  type Instance,
  openDatabase,
} from '@llm-rag-yt/orchestrator';
import { migrateMonitoring } from '../src/monitoring/migrations.ts';
import { createRagDefinitions } from '../src/pipeline/definitions.ts';
import { createMonitoringDefinitions } from '../src/pipeline/monitoring/definitions.ts';
import { ALERT_DELIVERY_TAG } from '../src/pipeline/monitoring/deps.ts';
import type { RagResources } from '../src/pipeline/resources.ts';
import type { Embedder, Transcriber } from '../src/ports.ts';
import { createRagService } from '../src/service/rag-service.ts';
import { createRagStore } from '../src/store/rag-store.ts';
import { createSubscriptionService } from '../src/subscriptions/service.ts';

export async function startRagEnv(
  opts: {
    transcriber?: Transcriber;
    embedder?: Embedder | null;
    /** Overrides of the pipeline settings (e.g. small chunks so short speech spans several). */
    settings?: Partial<RagResources['settings']>;
    /** Also the monitoring definitions and tables, as the CLI wires them (the web tests need alerts). */
    monitoring?: boolean;
    /** Extra resources (feed reader, messenger, chat model). */
    resources?: Partial<Pick<RagResources, 'feedReader' | 'messenger' | 'chat'>>;
    /** Reuse this folder (its database) instead of a new one: a restart over the same state. */
    dir?: string;
  } = {},
) {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'rag-e2e-'));
  const handle = await openDatabase(`sqlite:${join(dir, 'state.db')}`);
  const storage = createSqlStorage(handle);
  await storage.migrate();
  const store = createRagStore(handle);
  await store.migrate();
  if (opts.monitoring) await migrateMonitoring(handle);
  const searchIndex = new SqliteSearchIndex(handle, { videos: store.videos });
  await searchIndex.migrate();
  const converter = new FfmpegAudioConverter();
  // The local video pages are on 127.0.0.1, which the SSRF fence refuses unless allowed.
  const downloader = new YtDlpDownloader({
    converter,
    ytDlpPath: '/usr/bin/yt-dlp',
    egressPolicy: new EgressPolicy({ allow: ['127.0.0.1'] }),
  });
  const resources: RagResources = {
    store,
    searchIndex,
    downloader,
    converter,
    transcriber: opts.transcriber ?? unusedTranscriber,
    embedder: opts.embedder ?? null,
    chat: null,
    ...opts.resources,
    // The daemon is built below; a run or sensor that wakes another sensor reaches it through this.
    wake: async (name: string) => daemon.wake(name),
    notifiers: [],
    settings: {
      dataDir: join(dir, 'data'),
      audioDir: join(dir, 'data', 'audio'),
      languages: ['en'],
      maxDurationSeconds: 3600,
      deleteAudioAfterTranscription: false,
      downloadRetries: 0,
      ...opts.settings,
    },
    orchestrator: { runs: storage.runs, partitions: storage.partitions },
  };
  const extra = opts.monitoring
    ? [
        createMonitoringDefinitions({
          database: handle,
          storage,
          dataDir: resources.settings.dataDir,
          audioDir: resources.settings.audioDir,
          channels: [],
          health: { tools: [{ name: 'yt-dlp', check: () => downloader.check() }] },
        }),
      ]
    : [];
  const definitions = new Definitions<RagResources>({ ...createRagDefinitions(resources, extra), resources });
  const settings = opts.monitoring ? { tagLimits: [{ key: ALERT_DELIVERY_TAG, limit: 1 }] } : {};
  const launcher = new InProcessLauncher({ storage, definitions, workerId: 'e2e-worker' });
  const daemon = new Daemon({
    storage,
    definitions,
    launcher,
    settings,
    id: 'e2e-worker',
    timing: { idleWaitMs: 50, wakePollMs: 50, instigatorCheckMs: 200 },
  });
  const instance = createInstance({ storage, definitions, launcher, settings }) as Instance<RagResources>;
  daemon.start();
  const service = createRagService({ resources, instance });
  const subscriptions = createSubscriptionService({ store, wake: (name) => instance.wake(name) });
  return {
    dir,
    handle,
    storage,
    store,
    resources,
    instance,
    daemon,
    service,
    subscriptions,
    /** Stops everything; `keepFiles` leaves the folder for a restart over the same state. */
    async close(closeOpts: { keepFiles?: boolean } = {}) {
      await daemon.stop();
      await launcher.close();
      await instance.close();
      await handle.close();
      if (!closeOpts.keepFiles) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The captions path must never reach ASR; this transcriber says so loudly if it does. */
const unusedTranscriber: Transcriber = {
  name: 'unused',
  async transcribe() {
    throw new Error('ASR was called although the video has captions');
  },
  async check() {
    return { name: 'unused', version: '0' };
  },
};

/** Polls until `fn` returns a truthy value or the time runs out (then throws with `what`). */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
