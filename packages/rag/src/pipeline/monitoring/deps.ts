import type { Storage } from '@llm-rag-yt/orchestrator';
import type { DeliveryChannel, DeliveryPolicy } from '../../alerts/delivery.ts';
import type { AlertThresholds } from '../../alerts/rules.ts';
import type { CleanupPolicy } from '../../monitoring/cleanup.ts';
import type { HealthProbe } from '../../monitoring/health.ts';
import type { MonitoringDb } from '../../monitoring/migrations.ts';
import type { Notifier } from '../../ports.ts';

/** What the monitoring definitions need; the CLI's composition root builds it from config. */
export interface MonitoringDeps {
  /** The shared database (after `migrateMonitoring`). */
  readonly database: MonitoringDb;
  /** Orchestrator storage: run counts, heartbeats, pruning. */
  readonly storage?: Pick<Storage, 'runs' | 'instigators' | 'daemon'> | null;
  readonly dataDir: string;
  readonly audioDir: string;
  readonly transcriptDir?: string | null;
  /** Overrides of the seed's thresholds. */
  readonly thresholds?: Partial<AlertThresholds>;
  /** Enabled alert channels (Telegram, Slack, webhook, PagerDuty, log), each with an optional minimum severity. */
  readonly channels: readonly (DeliveryChannel | Notifier)[];
  readonly deliveryPolicy?: Partial<DeliveryPolicy>;
  readonly health?: {
    /** yt-dlp and ffmpeg (the Downloader / AudioConverter `check()`), under those names. */
    readonly tools?: readonly HealthProbe[];
    /** Configured transcriber, embedder and chat model. */
    readonly models?: readonly HealthProbe[];
    readonly searchIndex?: () => Promise<string>;
    readonly minFreeDiskMb?: number;
    readonly maxHeartbeatAgeMs?: number;
    /** A health check older than this is not used by system_alerts. Default 15 min. */
    readonly maxAgeForAlertsMs?: number;
  };
  readonly cleanup?: Partial<CleanupPolicy> & {
    /** cleanup_sensor fires when audio + transcripts use more than this. Default the storage alert threshold. */
    readonly storageThresholdMb?: number;
  };
  /**
   * Keeps yt-dlp current (YouTube changes; old versions fail): installs the current release when
   * the one in use is missing, too old, or a managed install older than a week. Resolves with what
   * it did, in words. With it, `ytdlp_update_job` and the weekly `ytdlp_update_schedule` exist.
   */
  readonly ytDlpUpdate?: () => Promise<string>;
  /** Injected clock (epoch ms). Default Date.now. */
  readonly clock?: () => number;
}

/** Tag on alert delivery runs; pair with the instance tag limit `{ key: 'alert_delivery', limit: 1 }`. */
export const ALERT_DELIVERY_TAG = 'alert_delivery';
