import { formatClock } from '@llm-rag-yt/format';
import { chapterAt } from '../chapters/chapters.ts';
import type { Chapter } from '../ports.ts';
import type { SearchHit } from '../search/types.ts';
import type { Citation } from '../service/types.ts';
import { deepLink } from '../youtube/url.ts';

/** 75 → '01:15', 3725 → '1:02:05' (citations write two-digit minutes, as chat messages do). */
export function formatTime(seconds: number): string {
  return formatClock(seconds, { padMinutes: true });
}

/** '01:15–01:45' */
export function formatRange(start: number, end: number): string {
  return `${formatTime(start)}–${formatTime(end)}`;
}

/** Snippets stay short enough for a Telegram message with five sources. */
const SNIPPET_CHARS = 240;

/** A search hit, with the evidence span inside it when retrieval localised one. */
export type CitableHit = SearchHit & {
  evidence?: { start: number; end: number; text: string };
  context?: { start: number; end: number };
  relevance?: number;
};

/**
 * The citation shows and links the evidence (the matched sentences) when there is one, and
 * carries the passage it was found in as `context`.
 */
/** `chapters`: the video's chapters, so the citation names the one its evidence falls in. */
export function toCitation(hit: CitableHit, chapters?: readonly Chapter[]): Citation {
  const ev = hit.evidence;
  const chapter = chapters?.length ? chapterAt(chapters, ev?.start ?? hit.start) : null;
  return {
    videoId: hit.videoId,
    title: hit.title ?? hit.videoId,
    channel: hit.channel,
    start: ev?.start ?? hit.start,
    end: ev?.end ?? hit.end,
    url: deepLink(hit.videoId, ev?.start ?? hit.start, hit.url ?? undefined),
    snippet: snippet(ev?.text ?? hit.text),
    score: Math.round(hit.score * 10_000) / 10_000,
    chunkId: hit.chunkId,
    chapter: chapter?.title ?? null,
    ...(ev ? { evidence: { ...ev } } : {}),
    context: hit.context ? { ...hit.context } : { start: hit.start, end: hit.end },
    ...(hit.relevance !== undefined ? { relevance: hit.relevance } : {}),
  };
}

function snippet(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  if (t.length <= SNIPPET_CHARS) return t;
  const cut = t.lastIndexOf(' ', SNIPPET_CHARS);
  return `${t.slice(0, cut > SNIPPET_CHARS / 2 ? cut : SNIPPET_CHARS)}…`;
}

/** "[1] Title (01:15–01:45) https://youtu.be/ID?t=75" — one line per source, for plain-text answers. */
export function formatSources(citations: readonly Citation[]): string {
  return citations
    .map(
      (c, i) =>
        `[${i + 1}] ${c.title}${c.chapter ? ` › ${c.chapter}` : ''} (${formatRange(c.start, c.end)}) ${c.url}`,
    )
    .join('\n');
}
