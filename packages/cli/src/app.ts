import { mkdirSync } from 'node:fs';
import type { DatabaseHandle } from '@llm-rag-yt/orchestrator';
import {
  BullMQLauncher,
  checkRedis,
  createInstance,
  createLogger,
  createSqlStorage,
  createWakeRequests,
  Daemon,
  Definitions,
  describeDaemonHealth,
  InProcessLauncher,
  type Instance,
  type OrchestratorLogger,
  openDatabase,
  type RunLauncher,
  type RunWorker,
  type Storage,
  startWorker,
} from '@llm-rag-yt/orchestrator';
import type { RagService, SubscriptionService } from '@llm-rag-yt/rag';
import {
  ALERT_DELIVERY_TAG,
  createMonitoringDefinitions,
  createRagDefinitions,
  createRagService,
  createRagStore,
  createSubscriptionService,
  type RagResources,
  type RagStore,
  REEMBED_TAG,
} from '@llm-rag-yt/rag';
import type { Config } from './config.ts';
import type { Io } from './io.ts';
import { type Adapters, buildAdapters, buildMonitoringDeps } from './resources.ts';
import { migrateAll } from './schema.ts';

export type AppRole = 'cli' | 'dev' | 'daemon' | 'webserver' | 'worker' | 'bot';

