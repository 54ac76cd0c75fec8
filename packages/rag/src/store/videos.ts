import { type Kysely, sql } from 'kysely';
import type { Chapter, TranscriptSegment, VideoMetadata } from '../ports.ts';
import type { VideoCatalog, VideoLabel } from '../search/types.ts';
import type { Video } from '../service/types.ts';

export interface VideoPatch {
  title?: string;
  status?: Video['status'];
  transcriptSource?: string | null;
  language?: string | null;
  embeddingModel?: string | null;
  chunkCount?: number;
  durationSeconds?: number | null;
}

/** Ids per `IN (…)` list: far below SQLite's 32 766 bound parameters. */
const IN_BATCH = 500;

/** `videos` (one row per video id) and its transcript tables; the search index's VideoCatalog. */
export class VideoRepository implements VideoCatalog {
  constructor(private readonly db: Kysely<any>) {}

  /** Inserts or refreshes a video's metadata; keeps status and index fields of an existing row. */
  async upsert(meta: VideoMetadata, now = Date.now()): Promise<Video> {
    const values = {
      source: meta.source,
      url: meta.url,
      title: meta.title,
      channel: meta.channel,
      channel_id: meta.channelId,
      duration_seconds: meta.durationSeconds,
      upload_date: meta.uploadDate,
      language: meta.language,
      description: meta.description,
      updated_at: now,
    };
    await this.db
      .insertInto('videos')
      .values({ video_id: meta.videoId, ...values, status: 'downloaded', chunk_count: 0, created_at: now })
      .onConflict((oc) => oc.column('video_id').doUpdateSet(values))
      .execute();
    return (await this.get(meta.videoId))!;
  }

  async get(videoId: string): Promise<Video | undefined> {
    const row = await this.db
      .selectFrom('videos')
      .selectAll()
      .where('video_id', '=', videoId)
      .executeTakeFirst();
    return row ? toVideo(row) : undefined;
  }

  /** The indexed video downloaded from exactly this page URL (other sites' ids are known only after a download). */
  async findIndexedByUrl(url: string): Promise<Video | undefined> {
    const row = await this.db
      .selectFrom('videos')
      .selectAll()
      .where('url', '=', url)
      .where('status', '=', 'indexed')
      .executeTakeFirst();
    return row ? toVideo(row) : undefined;
  }

