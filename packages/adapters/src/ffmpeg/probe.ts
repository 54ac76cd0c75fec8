/** What ffprobe tells us about a media file; plain data, no vendor types. */
export interface MediaProbe {
  durationSeconds: number | null;
  hasAudio: boolean;
  hasVideo: boolean;
  formatName: string | null;
  audioCodec: string | null;
}

/** Parses `ffprobe -of json -show_entries format=duration,format_name:stream=codec_type,codec_name`. */
export function parseProbeJson(stdout: string): MediaProbe {
  const doc = JSON.parse(stdout) as {
    format?: { duration?: string; format_name?: string };
    streams?: { codec_type?: string; codec_name?: string; duration?: string }[];
  };
  const streams = doc.streams ?? [];
  const audio = streams.find((s) => s.codec_type === 'audio');
  const fromFormat = Number.parseFloat(doc.format?.duration ?? '');
  const fromAudio = Number.parseFloat(audio?.duration ?? '');
  const duration = Number.isFinite(fromFormat) ? fromFormat : Number.isFinite(fromAudio) ? fromAudio : null;
  return {
    durationSeconds: duration,
    hasAudio: Boolean(audio),
    hasVideo: streams.some((s) => s.codec_type === 'video'),
    formatName: doc.format?.format_name ?? null,
    audioCodec: audio?.codec_name ?? null,
  };
}

/** `ffmpeg version 5.1.9-0+deb12u1 Copyright …` → '5.1.9-0+deb12u1'. */
export function parseToolVersion(stdout: string): string {
  return /version\s+(\S+)/.exec(stdout)?.[1] ?? stdout.split('\n')[0]?.trim() ?? 'unknown';
}
