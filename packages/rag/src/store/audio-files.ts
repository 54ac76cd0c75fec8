import type { Kysely } from 'kysely';

export type AudioStatus = 'pending' | 'completed' | 'failed';

export interface AudioFile {
  id: number;
  videoId: string;
  path: string;
  bytes: number | null;
  durationSeconds: number | null;
  status: AudioStatus;
  error: string | null;
  contentHash: string | null;
  createdAt: number;
  updatedAt: number;
}

/** `audio_files`: audio waiting for (pending) or done with (completed/failed) transcription. */
export class AudioFileRepository {
  constructor(private readonly db: Kysely<any>) {}

  async add(
    input: {
      videoId: string;
      path: string;
      bytes?: number | null;
      durationSeconds?: number | null;
      contentHash?: string | null;
    },
    now = Date.now(),
  ): Promise<AudioFile> {
    const row = await this.db
      .insertInto('audio_files')
      .values({
        video_id: input.videoId,
        path: input.path,
        bytes: input.bytes ?? null,
        duration_seconds: input.durationSeconds ?? null,
        status: 'pending',
        error: null,
        content_hash: input.contentHash ?? null,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toAudio(row);
  }

  async get(id: number): Promise<AudioFile | undefined> {
    const row = await this.db.selectFrom('audio_files').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toAudio(row) : undefined;
  }

  async list(opts: { videoId?: string; status?: AudioStatus; limit?: number } = {}): Promise<AudioFile[]> {
    let q = this.db.selectFrom('audio_files').selectAll();
    if (opts.videoId) q = q.where('video_id', '=', opts.videoId);
    if (opts.status) q = q.where('status', '=', opts.status);
    const rows = await q
      .orderBy('id')
      .limit(opts.limit ?? 1000)
      .execute();
    return rows.map(toAudio);
  }

  async findByHash(contentHash: string): Promise<AudioFile | undefined> {
    const row = await this.db
      .selectFrom('audio_files')
      .selectAll()
      .where('content_hash', '=', contentHash)
      .orderBy('id', 'desc')
      .executeTakeFirst();
    return row ? toAudio(row) : undefined;
  }

  async setStatus(
    id: number,
    status: AudioStatus,
    error: string | null = null,
    now = Date.now(),
  ): Promise<void> {
    await this.db
      .updateTable('audio_files')
      .set({ status, error, updated_at: now })
      .where('id', '=', id)
      .execute();
  }

  async countByStatus(): Promise<Record<AudioStatus, number>> {
    const rows = await this.db
      .selectFrom('audio_files')
      .select(['status', (eb) => eb.fn.countAll().as('n')])
      .groupBy('status')
      .execute();
    const out: Record<AudioStatus, number> = { pending: 0, completed: 0, failed: 0 };
    for (const r of rows) out[r.status as AudioStatus] = Number(r.n);
    return out;
  }

  async deleteForVideo(videoId: string): Promise<AudioFile[]> {
    const rows = await this.list({ videoId });
    await this.db.deleteFrom('audio_files').where('video_id', '=', videoId).execute();
    return rows;
  }
}

function toAudio(r: any): AudioFile {
  return {
    id: Number(r.id),
    videoId: r.video_id,
    path: r.path,
    bytes: r.bytes === null ? null : Number(r.bytes),
    durationSeconds: r.duration_seconds === null ? null : Number(r.duration_seconds),
    status: r.status,
    error: r.error ?? null,
    contentHash: r.content_hash ?? null,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}
