import type { Instance } from '@llm-rag-yt/orchestrator';
import type { RagService, SubscriptionService } from '@llm-rag-yt/rag';

/** The pino-compatible subset of a logger the server uses. */
export interface ServerLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** One pipeline metrics snapshot (the monitoring engineer's `metrics_snapshots` rows). */
export interface MetricsSnapshot {
  timestamp: number;
  data: Record<string, unknown>;
}

/** Read side of the pipeline metrics history. */
export interface MetricsHistory {
  latest(): Promise<MetricsSnapshot | undefined>;
  /** Oldest first. */
  history(opts: { since?: number; limit?: number }): Promise<MetricsSnapshot[]>;
}

/** Prometheus registry subset (prom-client's Registry fits). */
export interface MetricsRegistry {
  readonly contentType: string;
  metrics(): Promise<string>;
}

export interface ApiLogEntry {
  method: string;
  /** Path with secret-looking query parameters redacted. */
  path: string;
  status: number;
  durationMs: number;
  ip: string | null;
  userAgent: string | null;
  createdAt: number;
}

/** Where API calls are recorded: the RAG store's `api_log` (its ApiLogRepository) in production. */
export interface ApiLog {
  record(entry: ApiLogEntry): Promise<void>;
}

export interface AppOptions {
  instance: Instance;
  /** The RAG use cases; when absent, library/ask/alerts endpoints answer 503 saying so. */
  rag?: RagService | null;
  /** Subscriptions (channels, playlists, feeds): /api/subscriptions (503 when absent) and MCP's `subscribe` tool. */
  subscriptions?: SubscriptionService | null;
  metricsHistory?: MetricsHistory | null;
  metricsRegistry?: MetricsRegistry | null;
  auth: { tokens: readonly string[] };
  /**
   * Host names (besides loopback names and the address a socket answers on) the server may be
   * reached by (`ALLOWED_HOSTS`); other `Host` headers get 403 (DNS rebinding). `*` allows any.
   */
  allowedHosts?: readonly string[];
  /** The data folder: its absolute path is shown to API clients as `<data>`. */
  dataDir?: string | null;
  logger: ServerLogger;
  apiLog?: ApiLog | null;
  /** Built UI folder (packages/web/dist); when missing, `/` explains how to build it. */
  webDist?: string | null;
  /** A daemon heartbeat older than this makes /readyz fail. Default 15 s (the run monitor's rule). */
  heartbeatMaxAgeMs?: number;
  /** SSE poll interval. Default 300 ms. */
  streamPollMs?: number;
  /** Folder for uploaded transcript files. Default: the OS temp dir. */
  uploadDir?: string;
  now?: () => number;
  /** Validate every JSON response under /api against the contract (tests): a mismatch becomes a 500 naming it. */
  contractCheck?: boolean;
}
