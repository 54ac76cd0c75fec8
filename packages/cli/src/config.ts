import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';

/*
 * The one place that reads process.env. Everything else receives the frozen Config.
 * The seed's DAGSTER_* variables are accepted as aliases of ours.
 */

const ALIASES: Record<string, string[]> = {
  LLM_RAG_YT_HOME: ['DAGSTER_HOME'],
  MAX_CONCURRENT_RUNS: ['DAGSTER_MAX_CONCURRENT_RUNS'],
  RUN_TIMEOUT_SECONDS: ['DAGSTER_RUN_TIMEOUT'],
  LOG_LEVEL: ['DAGSTER_LOG_LEVEL'],
  BOT_TOKEN: ['TELEGRAM_BOT_TOKEN'],
};

const bool = z
  .string()
  .transform((s) => ['1', 'true', 'yes', 'on'].includes(s.trim().toLowerCase()))
  .or(z.boolean());
const int = (min: number) => z.coerce.number().int().min(min);
const num = z.coerce.number().min(0);
const list = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean),
);

const schema = z.object({
  LLM_RAG_YT_HOME: z.string().default('data'),
  DATABASE_URL: z
    .string()
    .refine(
      (v) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(v) || /^(postgres|postgresql|sqlite):/i.test(v),
      'use a file path, sqlite:<path> or postgres://user@host:5432/db[?schema=name]',
    )
    .optional(),
  REDIS_URL: z
    .string()
    .refine(
      (v) => URL.canParse(v) && /^rediss?:$/.test(new URL(v).protocol),
      'use redis://host:6379 or rediss://…',
    )
    .optional(),
  /** Redis key prefix of the BullMQ run queue: separate instances (or tests) sharing one Redis use different ones. */
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]+$/, 'use letters, digits and _ . : - only')
    .default('llm-rag-yt'),
  MAX_CONCURRENT_RUNS: int(1).default(5),
  RUN_TIMEOUT_SECONDS: int(1).default(3600),
  /** Backoff before a run whose worker died is tried again (doubling per attempt, at most 5 min). */
  RUN_RETRY_DELAY_SECONDS: int(0).default(5),
  /** `asr=1,download=2` — at most N runs with that tag at once. */
  TAG_CONCURRENCY: z.string().default('asr=1'),
  RETENTION_DAYS: int(1).default(30),
  TICK_HISTORY: int(10).default(200),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty', 'auto']).default('auto'),
  HOST: z.string().default('127.0.0.1'),
  PORT: int(0).default(3000),
  API_TOKENS: list.default([]),
  /** Host names the web server answers to besides loopback and its own address (reverse proxies). */
  ALLOWED_HOSTS: list.default([]),
  /** cleanup_job deletes API call records (api_log) older than this. */
  API_LOG_RETENTION_DAYS: int(1).default(30),
  /** Unset: the yt-dlp installed into `<home>/bin` by `llm-rag-yt yt-dlp update`, else `yt-dlp` on PATH. */
  YTDLP_PATH: z.string().optional(),
  /** Operator config: a folder serving yt-dlp release assets and SHA2-256SUMS. */
  YTDLP_RELEASE_URL: z
    .url({ protocol: /^https?$/ })
    .default('https://github.com/yt-dlp/yt-dlp/releases/latest/download'),
  /** Older yt-dlp is too old (replaced by the current release). Set alone, it replaces the age rule. */
  YTDLP_MIN_VERSION: z
    .string()
    .regex(/^\d{4}\.\d{1,2}\.\d{1,2}$/, 'use a yt-dlp version like 2025.01.15')
    .optional(),
  /**
   * A yt-dlp released more than this many days ago is too old (YouTube breaks old releases within
   * weeks; versions are dates). Default 90 unless YTDLP_MIN_VERSION is set; 0 = no age limit.
   */
  YTDLP_MAX_AGE_DAYS: int(0).optional(),
  /** A missing or too old yt-dlp is replaced by the current release at download time (false: offline installs). */
  YTDLP_AUTO_INSTALL: bool.default(true),
  /** At most N yt-dlp downloads/listings per site (youtube.com, …) at once in one process; 0 = no limit. */
  YTDLP_CONCURRENCY_PER_SITE: int(0).default(2),
  /** Netscape cookies file of a signed-in browser session (YouTube's sign-in/bot checks). */
  YTDLP_COOKIES: z.string().optional(),
  /** e.g. `firefox` or `chrome:Profile 1` (yt-dlp --cookies-from-browser). */
  YTDLP_COOKIES_FROM_BROWSER: z.string().optional(),
  /** Bytes per second, e.g. `2M` (yt-dlp --limit-rate). */
  YTDLP_RATE_LIMIT: z
    .string()
    .regex(/^\d+(\.\d+)?[KMG]?$/i, 'use bytes per second like 500K or 2M')
    .optional(),
  YTDLP_SLEEP_INTERVAL: num.optional(),
  YTDLP_MAX_SLEEP_INTERVAL: num.optional(),
  YTDLP_SLEEP_REQUESTS: num.optional(),
  /** `;`-separated, each passed as --extractor-args, e.g. `youtube:player_client=web;youtube:po_token=web.gvs+…`. */
  YTDLP_EXTRACTOR_ARGS: z.string().optional(),
  /** Hosts and CIDRs user-supplied URLs may reach although they are not public addresses. */
  FETCH_ALLOW_HOSTS: list.default([]),
  /** An HTTP proxy yt-dlp's (already filtered) traffic is forwarded through. */
  YTDLP_PROXY: z.string().url('must be a URL such as http://proxy:3128').optional(),
  FFMPEG_PATH: z.string().default('ffmpeg'),
  FFPROBE_PATH: z.string().default('ffprobe'),
  LANGUAGES: list.default(['auto']),
  /** Extra folders run config may name media/transcript files in (besides <home>/audio and <home>/imports). */
  IMPORT_DIRS: list.default([]),
  MAX_DURATION_SECONDS: int(1).default(4 * 3600),
  DELETE_AUDIO_AFTER_TRANSCRIPTION: bool.default(false),
  /** Minutes between checks of one subscription. */
  SUBSCRIPTION_CHECK_MINUTES: int(1).default(15),
  /** Backfill requests released per sensor tick (and at most waiting at once). */
  SUBSCRIPTION_BACKFILL_PER_TICK: int(1).default(5),
  /** Entries listed per check of a playlist/channel through yt-dlp. */
  SUBSCRIPTION_MAX_ENTRIES: int(1).default(500),
  /** UTC hour daily digests of new videos are sent. */
  DIGEST_HOUR_UTC: int(0).max(23).default(9),
  /** Characters of transcript sent to the chat model per summary request. */
  SUMMARY_CONTEXT_CHARS: int(1000).default(12_000),
  FILE_RETENTION_DAYS: int(1).default(30),
  /** whisper | openai | fake (fake is the seed's use_fake_asr, for development only). */
  ASR_BACKEND: z.enum(['whisper', 'openai', 'fake']).default('whisper'),
  WHISPER_MODEL: z.string().default('base'),
  WHISPER_MODEL_PATH: z.string().optional(),
  TRANSCRIBE_BASE_URL: z.string().optional(),
  TRANSCRIBE_MODEL: z.string().default('whisper-1'),
  TRANSCRIBE_API_KEY: z.string().optional(),
  /** transformers | openai | none */
  EMBEDDER: z.enum(['transformers', 'openai', 'none']).default('transformers'),
  EMBEDDING_MODEL: z.string().optional(),
  EMBEDDING_MODEL_PATH: z.string().optional(),
  EMBEDDINGS_BASE_URL: z.string().optional(),
  EMBEDDINGS_API_KEY: z.string().optional(),
  /** none (lexical re-scoring) | http (a /rerank endpoint) | transformers (local cross-encoder) */
  RERANKER: z.enum(['none', 'http', 'transformers']).default('none'),
  RERANK_URL: z.string().optional(),
  RERANK_MODEL: z.string().optional(),
  RERANK_MODEL_PATH: z.string().optional(),
  RERANK_API_KEY: z.string().optional(),
  /** 0..1: below this share of the question found in the best passage, answers say nothing relevant was found. */
  RETRIEVAL_MIN_RELEVANCE: z.coerce.number().min(0).max(1).default(0.15),
  CHAT_BASE_URL: z.string().optional(),
  CHAT_MODEL: z.string().optional(),
  CHAT_API_KEY: z.string().optional(),
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: z.string().optional(),
  BOT_TOKEN: z.string().optional(),
  TELEGRAM_ADMIN_CHAT_ID: z.string().optional(),
  TELEGRAM_API_ROOT: z.string().default('https://api.telegram.org'),
  BOT_ALLOWED_USERS: list.default([]),
  BOT_OPEN_ACCESS: bool.default(false),
  BOT_RATE_LIMIT_PER_MINUTE: int(1).default(20),
  BOT_WEBHOOK_URL: z.string().optional(),
  /** Where the webhook server listens (default: the port of BOT_WEBHOOK_URL, else 8080). */
  BOT_WEBHOOK_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** Loopback by default: Telegram reaches it through the user's reverse proxy. */
  BOT_WEBHOOK_HOST: z.string().min(1).default('127.0.0.1'),
  SLACK_WEBHOOK_URL: z.string().optional(),
  ALERT_WEBHOOK_URL: z.string().optional(),
  ALERT_WEBHOOK_SECRET: z.string().optional(),
  PAGERDUTY_ROUTING_KEY: z.string().optional(),
  PAGERDUTY_EVENTS_URL: z.string().default('https://events.pagerduty.com/v2/enqueue'),
  ALERT_FAILED_REQUESTS: int(0).default(5),
  ALERT_FAILED_AUDIO: int(0).default(3),
  ALERT_PENDING_JOBS: int(0).default(10),
  ALERT_PENDING_AGE_MINUTES: int(1).default(60),
  ALERT_STORAGE_MB: num.default(1024),
  ALERT_ERROR_RATE: num.default(0.1),
});

