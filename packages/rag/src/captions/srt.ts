import type { TranscriptSegment } from '../ports.ts';
import { CaptionParseError } from './errors.ts';
import { cleanCaptionLine } from './text.ts';
import { parseTimingLine } from './timestamp.ts';

/**
 * Parses SubRip (SRT): blocks of an optional counter, a `00:00:01,000 --> 00:00:04,000` line
 * and text. Lines of a cue are kept separated by '\n' (see `dedupeRollingCaptions`).
 * @throws CaptionParseError naming the line when a block has no valid timing.
 */
export function parseSrt(text: string, source?: string): TranscriptSegment[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const out: TranscriptSegment[] = [];
  let i = 0;
  while (i < lines.length) {
    while (i < lines.length && lines[i]!.trim() === '') i++;
    if (i >= lines.length) break;
    const blockStart = i;
    if (/^\d+$/.test(lines[i]!.trim())) i++;
    const timingLine = lines[i] ?? '';
    const timing = parseTimingLine(timingLine.replace(/\s+X1:.*$/, ''));
    if (!timing) {
      const found = timingLine.trim() ? `'${clip(timingLine)}'` : 'nothing';
      throw new CaptionParseError(
        'srt',
        i + 1,
        `expected a timing line like '00:00:01,000 --> 00:00:04,000' in the cue starting at line ${blockStart + 1}, found ${found}`,
        source,
      );
    }
    i++;
    const body: string[] = [];
    while (i < lines.length && lines[i]!.trim() !== '') {
      body.push(cleanCaptionLine(lines[i]!));
      i++;
    }
    const textLines = body.filter(Boolean);
    if (textLines.length) out.push({ start: timing.start, end: timing.end, text: textLines.join('\n') });
  }
  return out;
}

function clip(s: string): string {
  return s.length > 80 ? `${s.slice(0, 80)}…` : s;
}
