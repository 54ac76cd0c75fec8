import type { TranscriptSegment } from '../ports.ts';

/** A searchable piece of a transcript. Times are seconds from the start of the video. */
export interface Chunk {
  idx: number;
  start: number;
  end: number;
  text: string;
}

export interface ChunkOptions {
  /** Words per chunk before a new one starts. Default 120. */
  targetWords?: number;
  /** A chunk never spans more than this many seconds of video (unless one segment alone is longer). Default 60. */
  maxSeconds?: number;
  /** Words repeated at the start of the next chunk so an answer cut at a boundary is still found. Default 20. */
  overlapWords?: number;
}

/** Words with the time span each was spoken in (interpolated inside its segment); parallel arrays stay cheap for long transcripts. */
interface TimedWords {
  text: string[];
  start: number[];
  end: number[];
}

/**
 * Splits a transcript into overlapping chunks by word count and time, never inside a word.
 *
 * A segment's words get times interpolated across the segment, so a very long segment (a whole
 * caption file in one cue) still yields chunks with meaningful start/end seconds.
 *
 * @example
 * chunkSegments([{ start: 0, end: 4, text: 'hello world' }]) // [{ idx: 0, start: 0, end: 4, text: 'hello world' }]
 */
export function chunkSegments(segments: readonly TranscriptSegment[], opts: ChunkOptions = {}): Chunk[] {
  const targetWords = Math.max(1, Math.floor(opts.targetWords ?? 120));
  const maxSeconds = Math.max(1, opts.maxSeconds ?? 60);
  // Overlap must leave room for progress, or the chunker would loop on the same words.
  const overlapWords = Math.min(Math.max(0, Math.floor(opts.overlapWords ?? 20)), targetWords - 1);

  const words = timedWords(segments);
  const chunks: Chunk[] = [];
  let from = 0;
  const n = words.text.length;
  while (from < n) {
    const first = words.start[from];
    let to = from + 1; // exclusive
    while (to < n && to - from < targetWords && words.end[to] - first <= maxSeconds) to++;
    chunks.push({
      idx: chunks.length,
      start: round(words.start[from]),
      end: round(words.end[to - 1]),
      text: words.text.slice(from, to).join(' '),
    });
    if (to >= n) break;
    // Step back for overlap, but always advance at least one word.
    from = Math.max(from + 1, to - overlapWords);
  }
  return chunks;
}

function timedWords(segments: readonly TranscriptSegment[]): TimedWords {
  const out: TimedWords = { text: [], start: [], end: [] };
  for (const seg of segments) {
    if (!seg || typeof seg.text !== 'string') continue;
    const parts = seg.text.split(/\s+/).filter((w) => w.length > 0);
    if (parts.length === 0) continue;
    const start = finite(seg.start, 0);
    const end = Math.max(start, finite(seg.end, start));
    const step = (end - start) / parts.length;
    for (let i = 0; i < parts.length; i++) {
      out.text.push(parts[i]);
      out.start.push(start + step * i);
      out.end.push(start + step * (i + 1));
    }
  }
  return out;
}

function finite(n: number, fallback: number): number {
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

/** Millisecond precision is plenty for deep links and keeps floats readable in the database. */
function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
