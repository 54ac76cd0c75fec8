export { MediaError, type MediaProblem } from './errors.ts';
export { FfmpegAudioConverter, type FfmpegConfig } from './ffmpeg-audio-converter.ts';
export type { MediaProbe } from './probe.ts';
