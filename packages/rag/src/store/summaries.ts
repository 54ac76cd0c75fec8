import type { Kysely } from 'kysely';
import { parseJson } from './requests.ts';

/** One key point of a summary, with the moment it is about. */
export interface KeyPoint {
  text: string;
  /** Seconds from the start of the video. */
  start: number;
  /** Deep link to that moment. */
  url: string;
}

export interface ChapterSummary {
  title: string;
  start: number;
  summary: string;
}

export interface VideoSummary {
  videoId: string;
  /** 'llm:<model>' or 'extractive'. */
  mode: string;
  /** Shown with the summary: says how it was made (an extractive one is labelled as such). */
  label: string;
  summary: string;
  keyPoints: KeyPoint[];
  /** Per-chapter summaries of long videos (empty when summarised in one piece). */
  chapters: ChapterSummary[];
  /** Hash of the transcript it was made from; a changed transcript makes it stale. */
  transcriptHash: string;
  createdAt: number;
  updatedAt: number;
}

export const EXTRACTIVE_LABEL =
  'Extractive summary (no chat model configured): the most central sentences of the transcript, with their times.';

export function summaryLabel(mode: string): string {
  return mode === 'extractive' ? EXTRACTIVE_LABEL : `Summary by ${mode.replace(/^llm:/, '')}.`;
}

/** `video_summaries`: one summary per video, replaced when its transcript changes. */
export class SummaryRepository {
  constructor(private readonly db: Kysely<any>) {}

  async get(videoId: string): Promise<VideoSummary | undefined> {
    const r = await this.db
      .selectFrom('video_summaries')
      .selectAll()
      .where('video_id', '=', videoId)
      .executeTakeFirst();
    if (!r) return undefined;
    return {
      videoId: r.video_id,
      mode: r.mode,
      label: summaryLabel(r.mode),
      summary: r.summary,
      keyPoints: parseJson(r.key_points, []),
      chapters: parseJson(r.chapters, []),
      transcriptHash: r.transcript_hash,
      createdAt: Number(r.created_at),
      updatedAt: Number(r.updated_at),
    };
  }

  async put(
    s: Omit<VideoSummary, 'createdAt' | 'updatedAt' | 'label'>,
    now = Date.now(),
  ): Promise<VideoSummary> {
    const values = {
      mode: s.mode,
      summary: s.summary,
      key_points: JSON.stringify(s.keyPoints),
      chapters: JSON.stringify(s.chapters),
      transcript_hash: s.transcriptHash,
      updated_at: now,
    };
    await this.db
      .insertInto('video_summaries')
      .values({ video_id: s.videoId, ...values, created_at: now })
      .onConflict((oc) => oc.column('video_id').doUpdateSet(values))
      .execute();
    return (await this.get(s.videoId))!;
  }
}
