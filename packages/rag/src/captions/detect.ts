import { type CaptionFormat, CaptionParseError } from './errors.ts';

/**
 * Guesses a caption file's format from its content, then from its file name.
 * @throws CaptionParseError listing the supported formats when neither says.
 */
export function detectCaptionFormat(text: string, filename?: string): CaptionFormat {
  const head = text
    .replace(/^\uFEFF/, '')
    .trimStart()
    .slice(0, 4096);
  if (/^WEBVTT(?:[ \t\r\n]|$)/.test(head)) return 'vtt';
  if (head.startsWith('{') && /"events"\s*:/.test(head)) return 'json3';
  if (head.startsWith('<') && /<timedtext[\s>]/.test(head)) return 'srv3';
  if (/^\d+[ \t]*\r?\n[ \t]*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}[ \t]+-->/.test(head)) return 'srt';
  const ext = /\.([a-z0-9]+)$/i.exec(filename ?? '')?.[1]?.toLowerCase();
  if (ext === 'vtt') return 'vtt';
  if (ext === 'srt') return 'srt';
  if (ext === 'json3' || ext === 'json') return 'json3';
  if (ext === 'srv3' || ext === 'xml') return 'srv3';
  throw new CaptionParseError(
    null,
    null,
    `${filename ? `'${filename}'` : 'the text'} does not look like a caption file (no WEBVTT header, no numbered SRT cue, no json3 "events", no srv3 <timedtext>)`,
  );
}
