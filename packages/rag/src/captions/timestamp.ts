/**
 * Parses a cue timestamp into seconds: `HH:MM:SS.mmm`, `MM:SS.mmm` (WebVTT) or `HH:MM:SS,mmm` (SRT).
 * Returns null when the text is not a timestamp.
 */
export function parseCueTimestamp(s: string): number | null {
  const m = /^(?:(\d+):)?([0-5]?\d):([0-5]?\d)(?:[.,](\d{1,3}))?$/.exec(s.trim());
  if (!m) return null;
  const ms = m[4] ? Number(m[4].padEnd(3, '0')) : 0;
  return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]) + ms / 1000;
}

/** `start --> end [settings]` → seconds, or null when the line is not a timing line. */
export function parseTimingLine(line: string): { start: number; end: number } | null {
  const m = /^\s*(\S+)\s+-->\s+(\S+)/.exec(line);
  if (!m) return null;
  const start = parseCueTimestamp(m[1]!);
  const end = parseCueTimestamp(m[2]!);
  if (start === null || end === null) return null;
  return { start, end: Math.max(start, end) };
}
