import type { CaptionTrack } from '../ports.ts';

/*
 * What the per-video steps hand each other inside a run (ctx.inputs). Plain data, so a run that
 * processes a playlist passes many of these while a partitioned run passes one.
 */

/** A video a run will process, with the requests that asked for it. */
export interface VideoWork {
  readonly videoId: string;
  readonly url: string;
  readonly requestIds: readonly number[];
  readonly language: string;
  readonly force: boolean;
}

/** A video whose media (audio and/or captions) is on disk. */
export interface MediaWork extends VideoWork {
  /** audio_files row to transcribe; null when captions make ASR unnecessary. */
  readonly audioFileId: number | null;
  readonly audioPath: string | null;
  readonly captions: CaptionTrack | null;
}

/** A video whose transcript segments are stored. */
export interface TranscriptWork extends VideoWork {
  readonly segments: number;
  readonly source: string;
}

export interface YoutubeUrlsOutput {
  readonly videos: readonly VideoWork[];
}
export interface DownloadedOutput {
  readonly videos: readonly MediaWork[];
}
export interface UnprocessedOutput {
  readonly items: readonly MediaWork[];
}
export interface TranscribedOutput {
  readonly videos: readonly TranscriptWork[];
}
