export {
  classifyYtDlpError,
  DownloadFailedError,
  type DownloadFailure,
  TransientDownloadError,
} from './errors.ts';
export { type CaptionChoice, pickCaption, toVideoMetadata, videoIdFor, type YtDlpInfo } from './info.ts';
export { PROGRESS_TEMPLATE, parseProgressLine } from './progress.ts';
export { DEFAULT_MIN_YTDLP_VERSION, YTDLP_INSTALL_HINT } from './version.ts';
export { type YtDlpConfig, YtDlpDownloader } from './ytdlp-downloader.ts';