type Env = z.infer<typeof schema>;

export interface Config {
  readonly dataDir: string;
  readonly databaseUrl: string;
  readonly redisUrl: string | null;
  /** BullMQ key prefix (distributed mode); every process of one instance must use the same. */
  readonly queuePrefix: string;
  readonly execution: {
    readonly maxConcurrentRuns: number;
    readonly runTimeoutSeconds: number;
    readonly runRetryDelaySeconds: number;
    readonly tagLimits: readonly { key: string; value?: string; limit: number }[];
    readonly retentionDays: number;
    readonly tickHistory: number;
  };
  /** `plain`: LOG_FORMAT=auto with stderr not a terminal, where one-shot commands print plain lines. */
  readonly log: { readonly level: Env['LOG_LEVEL']; readonly pretty: boolean; readonly plain: boolean };
  readonly server: {
    readonly host: string;
    readonly port: number;
    readonly tokens: readonly string[];
    /** ALLOWED_HOSTS: other `Host` names are refused (DNS rebinding). */
    readonly allowedHosts: readonly string[];
    /** API_LOG_RETENTION_DAYS: cleanup_job prunes older api_log rows. */
    readonly apiLogRetentionDays: number;
  };
  readonly tools: { readonly ytdlp: string; readonly ffmpeg: string; readonly ffprobe: string };
  readonly ytdlp: {
    /** YTDLP_PATH when set; null means the managed install or PATH (see tools.ytdlp). */
    readonly configuredPath: string | null;
    /** Where `yt-dlp update` installs the release: `<home>/bin`. */
    readonly binDir: string;
    readonly releaseUrl: string;
    /** YTDLP_MIN_VERSION, or null. */
    readonly minVersion: string | null;
    /** YTDLP_MAX_AGE_DAYS (default 90 when YTDLP_MIN_VERSION is unset); null = no age limit. */
    readonly maxAgeDays: number | null;
    /** YTDLP_AUTO_INSTALL: install the current release at download time when yt-dlp is missing or too old. */
    readonly autoInstall: boolean;
    /** YTDLP_CONCURRENCY_PER_SITE (0 = no limit). */
    readonly concurrencyPerSite: number;
    /** Arguments for every yt-dlp call (cookies, rate limit, sleeps, extractor args; YTDLP_PROXY goes through fetch.ytdlpProxy, behind the egress filter). */
    readonly extraArgs: readonly string[];
  };
  /** Outbound fetches of user-supplied URLs (SSRF fence). */
  readonly fetch: {
    /** FETCH_ALLOW_HOSTS: non-public hosts/CIDRs that may be fetched anyway. */
    readonly allowHosts: readonly string[];
    /** YTDLP_PROXY: upstream proxy behind the filtering proxy. */
    readonly ytdlpProxy: string | null;
  };
  readonly pipeline: {
    readonly audioDir: string;
    /** IMPORT_DIRS, resolved: further folders run config may name files in. */
    readonly importDirs: readonly string[];
    readonly transcriptDir: string;
    readonly languages: readonly string[];
    readonly maxDurationSeconds: number;
    readonly deleteAudioAfterTranscription: boolean;
    readonly fileRetentionDays: number;
    readonly subscriptions: {
      readonly intervalSeconds: number;
      readonly backfillPerTick: number;
      readonly maxEntries: number;
      readonly digestHourUtc: number;
    };
    readonly summaryContextChars: number;
  };
  readonly asr: {
    readonly backend: 'whisper' | 'openai' | 'fake';
    readonly whisperModel: string;
    readonly whisperModelPath: string | null;
    readonly baseUrl: string | null;
    readonly model: string;
    readonly apiKey: string | null;
  };
  readonly embeddings: {
    readonly backend: 'transformers' | 'openai' | 'none';
    readonly model: string | null;
    readonly modelPath: string | null;
    readonly baseUrl: string | null;
    readonly apiKey: string | null;
  };
  readonly reranker: {
    readonly backend: 'none' | 'http' | 'transformers';
    readonly url: string | null;
    readonly model: string | null;
    readonly modelPath: string | null;
    readonly apiKey: string | null;
  };
  readonly retrieval: { readonly minRelevance: number };
  readonly chat: {
    readonly baseUrl: string | null;
    readonly model: string | null;
    readonly apiKey: string | null;
  };
  readonly bot: {
    readonly token: string | null;
    readonly adminChatId: string | null;
    readonly apiRoot: string;
    readonly allowedUsers: readonly string[];
    readonly openAccess: boolean;
    readonly rateLimitPerMinute: number;
    readonly webhookUrl: string | null;
    /** Local address of the webhook server (BOT_WEBHOOK_HOST / BOT_WEBHOOK_PORT). */
    readonly webhookListen: { readonly host: string; readonly port?: number };
  };
  readonly alerts: {
    readonly slackWebhookUrl: string | null;
    readonly webhookUrl: string | null;
    readonly webhookSecret: string | null;
    readonly pagerDutyRoutingKey: string | null;
    readonly pagerDutyEventsUrl: string;
    readonly thresholds: {
      readonly failedRequests: number;
      readonly failedAudio: number;
      readonly pendingJobs: number;
      readonly pendingAgeMinutes: number;
      readonly storageMb: number;
      readonly errorRate: number;
    };
  };
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Reads `.env` from `cwd` (if present) under the real environment: real variables win. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const merged: Record<string, string | undefined> = {};
  const dotenvPath = resolve(cwd, '.env');
  if (existsSync(dotenvPath)) Object.assign(merged, parseDotenv(readFileSync(dotenvPath)));
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') merged[k] = v;
  for (const [ours, aliases] of Object.entries(ALIASES)) {
    if (merged[ours] !== undefined) continue;
    for (const a of aliases) if (merged[a] !== undefined) merged[ours] = merged[a];
  }
  const known = Object.keys(schema.shape);
  const input = Object.fromEntries(known.filter((k) => merged[k] !== undefined).map((k) => [k, merged[k]]));
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const key = String(i.path[0]);
      return `  - ${key}: ${i.message}${isSecret(key) ? '' : ` (got ${JSON.stringify(input[key])})`}`;
    });
    throw new ConfigError(
      `Invalid configuration:\n${lines.join('\n')}\nFix these environment variables (or .env entries).`,
    );
  }
  if (parsed.data.RERANKER === 'http' && !parsed.data.RERANK_URL)
    throw new ConfigError(
      'Invalid configuration:\n  - RERANK_URL: RERANKER=http needs the endpoint, e.g. http://127.0.0.1:8080/rerank\nFix these environment variables (or .env entries).',
    );
  return buildConfig(parsed.data, cwd);
}

