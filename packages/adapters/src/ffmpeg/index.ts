export { MediaError, type MediaProblem } from '../shared/media-error.ts';
export { FfmpegAudioConverter, type FfmpegConfig } from './ffmpeg-audio-converter.ts';
export type { MediaProbe } from './probe.ts';
