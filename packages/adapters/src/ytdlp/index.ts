export {
  classifyYtDlpError,
  DownloadFailedError,
  type DownloadFailure,
  TransientDownloadError,
} from './errors.ts';
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
  isOlderThan,
  type ManagedYtDlp,
  parseSums,
  pickAsset,
  probeYtDlp,
  readManaged,
  versionAgeDays,
  YtDlpInstallError,
  type YtDlpStatus,
} from './release.ts';
export { SiteLimiter, siteOf } from './site-limiter.ts';
export { DEFAULT_MIN_YTDLP_VERSION, YTDLP_INSTALL_HINT } from './version.ts';
export { type YtDlpConfig, YtDlpDownloader } from './ytdlp-downloader.ts';
