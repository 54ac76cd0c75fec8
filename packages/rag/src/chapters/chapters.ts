import type { Chapter } from '../ports.ts';

/*
 * Chapters of a video: the source's own (yt-dlp `chapters`) when it has them, else the
 * "0:00 Intro" lines of its description, the way YouTube itself derives chapters: the first
 * timestamp is 0:00, at least two, ascending. Anything else is treated as ordinary text, so a
 * description that merely mentions "at 3:15" does not become a chapter list.
 */

// "0:00 Intro", "00:00 - Intro", "1:02:03 – Q&A", "[12:30] Demo", "Intro 0:00" is not accepted (YouTube neither).
const LINE = /^\s*(?:[-*•▶►]\s*)?[[(]?((?:\d{1,2}:)?\d{1,2}:\d{2})[\])]?\s*(?:[-–—:|.)]\s*)?(.+?)\s*$/;

function seconds(ts: string): number {
  const parts = ts.split(':').map(Number);
  return parts.reduce((acc, p) => acc * 60 + p, 0);
}

/**
 * Chapters from "0:00 Intro"-style lines of a description; [] when it has none.
 * @example parseDescriptionChapters('0:00 Intro\n1:30 Setup\n5:00 Demo', 600)
 * // [{ start: 0, end: 90, title: 'Intro' }, { start: 90, end: 300, title: 'Setup' }, { start: 300, end: 600, title: 'Demo' }]
 */
export function parseDescriptionChapters(
  description: string | null | undefined,
  durationSeconds: number | null | undefined,
): Chapter[] {
  if (!description) return [];
  const marks: { start: number; title: string }[] = [];
  for (const line of description.split(/\r?\n/)) {
    const m = LINE.exec(line);
    if (!m) continue;
    const title = m[2]!.replace(/\s+/g, ' ').trim();
    if (!title) continue;
    marks.push({ start: seconds(m[1]!), title: title.slice(0, 200) });
  }
  if (marks.length < 2 || marks[0]!.start !== 0) return [];
  for (let i = 1; i < marks.length; i++) if (marks[i]!.start <= marks[i - 1]!.start) return [];
  const duration =
    typeof durationSeconds === 'number' && durationSeconds > marks.at(-1)!.start ? durationSeconds : null;
  return marks.map((m, i) => ({
    start: m.start,
    end: i + 1 < marks.length ? marks[i + 1]!.start : (duration ?? m.start),
    title: m.title,
  }));
}

/** Metadata chapters cleaned up (sorted, titled, non-negative), else the description's. */
export function chaptersFor(meta: {
  chapters?: readonly Chapter[] | null;
  description: string | null;
  durationSeconds: number | null;
}): { chapters: Chapter[]; source: 'metadata' | 'description' | null } {
  const own = (meta.chapters ?? [])
    .filter((c) => Number.isFinite(c.start) && c.start >= 0)
    .map((c, i) => ({
      start: c.start,
      end: Number.isFinite(c.end) && c.end > c.start ? c.end : c.start,
      title: (c.title ?? '').trim() || `Chapter ${i + 1}`,
    }))
    .sort((a, b) => a.start - b.start);
  if (own.length > 0) return { chapters: own, source: 'metadata' };
  const fromText = parseDescriptionChapters(meta.description, meta.durationSeconds);
  return { chapters: fromText, source: fromText.length ? 'description' : null };
}

/** The chapter a moment falls in (the last one starting at or before it), or null. */
export function chapterAt(chapters: readonly Chapter[], second: number): Chapter | null {
  let found: Chapter | null = null;
  for (const c of chapters) {
    if (c.start <= second + 0.001) found = c;
    else break;
  }
  return found;
}
