export { dedupeRollingCaptions } from './dedupe.ts';
export { detectCaptionFormat } from './detect.ts';
export { type CaptionFormat, CaptionParseError, SUPPORTED_CAPTION_FORMATS } from './errors.ts';
export { parseJson3 } from './json3.ts';
export { parseCaptions } from './parse.ts';
export { parseSrt } from './srt.ts';
export { cleanCaptionLine, decodeEntities, stripTags } from './text.ts';
export { parseCueTimestamp } from './timestamp.ts';
export { parseVtt } from './vtt.ts';
