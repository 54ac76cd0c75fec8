import type { TranscriptSegment } from '../ports.ts';
import { dedupeRollingCaptions } from './dedupe.ts';
import { detectCaptionFormat } from './detect.ts';
import type { CaptionFormat } from './errors.ts';
import { parseJson3 } from './json3.ts';
import { parseSrt } from './srt.ts';
import { parseSrv3 } from './srv3.ts';
import { parseVtt } from './vtt.ts';

/**
 * Parses a caption file of any supported format into clean, de-duplicated segments (seconds).
 *
 * @example
 * const { format, segments } = parseCaptions(fs.readFileSync('abc.en.vtt', 'utf8'), { filename: 'abc.en.vtt' });
 * @throws CaptionParseError (non-retriable) saying which line is wrong and which formats work.
 */
export function parseCaptions(
  text: string,
  opts: { format?: CaptionFormat; filename?: string } = {},
): { format: CaptionFormat; segments: TranscriptSegment[] } {
  const format = opts.format ?? detectCaptionFormat(text, opts.filename);
  const raw = parseRaw(format, text, opts.filename);
  const segments = dedupeRollingCaptions(raw);
  return { format, segments };
}

function parseRaw(format: CaptionFormat, text: string, source?: string): TranscriptSegment[] {
  switch (format) {
    case 'vtt':
      return parseVtt(text, source);
    case 'srt':
      return parseSrt(text, source);
    case 'json3':
      return parseJson3(text, source);
    case 'srv3':
      return parseSrv3(text, source);
  }
}
