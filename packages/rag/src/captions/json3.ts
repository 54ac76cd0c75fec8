import type { TranscriptSegment } from '../ports.ts';
import { CaptionParseError } from './errors.ts';
import { cleanCaptionLine } from './text.ts';

interface Json3Event {
  tStartMs?: unknown;
  dDurationMs?: unknown;
  segs?: { utf8?: unknown }[];
}

/**
 * Parses YouTube's json3 timed text (`{"events":[{"tStartMs","dDurationMs","segs":[{"utf8"}]}]}`).
 * Window-definition events (no `segs`) and newline-only append events are skipped.
 * @throws CaptionParseError when the JSON is invalid or has no `events` array.
 */
export function parseJson3(text: string, source?: string): TranscriptSegment[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new CaptionParseError(
      'json3',
      jsonErrorLine(text, e),
      `invalid JSON (${(e as Error).message})`,
      source,
    );
  }
  const events = (doc as { events?: unknown } | null)?.events;
  if (!Array.isArray(events)) {
    throw new CaptionParseError('json3', null, 'the JSON has no "events" array', source);
  }
  const out: TranscriptSegment[] = [];
  events.forEach((raw, index) => {
    const ev = raw as Json3Event;
    if (!ev || !Array.isArray(ev.segs)) return;
    if (typeof ev.tStartMs !== 'number') {
      throw new CaptionParseError('json3', null, `events[${index}] has segs but no numeric tStartMs`, source);
    }
    const joined = ev.segs.map((s) => (typeof s?.utf8 === 'string' ? s.utf8 : '')).join('');
    const lines = joined.split('\n').map(cleanCaptionLine).filter(Boolean);
    if (!lines.length) return;
    const start = ev.tStartMs / 1000;
    const duration = typeof ev.dDurationMs === 'number' ? ev.dDurationMs / 1000 : 0;
    out.push({ start, end: start + Math.max(0, duration), text: lines.join('\n') });
  });
  return out;
}

/** V8 reports "at position N"; turn it into a 1-based line number when we can. */
function jsonErrorLine(text: string, e: unknown): number | null {
  const m = /position (\d+)/.exec((e as Error)?.message ?? '');
  if (!m) return null;
  return text.slice(0, Number(m[1])).split('\n').length;
}
