import { InvalidInputError } from '@llm-rag-yt/orchestrator';

export type CaptionFormat = 'vtt' | 'srt' | 'json3' | 'srv3';

export const SUPPORTED_CAPTION_FORMATS =
  'WebVTT (.vtt, starts with "WEBVTT"), SRT (.srt, numbered cues with "00:00:01,000 --> 00:00:02,000") YouTube json3 (.json3, {"events": [...]}) and YouTube srv3 (.srv3, <timedtext format="3">)';

const FORMAT_NAMES: Record<CaptionFormat, string> = {
  vtt: 'WebVTT',
  srt: 'SRT',
  json3: 'YouTube json3',
  srv3: 'YouTube srv3',
};

/** A caption file is malformed. Says which format, which line, and what was expected. */
/** Invalid input: a run that meets one does not retry (isPermanentFailure). */
export class CaptionParseError extends InvalidInputError {
  readonly format: CaptionFormat | null;
  /** 1-based line number, when the problem has one. */
  readonly line: number | null;
  constructor(format: CaptionFormat | null, line: number | null, reason: string, source?: string) {
    const what = format ? `${FORMAT_NAMES[format]} captions` : 'captions';
    const where = [source ? `in ${source}` : '', line !== null ? `at line ${line}` : '']
      .filter(Boolean)
      .join(' ');
    super(
      `Could not parse ${what}${where ? ` ${where}` : ''}: ${reason}. Supported formats: ${SUPPORTED_CAPTION_FORMATS}.`,
    );
    this.name = 'CaptionParseError';
    this.format = format;
    this.line = line;
  }
}
