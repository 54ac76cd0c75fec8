import { createHash } from 'node:crypto';
import { formatTime } from '../answer/citations.ts';
import { splitSentences } from '../answer/extractive.ts';
import type { Chapter, ChatModel, TranscriptSegment } from '../ports.ts';
import { stemWord, tokenize } from '../search/query.ts';
import type { ChapterSummary, KeyPoint } from '../store/summaries.ts';

/*
 * Summaries of a transcript. With a chat model: a short summary and 5–10 key points with times;
 * a transcript longer than the model's context is summarised part by part (its chapters, or
 * windows that fit) and the parts' summaries combined. Without one (or when the model's answer
 * is unusable): an extractive summary, the sentences most central to the whole transcript.
 */

export interface SummaryDraft {
  mode: string;
  summary: string;
  keyPoints: Omit<KeyPoint, 'url'>[];
  chapters: ChapterSummary[];
  /** Why the chat model was not used although configured (its error), if so. */
  fallbackReason?: string;
}

const MIN_POINTS = 5;
const MAX_POINTS = 10;

/** Hash of the transcript a summary is made from; a changed transcript gets a new summary. */
export function transcriptHash(segments: readonly TranscriptSegment[]): string {
  const h = createHash('sha256');
  for (const s of segments) h.update(`${s.start}|${s.end}|${s.text}\n`);
  return h.digest('hex').slice(0, 32);
}

interface Sentence {
  text: string;
  start: number;
  terms: Map<string, number>;
}

function sentencesOf(segments: readonly TranscriptSegment[]): Sentence[] {
  const out: Sentence[] = [];
  for (const seg of segments) {
    for (const text of splitSentences(seg.text)) {
      const terms = new Map<string, number>();
      // Words of 4+ letters stand in for a stop-word list in any language.
      for (const w of tokenize(text))
        if (w.length >= 4) terms.set(stemWord(w), (terms.get(stemWord(w)) ?? 0) + 1);
      if (terms.size >= 2) out.push({ text, start: seg.start, terms });
    }
  }
  return out;
}

/**
 * The most central sentences: cosine similarity of each sentence's terms (tf·idf over the
 * sentences) to the whole transcript's. Key points are the top 5–10 in time order; the summary
 * is the top three.
 */
export function extractiveSummary(segments: readonly TranscriptSegment[]): SummaryDraft {
  const sentences = sentencesOf(segments);
  if (sentences.length === 0) {
    const first = segments.find((s) => s.text.trim());
    return {
      mode: 'extractive',
      summary: first ? first.text.trim() : '',
      keyPoints: first ? [{ text: first.text.trim(), start: first.start }] : [],
      chapters: [],
    };
  }
  const df = new Map<string, number>();
  for (const s of sentences) for (const t of s.terms.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  const idf = (t: string) => Math.log(1 + sentences.length / (df.get(t) ?? 1));
  // Unit tf·idf vectors; a sentence's centrality is its summed similarity to all others
  // (LexRank's degree), so an aside sharing no words with the rest scores zero. Very long
  // transcripts compare against the whole transcript's vector instead (linear, not quadratic).
  const vectors = sentences.map((s) => {
    const v = new Map<string, number>();
    for (const [t, n] of s.terms) v.set(t, n * idf(t));
    const norm = Math.sqrt([...v.values()].reduce((a, x) => a + x * x, 0)) || 1;
    for (const [t, x] of v) v.set(t, x / norm);
    return v;
  });
  const dot = (a: Map<string, number>, b: Map<string, number>) => {
    let d = 0;
    for (const [t, x] of a) d += x * (b.get(t) ?? 0);
    return d;
  };
  const centroid = new Map<string, number>();
  if (vectors.length > 1500)
    for (const v of vectors) for (const [t, x] of v) centroid.set(t, (centroid.get(t) ?? 0) + x);
  const scored = vectors.map((v, i) => {
    let score = 0;
    if (vectors.length > 1500) score = dot(v, centroid) - 1;
    else for (let j = 0; j < vectors.length; j++) if (j !== i) score += dot(v, vectors[j]!);
    return { s: sentences[i]!, i, score };
  });
  const ranked = [...scored].sort((a, b) => b.score - a.score || a.i - b.i);
  const count = Math.min(
    sentences.length,
    Math.max(MIN_POINTS, Math.min(MAX_POINTS, Math.round(sentences.length / 8))),
  );
  const points = ranked
    .slice(0, count)
    .sort((a, b) => a.i - b.i)
    .map(({ s }) => ({ text: s.text, start: s.start }));
  const summary = ranked
    .slice(0, 3)
    .sort((a, b) => a.i - b.i)
    .map(({ s }) => s.text)
    .join(' ');
  return { mode: 'extractive', summary, keyPoints: points, chapters: [] };
}

function transcriptText(segments: readonly TranscriptSegment[]): string {
  return segments.map((s) => `[${formatTime(s.start)}] ${s.text.trim()}`).join('\n');
}

/** Parts that each fit the context: chapters when the video has them, else windows of segments. */
function parts(
  segments: readonly TranscriptSegment[],
  chapters: readonly Chapter[],
  contextChars: number,
): { title: string | null; start: number; segments: TranscriptSegment[] }[] {
  const out: { title: string | null; start: number; segments: TranscriptSegment[] }[] = [];
  if (chapters.length > 1) {
    chapters.forEach((c, i) => {
      const end = chapters[i + 1]?.start ?? Number.POSITIVE_INFINITY;
      const segs = segments.filter((s) => s.start >= c.start && s.start < end);
      if (segs.length) out.push({ title: c.title, start: c.start, segments: segs });
    });
  }
  const fitted: typeof out = [];
  for (const p of out.length
    ? out
    : [{ title: null, start: segments[0]?.start ?? 0, segments: [...segments] }]) {
    let current: TranscriptSegment[] = [];
    let size = 0;
    for (const s of p.segments) {
      const len = s.text.length + 12;
      if (size + len > contextChars && current.length) {
        fitted.push({ title: p.title, start: current[0]!.start, segments: current });
        current = [];
        size = 0;
      }
      current.push(s);
      size += len;
    }
    if (current.length) fitted.push({ title: p.title, start: current[0]!.start, segments: current });
  }
  return fitted;
}

const SYSTEM =
  'You summarise video transcripts. Lines start with [m:ss] timestamps. Answer with JSON only: ' +
  '{"summary": "<2-4 sentences>", "key_points": [{"text": "<one sentence>", "time": "<m:ss of where it is said>"}]} ' +
  'with 5 to 10 key points in the order they occur, in the language of the transcript. Use only what the transcript says.';

function parseTime(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v !== 'string') return null;
  const m = /^\[?(?:(\d+):)?(\d{1,2}):(\d{2})\]?$/.exec(v.trim());
  if (!m) return /^\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : null;
  return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}