function buildConfig(e: Env, cwd: string): Config {
  const dataDir = resolve(cwd, e.LLM_RAG_YT_HOME);
  const openaiKey = e.OPENAI_API_KEY ?? null;
  const cfg: Config = {
    dataDir,
    databaseUrl: e.DATABASE_URL ?? `sqlite:${resolve(dataDir, 'llm-rag-yt.db')}`,
    redisUrl: e.REDIS_URL ?? null,
    queuePrefix: e.QUEUE_PREFIX,
    execution: {
      maxConcurrentRuns: e.MAX_CONCURRENT_RUNS,
      runTimeoutSeconds: e.RUN_TIMEOUT_SECONDS,
      runRetryDelaySeconds: e.RUN_RETRY_DELAY_SECONDS,
      tagLimits: parseTagLimits(e.TAG_CONCURRENCY),
      retentionDays: e.RETENTION_DAYS,
      tickHistory: e.TICK_HISTORY,
    },
    log: {
      level: e.LOG_LEVEL,
      pretty: e.LOG_FORMAT === 'pretty' || (e.LOG_FORMAT === 'auto' && !!process.stderr.isTTY),
      plain: e.LOG_FORMAT === 'auto' && !process.stderr.isTTY,
    },
    server: {
      host: e.HOST,
      port: e.PORT,
      tokens: e.API_TOKENS,
      allowedHosts: e.ALLOWED_HOSTS,
      apiLogRetentionDays: e.API_LOG_RETENTION_DAYS,
    },
    tools: { ytdlp: resolveYtDlpPath(e, dataDir), ffmpeg: e.FFMPEG_PATH, ffprobe: e.FFPROBE_PATH },
    ytdlp: {
      configuredPath: e.YTDLP_PATH ?? null,
      binDir: resolve(dataDir, 'bin'),
      releaseUrl: e.YTDLP_RELEASE_URL,
      minVersion: e.YTDLP_MIN_VERSION ?? null,
      maxAgeDays: ytDlpMaxAgeDays(e),
      autoInstall: e.YTDLP_AUTO_INSTALL,
      concurrencyPerSite: e.YTDLP_CONCURRENCY_PER_SITE,
      extraArgs: ytDlpArgs(e, cwd),
    },
    fetch: { allowHosts: e.FETCH_ALLOW_HOSTS, ytdlpProxy: e.YTDLP_PROXY ?? null },
    pipeline: {
      audioDir: resolve(dataDir, 'audio'),
      importDirs: e.IMPORT_DIRS.map((d) => resolve(cwd, d)),
      transcriptDir: resolve(dataDir, 'transcripts'),
      languages: e.LANGUAGES,
      maxDurationSeconds: e.MAX_DURATION_SECONDS,
      deleteAudioAfterTranscription: e.DELETE_AUDIO_AFTER_TRANSCRIPTION as boolean,
      fileRetentionDays: e.FILE_RETENTION_DAYS,
      subscriptions: {
        intervalSeconds: e.SUBSCRIPTION_CHECK_MINUTES * 60,
        backfillPerTick: e.SUBSCRIPTION_BACKFILL_PER_TICK,
        maxEntries: e.SUBSCRIPTION_MAX_ENTRIES,
        digestHourUtc: e.DIGEST_HOUR_UTC,
      },
      summaryContextChars: e.SUMMARY_CONTEXT_CHARS,
    },
    asr: {
      backend: e.ASR_BACKEND,
      whisperModel: e.WHISPER_MODEL,
      whisperModelPath: e.WHISPER_MODEL_PATH ?? null,
      baseUrl: e.TRANSCRIBE_BASE_URL ?? e.OPENAI_BASE_URL ?? null,
      model: e.TRANSCRIBE_MODEL,
      apiKey: e.TRANSCRIBE_API_KEY ?? openaiKey,
    },
    embeddings: {
      backend: e.EMBEDDER,
      model: e.EMBEDDING_MODEL ?? null,
      modelPath: e.EMBEDDING_MODEL_PATH ?? null,
      baseUrl: e.EMBEDDINGS_BASE_URL ?? e.OPENAI_BASE_URL ?? null,
      apiKey: e.EMBEDDINGS_API_KEY ?? openaiKey,
    },
    reranker: {
      backend: e.RERANKER,
      url: e.RERANK_URL ?? null,
      model: e.RERANK_MODEL ?? null,
      modelPath: e.RERANK_MODEL_PATH ?? null,
      apiKey: e.RERANK_API_KEY ?? null,
    },
    retrieval: { minRelevance: e.RETRIEVAL_MIN_RELEVANCE },
    chat: {
      baseUrl: e.CHAT_BASE_URL ?? e.OPENAI_BASE_URL ?? (openaiKey ? 'https://api.openai.com' : null),
      model: e.CHAT_MODEL ?? (openaiKey || e.CHAT_BASE_URL ? 'gpt-4o-mini' : null),
      apiKey: e.CHAT_API_KEY ?? openaiKey,
    },
    bot: {
      token: e.BOT_TOKEN ?? null,
      adminChatId: e.TELEGRAM_ADMIN_CHAT_ID ?? null,
      apiRoot: e.TELEGRAM_API_ROOT,
      allowedUsers: e.BOT_ALLOWED_USERS,
      openAccess: e.BOT_OPEN_ACCESS as boolean,
      rateLimitPerMinute: e.BOT_RATE_LIMIT_PER_MINUTE,
      webhookUrl: e.BOT_WEBHOOK_URL ?? null,
      webhookListen: {
        host: e.BOT_WEBHOOK_HOST,
        ...(e.BOT_WEBHOOK_PORT !== undefined ? { port: e.BOT_WEBHOOK_PORT } : {}),
      },
    },
    alerts: {
      slackWebhookUrl: e.SLACK_WEBHOOK_URL ?? null,
      webhookUrl: e.ALERT_WEBHOOK_URL ?? null,
      webhookSecret: e.ALERT_WEBHOOK_SECRET ?? null,
      pagerDutyRoutingKey: e.PAGERDUTY_ROUTING_KEY ?? null,
      pagerDutyEventsUrl: e.PAGERDUTY_EVENTS_URL,
      thresholds: {
        failedRequests: e.ALERT_FAILED_REQUESTS,
        failedAudio: e.ALERT_FAILED_AUDIO,
        pendingJobs: e.ALERT_PENDING_JOBS,
        pendingAgeMinutes: e.ALERT_PENDING_AGE_MINUTES,
        storageMb: e.ALERT_STORAGE_MB,
        errorRate: e.ALERT_ERROR_RATE,
      },
    },
  };
  return deepFreeze(cfg);
}

