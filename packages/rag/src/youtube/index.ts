export { safeFileName } from './safe-file-name.ts';
export {
  deepLink,
  InvalidVideoUrlError,
  isVideoId,
  type ParsedVideoUrl,
  parseTimestamp,
  parseVideoUrl,
} from './url.ts';
