export {
  classifyYtDlpError,
  DownloadFailedError,
  type DownloadFailure,
  TransientDownloadError,
} from './errors.ts';
export {
  DEFAULT_YTDLP_MAX_AGE_DAYS,
  describeFreshness,
  isOlderThan,
  requiredYtDlpVersion,
  versionAgeDays,
  type YtDlpFreshness,
  ytDlpTooOld,
} from './freshness.ts';
export { type CaptionChoice, pickCaption, toVideoMetadata, videoIdFor, type YtDlpInfo } from './info.ts';
export { PROGRESS_TEMPLATE, parseProgressLine } from './progress.ts';
export {
  type InstallProgress,
  type ProvisionedYtDlp,
  YtDlpProvisioner,
  type YtDlpProvisionerOptions,
} from './provision.ts';
export {
  DEFAULT_YTDLP_RELEASE_URL,
  type InstallOptions,
  installYtDlp,
  type ManagedYtDlp,
  parseSums,
  pickAsset,
  probeYtDlp,
  readManaged,
  YtDlpInstallError,
  type YtDlpStatus,
} from './release.ts';
export { type SharedSiteSlots, type SiteLeases, SiteLimiter, siteOf } from './site-limiter.ts';
export { DEFAULT_MIN_YTDLP_VERSION, YTDLP_INSTALL_HINT } from './version.ts';
export { type YtDlpConfig, YtDlpDownloader } from './ytdlp-downloader.ts';
