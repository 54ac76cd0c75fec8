import type { TranscriptSegment } from '../ports.ts';
import { CaptionParseError } from './errors.ts';
import { cleanCaptionLine } from './text.ts';
import { parseTimingLine } from './timestamp.ts';

/**
 * Parses WebVTT into one segment per cue; the cue's lines stay separated by '\n' so
 * `dedupeRollingCaptions` can see YouTube's scrolling two-line cues. Markup, inline
 * timestamps and entities are removed; empty cues are dropped.
 * @throws CaptionParseError naming the line when the header or a cue timing is malformed.
 */
export function parseVtt(text: string, source?: string): TranscriptSegment[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  if (!/^WEBVTT(?:[ \t].*)?$/.test(lines[0] ?? '')) {
    throw new CaptionParseError(
      'vtt',
      1,
      `expected the first line to be 'WEBVTT', found '${clip(lines[0] ?? '')}'`,
      source,
    );
  }
  const out: TranscriptSegment[] = [];
  let i = 1;
  // Header lines (Kind:, Language:) run until the first blank line.
  while (i < lines.length && lines[i]!.trim() !== '') i++;
  while (i < lines.length) {
    while (i < lines.length && lines[i]!.trim() === '') i++;
    if (i >= lines.length) break;
    const blockStart = i;
    const first = lines[i]!;
    if (/^(NOTE|STYLE|REGION)(\s|$)/.test(first)) {
      while (i < lines.length && lines[i]!.trim() !== '') i++;
      continue;
    }
    let timing = parseTimingLine(first);
    if (!timing && first.includes('-->')) throw badTiming(blockStart, first, source);
    if (!timing) {
      // First line is a cue identifier; the timing must follow.
      i++;
      const second = lines[i] ?? '';
      timing = parseTimingLine(second);
      if (!timing) {
        throw second.includes('-->')
          ? badTiming(i, second, source)
          : new CaptionParseError(
              'vtt',
              blockStart + 1,
              `expected a cue timing line like '00:00:01.000 --> 00:00:04.000', found '${clip(first)}'`,
              source,
            );
      }
    }
    i++;
    const body: string[] = [];
    // Only a truly empty line ends a cue: YouTube's auto-captions use ' ' lines inside cues.
    // A timing line without a blank line before it also starts a new cue (common in hand-made files).
    while (i < lines.length && lines[i] !== '' && !parseTimingLine(lines[i]!)) {
      body.push(cleanCaptionLine(lines[i]!));
      i++;
    }
    const textLines = body.filter(Boolean);
    if (textLines.length) out.push({ start: timing.start, end: timing.end, text: textLines.join('\n') });
  }
  return out;
}

function badTiming(index: number, line: string, source?: string): CaptionParseError {
  return new CaptionParseError(
    'vtt',
    index + 1,
    `'${clip(line)}' is not a valid cue timing (expected 'HH:MM:SS.mmm --> HH:MM:SS.mmm')`,
    source,
  );
}

function clip(s: string): string {
  return s.length > 80 ? `${s.slice(0, 80)}…` : s;
}
