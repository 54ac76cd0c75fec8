import { hostname } from 'node:os';
import { join } from 'node:path';
import {
  createPagerDutyNotifier,
  createSlackNotifier,
  createTelegramMessenger,
  createTelegramNotifier,
  createWebhookNotifier,
  EgressPolicy,
  FfmpegAudioConverter,
  guardedFetch,
  HttpFeedReader,
  HttpReranker,
  OpenAiChatModel,
  PostgresSearchIndex,
  type SiteLeases,
  SqliteSearchIndex,
  TransformersReranker,
  versionAgeDays,
  YtDlpDownloader,
  YtDlpProvisioner,
} from '@llm-rag-yt/adapters';
import {
  type DatabaseHandle,
  type OrchestratorLogger,
  type Storage,
  serializeError,
} from '@llm-rag-yt/orchestrator';
import type {
  AudioConverter,
  ChatModel,
  DeliveryChannel,
  Downloader,
  Embedder,
  FeedReader,
  Messenger,
  MonitoringDeps,
  Notifier,
  Reranker,
  SearchIndex,
  Transcriber,
  VideoCatalog,
} from '@llm-rag-yt/rag';
import { type Config, ConfigError } from './config.ts';
import { buildEmbedder, buildTranscriber } from './models.ts';

export interface Adapters {
  searchIndex: SearchIndex;
  downloader: Downloader;
  /** The yt-dlp the downloader runs; installs the current release at download time when needed. */
  ytDlp: YtDlpProvisioner;
  converter: AudioConverter;
  transcriber: Transcriber;
  embedder: Embedder | null;
  chat: ChatModel | null;
  reranker: Reranker | null;
  notifiers: Notifier[];
  channels: DeliveryChannel[];
  feedReader: FeedReader;
  messenger: Messenger | null;
}

/**
 * Picks and builds each port's adapter from config. No network or model loading happens here.
 * `videos` (the RAG store's) gives search hits their titles and channels.
 */
export async function buildAdapters(
  config: Config,
  handle: DatabaseHandle,
  logger: OrchestratorLogger,
  videos: VideoCatalog | null,
  /** The orchestrator's leases: the per-site yt-dlp limit holds across every process sharing the database. */
  leases?: SiteLeases,
): Promise<Adapters> {
  const converter = new FfmpegAudioConverter({
    ffmpegPath: config.tools.ffmpeg,
    ffprobePath: config.tools.ffprobe,
  });
  const ytDlp = new YtDlpProvisioner({
    path: config.tools.ytdlp,
    binDir: config.ytdlp.binDir,
    releaseUrl: config.ytdlp.releaseUrl,
    minVersion: config.ytdlp.minVersion,
    maxAgeDays: config.ytdlp.maxAgeDays,
    autoInstall: config.ytdlp.autoInstall,
    pinned: config.ytdlp.configuredPath !== null,
    log: (level, message) => logger[level]({ component: 'yt-dlp' }, message),
  });
  const downloader = new YtDlpDownloader({
    converter,
    ytDlpPath: config.tools.ytdlp,
    provisioner: ytDlp,
    concurrencyPerSite: config.ytdlp.concurrencyPerSite,
    sharedSlots: leases
      ? {
          leases,
          holder: `${hostname()}:${process.pid}`,
          onError: (e) =>
            logger.warn(
              { component: 'yt-dlp', err: serializeError(e) },
              'could not take a shared per-site download slot; going ahead without it',
            ),
        }
      : undefined,
    egressPolicy: egressPolicy(config),
    upstreamProxy: config.fetch.ytdlpProxy,
    freshness: { minVersion: config.ytdlp.minVersion, maxAgeDays: config.ytdlp.maxAgeDays },
    extraArgs: config.ytdlp.extraArgs,
  });
  const searchIndex: SearchIndex =
    handle.dialect === 'sqlite'
      ? // The ANN index is a cache of the database: its save/load problems are warnings, never failures.
        new SqliteSearchIndex(handle, {
          videos,
          warn: (message) => logger.warn({ component: 'vector-index' }, message),
        })
      : new PostgresSearchIndex(handle, { videos });
  const transcriber = buildTranscriber(config, converter, logger);
  const embedder = buildEmbedder(config, logger);
  const chat =
    config.chat.baseUrl && config.chat.model
      ? new OpenAiChatModel({
          baseUrl: config.chat.baseUrl,
          apiKey: config.chat.apiKey ?? undefined,
          model: config.chat.model,
        })
      : null;

  const channels: DeliveryChannel[] = [];
  const a = config.alerts;
  if (config.bot.token && config.bot.adminChatId)
    channels.push({
      notifier: createTelegramNotifier({
        botToken: config.bot.token,
        chatId: config.bot.adminChatId,
        apiRoot: config.bot.apiRoot,
      }),
      // The seed: critical alerts go to Telegram; errors too so the admin hears of failing transcription.
      minSeverity: 'error',
    });
  if (a.slackWebhookUrl) channels.push({ notifier: createSlackNotifier({ webhookUrl: a.slackWebhookUrl }) });
  if (a.webhookUrl)
    channels.push({ notifier: createWebhookNotifier({ url: a.webhookUrl, hmacSecret: a.webhookSecret }) });
  if (a.pagerDutyRoutingKey)
    channels.push({
      notifier: createPagerDutyNotifier({
        routingKey: a.pagerDutyRoutingKey,
        endpoint: a.pagerDutyEventsUrl,
      }),
      minSeverity: 'error',
    });
  if (channels.length === 0) channels.push({ notifier: logNotifier(logger) });
  // Feeds are user-supplied URLs: fetched through the same SSRF fence as yt-dlp.
  const policy = egressPolicy(config);
  const feedReader = new HttpFeedReader({ fetch: (url, init) => guardedFetch(url, init, policy) });
  const messenger = config.bot.token
    ? createTelegramMessenger({ botToken: config.bot.token, apiRoot: config.bot.apiRoot })
    : null;
  return {
    feedReader,
    messenger,
    searchIndex,
    downloader,
    ytDlp,
    converter,
    transcriber,
    embedder,
    chat,
    reranker: buildReranker(config),
    notifiers: channels.map((c) => c.notifier),
    channels,
  };
}

