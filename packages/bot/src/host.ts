import type { Instance, OrchestratorLogger, Storage } from '@llm-rag-yt/orchestrator';
import type { RagService, RagStore, SubscriptionService } from '@llm-rag-yt/rag';

/** Bot configuration, read once by the CLI (packages/cli/src/config.ts) and passed down frozen. */
export interface BotSettings {
  readonly token: string | null;
  /** Chat that receives alerts; only there may the Acknowledge button be pressed. */
  readonly adminChatId: string | null;
  /** Bot API root (https://api.telegram.org, or a local server in tests). */
  readonly apiRoot: string;
  /** Telegram user ids or usernames (with or without '@') allowed to use the bot. */
  readonly allowedUsers: readonly string[];
  /** Everyone may use the bot. Must be chosen explicitly; otherwise only `allowedUsers`. */
  readonly openAccess: boolean;
  /** Messages and button presses per user per minute (token bucket). */
  readonly rateLimitPerMinute: number;
  /** Public HTTPS URL Telegram posts updates to; null = long polling. */
  readonly webhookUrl: string | null;
  /**
   * Where the webhook server listens (BOT_WEBHOOK_HOST / BOT_WEBHOOK_PORT). Default: 127.0.0.1 and
   * the port of `webhookUrl` when it names one, else 8080; a reverse proxy terminates TLS in front
   * of it, and binding another address is the user's explicit choice.
   */
  readonly webhookListen?: { readonly host?: string; readonly port?: number };
}

/** Optional counters (the server's prom-client registry plugs in here). */
export interface BotMetrics {
  message(direction: 'in' | 'out'): void;
  apiError(method: string): void;
}

/** The slice of the app the bot uses. */
export interface BotHost {
  readonly rag: RagService;
  /** Subscriptions (/subscribe, /subscriptions, /unsubscribe); absent = those commands say so. */
  readonly subscriptions?: SubscriptionService;
  readonly store: RagStore;
  readonly instance: Instance<any>;
  readonly storage: Storage;
  readonly logger: Pick<OrchestratorLogger, 'info' | 'warn' | 'error'>;
  readonly settings: BotSettings;
  readonly metrics?: BotMetrics;
}
