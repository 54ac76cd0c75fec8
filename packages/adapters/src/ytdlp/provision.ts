import { DownloadFailedError } from './errors.ts';
import { type YtDlpFreshness, ytDlpTooOld } from './freshness.ts';
import { installYtDlp, type ManagedYtDlp, probeYtDlp, readManaged } from './release.ts';
import { YTDLP_INSTALL_HINT } from './version.ts';

/*
 * The yt-dlp a download runs, made usable at download time: when the configured one is missing or
 * too old (YtDlpFreshness: by default released more than 90 days ago), the current release is installed into the data folder (installYtDlp:
 * verified against SHA2-256SUMS, atomically replacing the previous install) before the first call.
 * A failed install keeps the previous yt-dlp in use when it runs at all, and is not tried again for
 * a while, so a broken release server does not cost every download a round trip.
 */

export interface InstallProgress {
  received: number;
  total: number | null;
}

export interface YtDlpProvisionerOptions extends YtDlpFreshness {
  /** The yt-dlp to use while it is current: YTDLP_PATH, the managed install or `yt-dlp` on PATH. */
  path: string;
  /** Where the release is installed (`<data>/bin`). */
  binDir: string;
  /** Base URL serving the release asset and SHA2-256SUMS. */
  releaseUrl: string;
  /** false: never download; a missing or old yt-dlp is used (and fails) as configured. */
  autoInstall: boolean;
  /** The operator pinned `path` (YTDLP_PATH): replacing it is said in a warning. */
  pinned?: boolean;
  /** After a failed install, how long downloads go on without trying again. Default 10 min. */
  retryAfterMs?: number;
  /** Release asset to install; default pickAsset() (the zipapp where python3 exists). */
  asset?: string;
  /** installYtDlp's limit for the first request; an unreachable server fails within it. Default 15 s. */
  sumsTimeoutMs?: number;
  log?: (level: 'info' | 'warn', message: string) => void;
  now?: () => number;
}

/** The current answer of ensure(): which yt-dlp and why. */
export interface ProvisionedYtDlp {
  path: string;
  /** null when it does not run (missing): calls will fail with not_installed. */
  version: string | null;
  /** Set when this process installed it. */
  installed?: ManagedYtDlp;
}

/**
 * @example
 * const p = new YtDlpProvisioner({ path: 'yt-dlp', binDir: '/data/bin', releaseUrl, maxAgeDays: 90, autoInstall: true });
 * const off = p.onProgress(({ received, total }) => bar.update(received, total));
 * const { path } = await p.ensure(); // installs the release when yt-dlp is missing or too old
 */
export class YtDlpProvisioner {
  private path: string;
  private ready: ProvisionedYtDlp | null = null;
  private pending: Promise<ProvisionedYtDlp> | null = null;
  private failure: { at: number; error: Error; fallback: ProvisionedYtDlp | null } | null = null;
  private readonly listeners = new Set<(p: InstallProgress) => void>();
  private readonly log: NonNullable<YtDlpProvisionerOptions['log']>;
  private readonly now: () => number;
  private readonly retryAfterMs: number;

  constructor(private readonly opts: YtDlpProvisionerOptions) {
    this.path = opts.path;
    this.retryAfterMs = opts.retryAfterMs ?? 600_000;
    this.log = opts.log ?? (() => {});
    this.now = opts.now ?? Date.now;
  }

  /** The path calls use right now (no probing): what health checks report. */
  current(): string {
    return this.path;
  }