/** The adapters' DEFAULT_YTDLP_MAX_AGE_DAYS (not imported: config loads before any adapter). */
const DEFAULT_YTDLP_MAX_AGE_DAYS = 90;

/**
 * The age rule: YTDLP_MAX_AGE_DAYS when set (0 = none); else 90 days, unless an explicit
 * YTDLP_MIN_VERSION is the rule instead (an operator pinning a release they know works).
 */
function ytDlpMaxAgeDays(e: Env): number | null {
  if (e.YTDLP_MAX_AGE_DAYS !== undefined) return e.YTDLP_MAX_AGE_DAYS === 0 ? null : e.YTDLP_MAX_AGE_DAYS;
  return e.YTDLP_MIN_VERSION ? null : DEFAULT_YTDLP_MAX_AGE_DAYS;
}

/** YTDLP_PATH, else the managed install in `<home>/bin` when there is one, else `yt-dlp` on PATH. */
function resolveYtDlpPath(e: Env, dataDir: string): string {
  if (e.YTDLP_PATH) return e.YTDLP_PATH;
  const managed = resolve(dataDir, 'bin', 'yt-dlp');
  return existsSync(managed) ? managed : 'yt-dlp';
}

/** The yt-dlp settings as command-line arguments; a cookies file that does not exist is an error now, not at download time. */
function ytDlpArgs(e: Env, cwd: string): string[] {
  const args: string[] = [];
  if (e.YTDLP_COOKIES) {
    const file = resolve(cwd, e.YTDLP_COOKIES);
    if (!existsSync(file))
      throw new ConfigError(
        `YTDLP_COOKIES: the cookies file '${file}' does not exist. Export the cookies of a browser signed in to YouTube in Netscape format (e.g. with yt-dlp --cookies-from-browser firefox --cookies ${file}), or unset YTDLP_COOKIES.`,
      );
    args.push('--cookies', file);
  }
  if (e.YTDLP_COOKIES_FROM_BROWSER) args.push('--cookies-from-browser', e.YTDLP_COOKIES_FROM_BROWSER);
  if (e.YTDLP_RATE_LIMIT) args.push('--limit-rate', e.YTDLP_RATE_LIMIT);
  if (e.YTDLP_SLEEP_INTERVAL !== undefined) args.push('--sleep-interval', String(e.YTDLP_SLEEP_INTERVAL));
  if (e.YTDLP_MAX_SLEEP_INTERVAL !== undefined) {
    if (e.YTDLP_SLEEP_INTERVAL === undefined)
      throw new ConfigError('YTDLP_MAX_SLEEP_INTERVAL needs YTDLP_SLEEP_INTERVAL (the minimum) too.');
    args.push('--max-sleep-interval', String(e.YTDLP_MAX_SLEEP_INTERVAL));
  }
  if (e.YTDLP_SLEEP_REQUESTS !== undefined) args.push('--sleep-requests', String(e.YTDLP_SLEEP_REQUESTS));
  for (const a of (e.YTDLP_EXTRACTOR_ARGS ?? '').split(';').map((x) => x.trim()))
    if (a) args.push('--extractor-args', a);
  return args;
}

