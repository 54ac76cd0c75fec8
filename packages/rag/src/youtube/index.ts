export { IMPORT_ID_RULE, isValidImportId, safeFileName, videoPathSegment } from './safe-file-name.ts';
export {
  deepLink,
  InvalidVideoUrlError,
  isVideoId,
  type ParsedVideoUrl,
  parseTimestamp,
  parseVideoUrl,
} from './url.ts';
