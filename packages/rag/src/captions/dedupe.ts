import type { TranscriptSegment } from '../ports.ts';

/** Cues further apart than this are not part of one scrolling caption. */
const CONTINUITY_SECONDS = 1;

/**
 * Turns raw cues (lines separated by '\n', as the parsers return them) into clean one-line
 * segments, removing the repetition of YouTube's scrolling auto-captions:
 * - each line is shown twice as it scrolls up (once as the new bottom line, then as the top
 *   line of the next cue) — a leading line repeated from the previous cue is dropped;
 * - the ~10 ms "snapshot" cues that only repeat text already shown are folded into the previous
 *   segment's end time;
 * - cues that grow word by word ("hello" → "hello world") are merged into one segment;
 * - blank filler cues (' ') are dropped; overlapping ends are clipped to the next start.
 * Manual captions pass through unchanged apart from line joining.
 */
export function dedupeRollingCaptions(segments: readonly TranscriptSegment[]): TranscriptSegment[] {
  const ordered = segments
    .map((s, i) => ({ s, i }))
    .sort((a, b) => a.s.start - b.s.start || a.i - b.i)
    .map((x) => x.s);
  const out: { start: number; end: number; lines: string[] }[] = [];
  let onScreen: string[] = [];
  let lastEnd = Number.NEGATIVE_INFINITY;
  for (const seg of ordered) {
    const lines = seg.text
      .split('\n')
      .map((l) => l.replace(/\s+/g, ' ').trim())
      .filter(Boolean);
    if (!lines.length) continue;
    if (seg.start - lastEnd > CONTINUITY_SECONDS) onScreen = [];
    let k = 0;
    while (k < lines.length && onScreen.includes(lines[k]!)) k++;
    const fresh = lines.slice(k);
    const prev = out[out.length - 1];
    onScreen = lines;
    lastEnd = Math.max(lastEnd, seg.end);
    if (!fresh.length) {
      if (prev) prev.end = Math.max(prev.end, seg.end);
      continue;
    }
    const prevLast = prev?.lines[prev.lines.length - 1];
    if (
      prev &&
      prevLast &&
      seg.start - prev.end <= CONTINUITY_SECONDS &&
      fresh[0]!.startsWith(`${prevLast} `)
    ) {
      prev.lines[prev.lines.length - 1] = fresh[0]!;
      prev.lines.push(...fresh.slice(1));
      prev.end = Math.max(prev.end, seg.end);
      onScreen = [...lines];
      continue;
    }
    out.push({ start: seg.start, end: seg.end, lines: fresh });
  }
  return out.map((seg, i) => {
    const next = out[i + 1];
    const end = next && next.start > seg.start && seg.end > next.start ? next.start : seg.end;
    return { start: round(seg.start), end: round(Math.max(seg.start, end)), text: seg.lines.join(' ') };
  });
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