export function parseTagLimits(spec: string): { key: string; value?: string; limit: number }[] {
  const out: { key: string; value?: string; limit: number }[] = [];
  for (const part of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^([A-Za-z0-9_.-]+)(?::([^=]+))?=(\d+)$/.exec(part);
    if (!m)
      throw new ConfigError(
        `TAG_CONCURRENCY entry '${part}' is not 'tag=N' or 'tag:value=N' (e.g. 'asr=1').`,
      );
    out.push(m[2] ? { key: m[1]!, value: m[2], limit: Number(m[3]) } : { key: m[1]!, limit: Number(m[3]) });
  }
  return out;
}

const SECRET = /TOKEN|KEY|SECRET|PASSWORD|WEBHOOK_URL|PROXY|EXTRACTOR_ARGS/;
function isSecret(key: string): boolean {
  // URLs may carry a password (postgres://user:pw@…), so they are not echoed either.
  return SECRET.test(key) || key === 'DATABASE_URL' || key === 'REDIS_URL';
}

/** The config as it may be shown to people: secrets replaced, passwords removed from URLs. */
export function redactConfig(cfg: Config): unknown {
  const walk = (v: unknown, key: string): unknown => {
    if (v === null || v === undefined) return v;
    if (typeof v === 'string') {
      if (/token|apikey|secret|routingkey|webhookurl|extraargs/i.test(key)) return '***';
      return v.replace(/\/\/([^:/@]+):([^@]+)@/, '//$1:***@');
    }
    if (Array.isArray(v)) return key === 'tokens' ? v.map(() => '***') : v.map((x) => walk(x, key));
    if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    return v;
  };
  return walk(cfg, '');
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

/**
 * The same configuration on another data folder with its own SQLite database and no Redis: what
 * `eval` uses so it never touches the user's own data. Chat is left out unless asked for (an
 * answer per question from a remote model would make a run of thousands of questions slow).
 */
export function withDataDir(config: Config, dataDir: string, opts: { keepChat?: boolean } = {}): Config {
  return {
    ...config,
    dataDir,
    databaseUrl: `sqlite:${resolve(dataDir, 'llm-rag-yt.db')}`,
    redisUrl: null,
    pipeline: {
      ...config.pipeline,
      audioDir: resolve(dataDir, 'audio'),
      transcriptDir: resolve(dataDir, 'transcripts'),
    },
    chat: opts.keepChat ? config.chat : { ...config.chat, baseUrl: null, model: null },
  };
}