/** Everything a process needs, wired from config: the composition root. */
export interface AppContext {
  readonly config: Config;
  readonly logger: OrchestratorLogger;
  readonly handle: DatabaseHandle;
  readonly storage: Storage;
  readonly store: RagStore;
  readonly resources: RagResources;
  readonly definitions: Definitions<RagResources>;
  readonly instance: Instance<RagResources>;
  readonly rag: RagService;
  readonly subscriptions: SubscriptionService;
  readonly launcher: RunLauncher;
  /** The yt-dlp downloads run (install progress for the CLI's bar; installs happen at download time). */
  readonly ytDlp: Pick<Adapters['ytDlp'], 'onProgress' | 'current'>;
  /** A daemon (leader or standby) has a fresh heartbeat. */
  daemonIsLive(): Promise<boolean>;
  /** Starts this process's daemon loop (sensors, schedules, queue, monitor). */
  startDaemon(): Daemon;
  /** Distributed mode: consume the Redis run queue in this process. */
  startWorker(concurrency?: number): Promise<RunWorker>;
  /** When no daemon is live, runs one in this process until the returned stop is called. */
  ensureExecutor(): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export async function openApp(config: Config, opts: { role: AppRole; io?: Io }): Promise<AppContext> {
  const logger = createLogger({
    level: opts.role === 'cli' && config.log.level === 'info' ? 'warn' : config.log.level,
    pretty: config.log.pretty,
    // A one-shot command is read by a person even through a pipe; services keep JSON for shippers.
    plain: opts.role === 'cli' && config.log.plain,
    name: `llm-rag-yt:${opts.role}`,
    // stdout is the command's output (tables, --json, the "running at" line); logs must not mix into it.
    stderr: true,
  });
  mkdirSync(config.dataDir, { recursive: true });
  const handle = await openDatabase(config.databaseUrl);
  const closers: (() => Promise<void>)[] = [() => handle.close()];
  try {
    // Every table of the installation, from the one registry (schema.ts).
    await migrateAll(handle, { bot: opts.role === 'bot' || opts.role === 'dev' });
    const storage = createSqlStorage(handle);
    const store = createRagStore(handle);
    const wakeRequests = createWakeRequests(handle);
    const adapters = await buildAdapters(config, handle, logger, store.videos, storage.daemon);
    // Upkeep beyond its migration set (stale FTS rebuild, vector table upgrade).
    await adapters.searchIndex.migrate();
    const resources: RagResources = {
      store,
      searchIndex: adapters.searchIndex,
      downloader: adapters.downloader,
      converter: adapters.converter,
      transcriber: adapters.transcriber,
      embedder: adapters.embedder,
      chat: adapters.chat,
      reranker: adapters.reranker,
      notifiers: adapters.notifiers,
      feedReader: adapters.feedReader,
      messenger: adapters.messenger,
      // `instance` is built below from these resources; runs and sensors call this later.
      wake: async (name) => {
        await instance.wake(name);
      },
      settings: {
        dataDir: config.dataDir,
        audioDir: config.pipeline.audioDir,
        importDirs: config.pipeline.importDirs,
        languages: config.pipeline.languages,
        maxDurationSeconds: config.pipeline.maxDurationSeconds,
        deleteAudioAfterTranscription: config.pipeline.deleteAudioAfterTranscription,
        retrieval: { minRelevance: config.retrieval.minRelevance },
        subscriptions: config.pipeline.subscriptions,
        summaryContextChars: config.pipeline.summaryContextChars,
      },
      orchestrator: { runs: storage.runs, partitions: storage.partitions },
    };
    const monitoring = createMonitoringDefinitions(buildMonitoringDeps(config, handle, storage, adapters));
    const definitions = new Definitions<RagResources>({
      ...createRagDefinitions(resources, [monitoring]),
      resources,
    });
    const workerId = `${opts.role}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
    const settings = {
      maxConcurrentRuns: config.execution.maxConcurrentRuns,
      tagLimits: [
        ...config.execution.tagLimits,
        { key: ALERT_DELIVERY_TAG, limit: 1 },
        { key: REEMBED_TAG, limit: 1 },
      ],
      runTimeoutSeconds: config.execution.runTimeoutSeconds,
      runRetryDelaySeconds: config.execution.runRetryDelaySeconds,
      retentionDays: config.execution.retentionDays,
      tickHistory: config.execution.tickHistory,
    };
    // Fail in seconds with one message when Redis is down, not an endless reconnect loop.
    if (config.redisUrl) await checkRedis(config.redisUrl);
    const launcher: RunLauncher = config.redisUrl
      ? new BullMQLauncher({ redisUrl: config.redisUrl, prefix: config.queuePrefix })
      : new InProcessLauncher({
          storage,
          definitions,
          workerId,
          runTimeoutMs: config.execution.runTimeoutSeconds * 1000,
          logger,
        });
    closers.unshift(() => launcher.close());
    const instance = createInstance({
      storage,
      definitions,
      launcher,
      settings,
      wakeRequests,
    }) as Instance<RagResources>;
    const rag = createRagService({ resources, instance });
    const subscriptions = createSubscriptionService({ store, wake: (name) => instance.wake(name) });
    let daemon: Daemon | null = null;
    const workers: RunWorker[] = [];
    const startLocalWorker = async (concurrency = config.execution.maxConcurrentRuns) => {
      if (!config.redisUrl)
        throw new Error(
          'A worker needs REDIS_URL (distributed mode); embedded mode executes runs in the daemon.',
        );
      const w = await startWorker({
        redisUrl: config.redisUrl,
        prefix: config.queuePrefix,
        storage,
        definitions,
        concurrency,
        workerId,
        runTimeoutMs: config.execution.runTimeoutSeconds * 1000,
        logger,
      });
      workers.push(w);
      return w;
    };

    const startDaemon = () => {
      if (daemon) return daemon;
      daemon = new Daemon({
        storage,
        definitions,
        launcher,
        settings,
        id: workerId,
        localWorkerId: config.redisUrl ? null : workerId,
        wakeRequests,
        log: logger,
      });
      daemon.start();
      return daemon;
    };
    const daemonIsLive = async () => {
      return (await describeDaemonHealth(storage, Date.now())).healthy;
    };

    return {
      config,
      logger,
      handle,
      storage,
      store,
      resources,
      definitions,
      instance,
      rag,
      subscriptions,
      launcher,
      ytDlp: adapters.ytDlp,
      daemonIsLive,
      startDaemon,
      startWorker: startLocalWorker,
      async ensureExecutor() {
        if (daemon || (await daemonIsLive())) return async () => {};
        const d = startDaemon();
        // Distributed mode with no daemon: nobody may be consuming the queue either.
        const w = config.redisUrl ? await startLocalWorker(1) : null;
        return async () => {
          await d.stop();
          daemon = null;
          await w?.close();
        };
      },
      async close() {
        if (daemon) await (daemon as Daemon).stop();
        for (const w of workers) await w.close();
        await instance.close();
        for (const c of closers) await c().catch((e) => logger.warn({ err: e }, 'error while closing'));
      },
    };
  } catch (e) {
    for (const c of closers) await c().catch(() => {});
    throw e;
  }
}