  /** Install progress, for a progress bar; returns the unsubscribe function. */
  onProgress(listener: (p: InstallProgress) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The yt-dlp to run, installing the current release first when the one in use is missing or
   * older than the minimum. Concurrent callers share one check and one download. Throws
   * DownloadFailedError('not_installed') only when no usable yt-dlp is left.
   */
  async ensure(): Promise<ProvisionedYtDlp> {
    // A long-lived process re-checks once the yt-dlp it settled on has aged past the rule.
    if (this.ready && this.tooOld(this.ready.version!) === null) return this.ready;
    this.ready = null;
    if (!this.pending)
      this.pending = this.provision().finally(() => {
        this.pending = null;
      });
    return this.pending;
  }

  private tooOld(version: string): string | null {
    return ytDlpTooOld(version, this.opts, this.now());
  }

  private async provision(): Promise<ProvisionedYtDlp> {
    // Within the back-off after a failed install, downloads go straight on with the old yt-dlp
    // (no probe, no attempt): an offline machine pays for the failure once per window.
    const f = this.failure;
    if (f?.fallback && this.now() - f.at < this.retryAfterMs) return f.fallback;
    const probe = await probeYtDlp(this.path);
    const why = probe.version === null ? null : this.tooOld(probe.version);
    const current = probe.version !== null && why === null;
    if (current || !this.opts.autoInstall) {
      // Without auto-install a missing yt-dlp is reported by the call itself (not_installed).
      const r = { path: this.path, version: probe.version };
      if (current) this.ready = r;
      return r;
    }
    const what = probe.version
      ? `yt-dlp ${probe.version} at ${this.path} is too old (${why})`
      : `yt-dlp is not usable at '${this.path}' (${probe.error})`;
    const fallback = probe.version ? { path: this.path, version: probe.version } : null;
    // Another process (or `yt-dlp update`) may have installed a current release meanwhile.
    const managed = await readManaged(this.opts.binDir);
    if (managed && managed.path !== this.path) {
      const m = await probeYtDlp(managed.path);
      if (m.version && this.tooOld(m.version) === null)
        return this.use({ path: managed.path, version: m.version }, what);
    }
    if (f && this.now() - f.at < this.retryAfterMs) return this.fallBack(f.fallback, f.error, what, false);
    this.log(
      'info',
      `${what}: installing the current release from ${this.opts.releaseUrl} into ${this.opts.binDir}.`,
    );
    try {
      const installed = await installYtDlp({
        binDir: this.opts.binDir,
        releaseUrl: this.opts.releaseUrl,
        ...(this.opts.asset ? { asset: this.opts.asset } : {}),
        ...(this.opts.sumsTimeoutMs ? { sumsTimeoutMs: this.opts.sumsTimeoutMs } : {}),
        onProgress: (p) => {
          for (const l of this.listeners) l(p);
        },
      });
      this.failure = null;
      return this.use({ path: installed.path, version: installed.version, installed }, what);
    } catch (e) {
      this.failure = { at: this.now(), error: e as Error, fallback };
      return this.fallBack(fallback, e as Error, what, true);
    }
  }

  private use(r: ProvisionedYtDlp, what: string): ProvisionedYtDlp {
    const how = r.installed
      ? `installed yt-dlp ${r.version} at ${r.path} (SHA2-256 verified)`
      : `using yt-dlp ${r.version} at ${r.path}`;
    this.log(
      this.opts.pinned ? 'warn' : 'info',
      `${what}: ${how}${this.opts.pinned ? '; YTDLP_PATH points at the old one, update or unset it' : ''}.`,
    );
    this.path = r.path;
    this.ready = r;
    return r;
  }

  /** After a failed install: the old yt-dlp when it runs (warned once per attempt), else not_installed. */
  private fallBack(
    fallback: ProvisionedYtDlp | null,
    error: Error,
    what: string,
    fresh: boolean,
  ): ProvisionedYtDlp {
    if (fallback) {
      if (fresh)
        this.log(
          'warn',
          `${what} and installing the current release failed: ${error.message} Downloads go on with yt-dlp ${fallback.version}; the install is tried again in ${Math.round(this.retryAfterMs / 60_000)} min.`,
        );
      return fallback;
    }
    throw new DownloadFailedError(
      'not_installed',
      '',
      `${what}, and installing the current release from ${this.opts.releaseUrl} failed: ${error.message} ${YTDLP_INSTALL_HINT}`,
      { cause: error },
    );
  }
}