/** The second-stage scorer; null keeps the lexical re-scoring. Nothing is loaded here. */
function buildReranker(config: Config): Reranker | null {
  const r = config.reranker;
  if (r.backend === 'http' && r.url)
    return new HttpReranker({ url: r.url, model: r.model ?? undefined, apiKey: r.apiKey ?? undefined });
  if (r.backend === 'transformers')
    return new TransformersReranker({
      model: r.model ?? undefined,
      modelPath: r.modelPath ?? undefined,
      cacheDir: join(config.dataDir, 'models'),
    });
  return null;
}

/** Default alert channel when none is configured: the process log. */
function logNotifier(logger: OrchestratorLogger): Notifier {
  return {
    channel: 'log',
    async send(alert) {
      logger.warn(
        { alertId: alert.alertId, type: alert.type, severity: alert.severity, state: alert.state },
        `ALERT ${alert.state}: ${alert.title} — ${alert.message}`,
      );
    },
  };
}

export function buildMonitoringDeps(
  config: Config,
  handle: DatabaseHandle,
  storage: Storage,
  adapters: Adapters,
): MonitoringDeps {
  const t = config.alerts.thresholds;
  return {
    database: handle,
    storage,
    dataDir: config.dataDir,
    audioDir: config.pipeline.audioDir,
    transcriptDir: config.pipeline.transcriptDir,
    thresholds: {
      failedYoutubeRequests: t.failedRequests,
      failedAudioFiles: t.failedAudio,
      pendingJobs: t.pendingJobs,
      pendingRequestMaxAgeMinutes: t.pendingAgeMinutes,
      storageMb: t.storageMb,
      errorRate: t.errorRate,
    },
    channels: adapters.channels,
    health: {
      tools: [
        {
          name: 'yt-dlp',
          // Version and age: a yt-dlp months old is the usual reason YouTube downloads start failing.
          check: async () => {
            const r = await adapters.downloader.check();
            const age = versionAgeDays(r.version);
            return { ...r, version: age === null ? r.version : `${r.version} (${age} days old)` };
          },
        },
        { name: 'ffmpeg', check: () => adapters.converter.check() },
      ],
      models: [
        { name: `transcriber:${adapters.transcriber.name}`, check: () => adapters.transcriber.check() },
        ...(adapters.embedder
          ? [
              {
                name: `embedder:${adapters.embedder.model}`,
                check: async () => ({ detail: `${adapters.embedder!.dimensions} dims` }),
              },
            ]
          : []),
      ],
      searchIndex: async () => {
        const s = await adapters.searchIndex.stats();
        return `${s.chunks} chunks in ${s.videos} videos${s.embeddingModel ? `, ${s.embeddingModel}` : ', lexical only'}`;
      },
    },
    ytDlpUpdate: async () => (await import('./ytdlp-managed.ts')).ensureCurrentYtDlp(config),
    cleanup: {
      deleteAudioAfterTranscription: config.pipeline.deleteAudioAfterTranscription,
      fileMaxAgeDays: config.pipeline.fileRetentionDays,
      runRetentionDays: config.execution.retentionDays,
      apiLogRetentionDays: config.server.apiLogRetentionDays,
    },
  };
}

/** The SSRF fence for user-supplied URLs; a malformed FETCH_ALLOW_HOSTS entry is a config error. */
export function egressPolicy(config: Config): EgressPolicy {
  try {
    return new EgressPolicy({ allow: config.fetch.allowHosts });
  } catch (e) {
    throw new ConfigError(
      `${(e as Error).message} Use host names (media.lan, *.corp.example), IPs or CIDRs (10.0.0.0/8).`,
    );
  }
}