/** The model's JSON (possibly in a code fence or with text around it). @throws when unusable */
export function parseModelSummary(text: string): { summary: string; keyPoints: Omit<KeyPoint, 'url'>[] } {
  const match = /\{[\s\S]*\}/.exec(text);
  if (!match) throw new Error('the model did not answer with JSON');
  const data = JSON.parse(match[0]) as { summary?: unknown; key_points?: unknown };
  if (typeof data.summary !== 'string' || !data.summary.trim()) throw new Error('the model gave no summary');
  const points = (Array.isArray(data.key_points) ? data.key_points : [])
    .map((p) => ({ text: String((p as any)?.text ?? '').trim(), start: parseTime((p as any)?.time) }))
    .filter((p): p is { text: string; start: number } => Boolean(p.text) && p.start !== null)
    .slice(0, MAX_POINTS);
  return { summary: data.summary.trim(), keyPoints: points };
}

async function ask(chat: ChatModel, user: string, signal?: AbortSignal) {
  const answer = await chat.complete(
    [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: user },
    ],
    { signal, temperature: 0.2, maxTokens: 900 },
  );
  return parseModelSummary(answer);
}

/** Summary by the chat model; on any failure the extractive summary, saying why. */
export async function summarize(input: {
  segments: readonly TranscriptSegment[];
  chapters: readonly Chapter[];
  chat: ChatModel | null;
  contextChars?: number;
  signal?: AbortSignal;
}): Promise<SummaryDraft> {
  const { segments, chat } = input;
  if (!chat) return extractiveSummary(segments);
  const contextChars = input.contextChars ?? 12_000;
  try {
    const pieces = parts(segments, input.chapters, contextChars);
    if (pieces.length <= 1) {
      const r = await ask(chat, `Transcript:\n${transcriptText(segments)}`, input.signal);
      return { mode: `llm:${chat.model}`, summary: r.summary, keyPoints: r.keyPoints, chapters: [] };
    }
    const chapterSummaries: ChapterSummary[] = [];
    const allPoints: Omit<KeyPoint, 'url'>[] = [];
    for (const p of pieces) {
      const heading = p.title ? `Chapter "${p.title}" of a longer video.\n` : 'A part of a longer video.\n';
      const r = await ask(chat, `${heading}Transcript:\n${transcriptText(p.segments)}`, input.signal);
      chapterSummaries.push({
        title: p.title ?? `From ${formatTime(p.start)}`,
        start: p.start,
        summary: r.summary,
      });
      allPoints.push(...r.keyPoints);
    }
    // Combine: the parts' summaries and key points (with their times) fit where the transcript did not.
    const combined = await ask(
      chat,
      'Summaries of consecutive parts of one video, with the key points found in each:\n\n' +
        chapterSummaries
          .map((c) => `[${formatTime(c.start)}] ${c.title}: ${c.summary}`)
          .concat(allPoints.map((k) => `[${formatTime(k.start)}] key point: ${k.text}`))
          .join('\n')
          .slice(0, contextChars),
      input.signal,
    );
    return {
      mode: `llm:${chat.model}`,
      summary: combined.summary,
      keyPoints: combined.keyPoints.length ? combined.keyPoints : allPoints.slice(0, MAX_POINTS),
      chapters: chapterSummaries,
    };
  } catch (e) {
    if (input.signal?.aborted) throw e;
    return { ...extractiveSummary(segments), fallbackReason: (e as Error).message };
  }
}
