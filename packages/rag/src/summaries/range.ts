import { InvalidInputError } from '@llm-rag-yt/orchestrator';
import { formatTime } from '../answer/citations.ts';
import type { Chapter, ChatModel, TranscriptSegment } from '../ports.ts';
import { type KeyPoint, summaryLabel, type VideoSummary } from '../store/summaries.ts';
import { deepLink, parseTimestamp } from '../youtube/url.ts';
import { summarize } from './summarize.ts';

/** A part of a video, in seconds from its start. */
export interface TimeRange {
  start: number;
  end: number;
}

/** A summary of part of a video, made on request (not stored). */
export interface RangeSummary extends Omit<VideoSummary, 'transcriptHash' | 'createdAt' | 'updatedAt'> {
  start: number;
  end: number;
}

/**
 * "10:00-20:00", "1:02:03–1:10:00" or "600-1200" (seconds) as a range.
 * @throws InvalidInputError saying what is accepted
 * @example parseTimeRange('10:00-20:00') // { start: 600, end: 1200 }
 */
export function parseTimeRange(text: string): TimeRange {
  const parts = text.trim().split(/\s*[-–—]\s*/);
  const start = parts.length === 2 ? parseTimestamp(parts[0]!) : undefined;
  const end = parts.length === 2 ? parseTimestamp(parts[1]!) : undefined;
  if (start === undefined || end === undefined)
    throw new InvalidInputError(
      `'${text.trim()}' is not a time range. Write it as start-end, e.g. 10:00-20:00 or 1:02:03-1:10:00.`,
    );
  if (end <= start)
    throw new InvalidInputError(
      `The range ${formatTime(start)}-${formatTime(end)} ends before it starts; the end must come after the start.`,
    );
  return { start, end };
}

/**
 * Summarises the part of a transcript between `range.start` and `range.end` (segments that
 * overlap it), with the chat model when there is one, else extractively.
 * @throws InvalidInputError when nothing is said in that range
 */
export async function summarizeRange(input: {
  videoId: string;
  sourceUrl?: string;
  segments: readonly TranscriptSegment[];
  chapters: readonly Chapter[];
  range: TimeRange;
  chat: ChatModel | null;
  contextChars?: number;
  signal?: AbortSignal;
}): Promise<RangeSummary> {
  const { start, end } = input.range;
  const inside = input.segments.filter((s) => s.end > start && s.start < end && s.text.trim());
  if (inside.length === 0) {
    const last = input.segments.at(-1)?.end;
    throw new InvalidInputError(
      `Nothing is said between ${formatTime(start)} and ${formatTime(end)}` +
        (last !== undefined
          ? ` (the transcript ends at ${formatTime(last)}).`
          : ' (the video has no transcript).'),
    );
  }
  const chapters = input.chapters
    .filter((c) => c.end > start && c.start < end)
    .map((c) => ({ ...c, start: Math.max(c.start, start), end: Math.min(c.end, end) }));
  const draft = await summarize({
    segments: inside,
    chapters,
    chat: input.chat,
    contextChars: input.contextChars,
    signal: input.signal,
  });
  const keyPoints: KeyPoint[] = draft.keyPoints.map((p) => ({
    ...p,
    url: deepLink(input.videoId, p.start, input.sourceUrl),
  }));
  return {
    videoId: input.videoId,
    mode: draft.mode,
    label: summaryLabel(draft.mode),
    summary: draft.summary,
    keyPoints,
    chapters: draft.chapters,
    start,
    end,
  };
}