  /** Newest first. */
  /** Several videos in one query (retrieval reads the titles of every candidate's video). */
  async getMany(videoIds: readonly string[]): Promise<Video[]> {
    if (videoIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('videos')
      .selectAll()
      .where('video_id', 'in', [...videoIds])
      .execute();
    return rows.map(toVideo);
  }

  async labels(videoIds: readonly string[]): Promise<Map<string, VideoLabel>> {
    const ids = [...new Set(videoIds)];
    const out = new Map<string, VideoLabel>();
    for (let i = 0; i < ids.length; i += IN_BATCH) {
      const rows = await this.db
        .selectFrom('videos')
        .select(['video_id', 'title', 'channel', 'url'])
        .where('video_id', 'in', ids.slice(i, i + IN_BATCH))
        .execute();
      for (const r of rows)
        out.set(r.video_id, { title: r.title ?? null, channel: r.channel ?? null, url: r.url ?? null });
    }
    return out;
  }

  async idsInChannel(channel: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('videos')
      .select('video_id')
      .where('channel', '=', channel)
      .execute();
    return rows.map((r) => r.video_id as string);
  }

  async list(
    opts: { limit?: number; channel?: string; status?: Video['status']; text?: string } = {},
  ): Promise<Video[]> {
    let q = this.db.selectFrom('videos').selectAll();
    if (opts.channel) q = q.where('channel', '=', opts.channel);
    if (opts.status) q = q.where('status', '=', opts.status);
    if (opts.text?.trim()) {
      // Case-insensitive substring of title or channel on both dialects (Postgres LIKE is case-sensitive).
      const pattern = `%${opts.text
        .trim()
        .toLowerCase()
        .replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
      q = q.where((eb) =>
        eb.or([
          sql<boolean>`lower(title) like ${pattern} escape '\\'`,
          sql<boolean>`lower(coalesce(channel, '')) like ${pattern} escape '\\'`,
        ]),
      );
    }
    const rows = await q
      .orderBy('created_at', 'desc')
      .orderBy('video_id')
      .limit(opts.limit ?? 100)
      .execute();
    return rows.map(toVideo);
  }

  async count(status?: Video['status']): Promise<number> {
    let q = this.db.selectFrom('videos').select((eb) => eb.fn.countAll().as('n'));
    if (status) q = q.where('status', '=', status);
    const row = await q.executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async update(videoId: string, patch: VideoPatch, now = Date.now()): Promise<void> {
    const values: Record<string, unknown> = { updated_at: now };
    if (patch.title !== undefined) values.title = patch.title;
    if (patch.status !== undefined) values.status = patch.status;
    if (patch.transcriptSource !== undefined) values.transcript_source = patch.transcriptSource;
    if (patch.language !== undefined) values.language = patch.language;
    if (patch.embeddingModel !== undefined) values.embedding_model = patch.embeddingModel;
    if (patch.chunkCount !== undefined) values.chunk_count = patch.chunkCount;
    if (patch.durationSeconds !== undefined) values.duration_seconds = patch.durationSeconds;
    await this.db.updateTable('videos').set(values).where('video_id', '=', videoId).execute();
  }

  /** Deletes the video row and its transcript rows. Returns false when it did not exist. */
  async delete(videoId: string): Promise<boolean> {
    await this.db.deleteFrom('transcript_segments').where('video_id', '=', videoId).execute();
    await this.db.deleteFrom('transcript_files').where('video_id', '=', videoId).execute();
    await this.db.deleteFrom('video_chapters').where('video_id', '=', videoId).execute();
    await this.db.deleteFrom('video_summaries').where('video_id', '=', videoId).execute();
    const res = await this.db.deleteFrom('videos').where('video_id', '=', videoId).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  /** Replaces a video's transcript segments (re-transcription overwrites). */
  async replaceSegments(videoId: string, segments: readonly TranscriptSegment[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('transcript_segments').where('video_id', '=', videoId).execute();
      // Batches keep each statement under SQLite's bound-parameter limit.
      for (let i = 0; i < segments.length; i += 150) {
        const batch = segments.slice(i, i + 150).map((s, j) => ({
          video_id: videoId,
          idx: i + j,
          start: s.start,
          end: s.end,
          text: s.text,
        }));
        await trx.insertInto('transcript_segments').values(batch).execute();
      }
    });
  }

  async segments(videoId: string): Promise<TranscriptSegment[]> {
    const rows = await this.db
      .selectFrom('transcript_segments')
      .select(['start', 'end', 'text'])
      .where('video_id', '=', videoId)
      .orderBy('idx')
      .execute();
    return rows.map((r) => ({ start: Number(r.start), end: Number(r.end), text: r.text }));
  }

  /** Replaces a video's chapters ('metadata' from the source, or 'description' timestamps). */
  async replaceChapters(
    videoId: string,
    chapters: readonly Chapter[],
    source: 'metadata' | 'description',
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('video_chapters').where('video_id', '=', videoId).execute();
      for (let i = 0; i < chapters.length; i += 150) {
        const batch = chapters.slice(i, i + 150).map((c, j) => ({
          video_id: videoId,
          idx: i + j,
          start: c.start,
          end: c.end,
          title: c.title,
          source,
        }));
        await trx.insertInto('video_chapters').values(batch).execute();
      }
    });
  }

  /** A video's chapters in order; [] when it has none. */
  async chapters(videoId: string): Promise<Chapter[]> {
    const rows = await this.db
      .selectFrom('video_chapters')
      .select(['start', 'end', 'title'])
      .where('video_id', '=', videoId)
      .orderBy('idx')
      .execute();
    return rows.map((r) => ({ start: Number(r.start), end: Number(r.end), title: r.title }));
  }

  /** Chapters of several videos at once (for citations), keyed by video id. */
  async chaptersOf(videoIds: readonly string[]): Promise<Map<string, Chapter[]>> {
    const out = new Map<string, Chapter[]>();
    if (videoIds.length === 0) return out;
    const rows = await this.db
      .selectFrom('video_chapters')
      .select(['video_id', 'start', 'end', 'title'])
      .where('video_id', 'in', [...new Set(videoIds)])
      .orderBy('video_id')
      .orderBy('idx')
      .execute();
    for (const r of rows) {
      const list = out.get(r.video_id) ?? [];
      list.push({ start: Number(r.start), end: Number(r.end), title: r.title });
      out.set(r.video_id, list);
    }
    return out;
  }

  /** The stored description (chapters are derived from it when the source has none). */
  async description(videoId: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('videos')
      .select('description')
      .where('video_id', '=', videoId)
      .executeTakeFirst();
    return row?.description ?? null;
  }

  /** The segments that overlap [start, end] seconds, in order (localising a citation inside its passage). */
  async segmentsBetween(videoId: string, start: number, end: number): Promise<TranscriptSegment[]> {
    const rows = await this.db
      .selectFrom('transcript_segments')
      .select(['start', 'end', 'text'])
      .where('video_id', '=', videoId)
      .where('end', '>', start)
      .where('start', '<', end)
      .orderBy('idx')
      .execute();
    return rows.map((r) => ({ start: Number(r.start), end: Number(r.end), text: r.text }));
  }

  async addTranscriptFile(videoId: string, path: string, format: string, now = Date.now()): Promise<void> {
    await this.db
      .insertInto('transcript_files')
      .values({ video_id: videoId, path, format, created_at: now })
      .onConflict((oc) => oc.columns(['video_id', 'path']).doUpdateSet({ format, created_at: now }))
      .execute();
  }

  async transcriptFiles(videoId?: string): Promise<{ videoId: string; path: string; format: string }[]> {
    let q = this.db.selectFrom('transcript_files').selectAll();
    if (videoId) q = q.where('video_id', '=', videoId);
    const rows = await q.orderBy('created_at').execute();
    return rows.map((r) => ({ videoId: r.video_id, path: r.path, format: r.format }));
  }
}

function toVideo(r: any): Video {
  return {
    videoId: r.video_id,
    source: r.source,
    url: r.url,
    title: r.title,
    channel: r.channel ?? null,
    durationSeconds: r.duration_seconds === null ? null : Number(r.duration_seconds),
    uploadDate: r.upload_date ?? null,
    description: r.description ?? null,
    language: r.language ?? null,
    transcriptSource: r.transcript_source ?? null,
    status: r.status,
    chunkCount: Number(r.chunk_count),
    embeddingModel: r.embedding_model ?? null,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}
