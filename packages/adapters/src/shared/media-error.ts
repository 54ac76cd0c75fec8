import { NonRetriableError } from '@llm-rag-yt/orchestrator';

export type MediaProblem = 'missing' | 'empty' | 'corrupt' | 'no_audio' | 'not_installed';

/** A media file cannot be used; retrying will not help. `problem` is stored on the request. */
export class MediaError extends NonRetriableError {
  readonly problem: MediaProblem;
  readonly path: string;
  constructor(problem: MediaProblem, path: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MediaError';
    this.problem = problem;
    this.path = path;
  }
}

export const FFMPEG_INSTALL_HINT =
  'Install ffmpeg (it includes ffprobe): `apt-get install ffmpeg`, `brew install ffmpeg`, or a static build from https://ffmpeg.org/download.html, and configure its path if it is not on PATH.';
