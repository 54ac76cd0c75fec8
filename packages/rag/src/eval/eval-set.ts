import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { InvalidInputError } from '@llm-rag-yt/orchestrator';
import { z } from 'zod';
import type { TranscriptImport } from '../service/import-many.ts';

/*
 * An evaluation set on disk: `videos.jsonl` ({video_id, title, file, language?, description?}),
 * the transcript files it names, and `questions.jsonl` ({question, video_id, start, end}).
 * Every problem is reported with the file and line, before anything is imported.
 */

export interface EvalQuestion {
  question: string;
  videoId: string;
  /** Gold answer span, seconds. */
  start: number;
  end: number;
  /** questions.jsonl line, for reports. */
  line: number;
}

export interface EvalSet {
  dir: string;
  videos: TranscriptImport[];
  questions: EvalQuestion[];
}

export class EvalSetError extends InvalidInputError {
  constructor(message: string) {
    super(message);
    this.name = 'EvalSetError';
  }
}

const videoLine = z.object({
  video_id: z.string().min(1),
  title: z.string().optional(),
  file: z.string().min(1),
  language: z.string().optional(),
  description: z.string().optional(),
  url: z.string().optional(),
});

const questionLine = z
  .object({
    question: z.string().trim().min(1, 'the question is empty'),
    video_id: z.string().min(1),
    start: z.number({ error: 'gold span start (seconds) is missing' }).nonnegative(),
    end: z.number({ error: 'gold span end (seconds) is missing' }).nonnegative(),
  })
  .refine((q) => q.end >= q.start, { message: 'gold span end is before its start' });

/** Reads a JSON-lines file; blank lines are skipped, every other line must be one JSON object. */
export async function readJsonLines(path: string): Promise<{ line: number; value: unknown }[]> {
  const text = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new EvalSetError(
      e.code === 'ENOENT' ? `${path} does not exist.` : `Cannot read ${path}: ${e.message}`,
    );
  });
  const out: { line: number; value: unknown }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '') return;
    try {
      out.push({ line: i + 1, value: JSON.parse(raw) });
    } catch (e) {
      throw new EvalSetError(`${path}:${i + 1}: not valid JSON (${(e as Error).message}).`);
    }
  });
  return out;
}

function issue(error: z.ZodError): string {
  const first = error.issues[0];
  if (!first) return 'invalid';
  const path = first.path.join('.');
  return path ? `${path}: ${first.message}` : first.message;
}

/** Reads a `videos.jsonl` manifest; transcript paths are relative to the manifest's folder. */
export async function readVideoManifest(path: string): Promise<TranscriptImport[]> {
  const dir = resolve(path, '..');
  const videos: TranscriptImport[] = [];
  const ids = new Set<string>();
  for (const { line, value } of await readJsonLines(path)) {
    const parsed = videoLine.safeParse(value);
    if (!parsed.success) throw new EvalSetError(`${path}:${line}: ${issue(parsed.error)}.`);
    const v = parsed.data;
    if (ids.has(v.video_id))
      throw new EvalSetError(`${path}:${line}: video_id '${v.video_id}' is listed twice.`);
    ids.add(v.video_id);
    const file = isAbsolute(v.file) ? v.file : join(dir, v.file);
    if (!(await stat(file).catch(() => null))?.isFile())
      throw new EvalSetError(
        `${path}:${line}: transcript file '${v.file}' does not exist (looked at ${file}).`,
      );
    videos.push({
      path: file,
      videoId: v.video_id,
      ...(v.title ? { title: v.title } : {}),
      ...(v.description ? { description: v.description } : {}),
      ...(v.language ? { language: v.language } : {}),
      ...(v.url ? { url: v.url } : {}),
      origin: `${path}:${line}`,
    });
  }
  if (videos.length === 0) throw new EvalSetError(`${path} lists no videos.`);
  return videos;
}

/** Loads and checks a whole set. Throws EvalSetError naming file and line. */
export async function loadEvalSet(dir: string): Promise<EvalSet> {
  const root = resolve(dir);
  if (!(await stat(root).catch(() => null))?.isDirectory())
    throw new EvalSetError(
      `Eval set '${dir}' is not a folder (expected videos.jsonl, questions.jsonl, transcripts).`,
    );
  const videos = await readVideoManifest(join(root, 'videos.jsonl'));
  const known = new Set(videos.map((v) => v.videoId));
  const qPath = join(root, 'questions.jsonl');
  const questions: EvalQuestion[] = [];
  for (const { line, value } of await readJsonLines(qPath)) {
    const parsed = questionLine.safeParse(value);
    if (!parsed.success) throw new EvalSetError(`${qPath}:${line}: ${issue(parsed.error)}.`);
    const q = parsed.data;
    if (!known.has(q.video_id))
      throw new EvalSetError(`${qPath}:${line}: video_id '${q.video_id}' is not in videos.jsonl.`);
    questions.push({ question: q.question, videoId: q.video_id, start: q.start, end: q.end, line });
  }
  if (questions.length === 0) throw new EvalSetError(`${qPath} holds no questions.`);
  return { dir: root, videos, questions };
}

/** A reproducible sample (seeded Fisher–Yates on a copy); all questions when n ≥ their number. */
export function sampleQuestions(
  questions: readonly EvalQuestion[],
  n: number | undefined,
  seed: number,
): EvalQuestion[] {
  const all = [...questions];
  if (n === undefined || n >= all.length) return all;
  let s = seed >>> 0 || 1;
  const rand = () => {
    // mulberry32: tiny, well-distributed, same sequence everywhere.
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all.slice(0, n).sort((a, b) => a.line - b.line);
}
