import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { ProcessError, runProcess } from '@llm-rag-yt/orchestrator';
import type { AudioConverter } from '@llm-rag-yt/rag';
import { FFMPEG_INSTALL_HINT, MediaError } from '../shared/media-error.ts';
import { type MediaProbe, parseProbeJson, parseToolVersion } from './probe.ts';

export interface FfmpegConfig {
  /** Default 'ffmpeg'. */
  ffmpegPath?: string;
  /** Default 'ffprobe'. */
  ffprobePath?: string;
  /** Per-command time limit. Default 30 minutes (hours of audio on a slow box). */
  timeoutMs?: number;
}

/**
 * AudioConverter on the ffmpeg/ffprobe executables. Every failure that retrying cannot fix
 * (missing, empty or corrupt file, no audio stream) is a `MediaError` (non-retriable).
 *
 * @example
 * const ff = new FfmpegAudioConverter({ ffmpegPath: '/usr/bin/ffmpeg' });
 * const { path, durationSeconds } = await ff.toWav16kMono('talk.m4a', '/data/audio/abc.wav');
 */
export class FfmpegAudioConverter implements AudioConverter {
  readonly ffmpegPath: string;
  readonly ffprobePath: string;
  private readonly timeoutMs: number;

  constructor(config: FfmpegConfig = {}) {
    this.ffmpegPath = config.ffmpegPath ?? 'ffmpeg';
    this.ffprobePath = config.ffprobePath ?? 'ffprobe';
    this.timeoutMs = config.timeoutMs ?? 30 * 60_000;
  }

  async check(): Promise<{ name: string; version: string; path: string }> {
    const ffmpeg = await this.version(this.ffmpegPath, 'ffmpeg');
    await this.version(this.ffprobePath, 'ffprobe');
    return { name: 'ffmpeg', version: ffmpeg, path: this.ffmpegPath };
  }

  /** Streams, duration and container of a media file. */
  async probe(input: string, signal?: AbortSignal): Promise<MediaProbe> {
    await assertReadableMedia(input);
    let probe: MediaProbe;
    const args = [
      '-v',
      'error',
      '-of',
      'json',
      '-show_entries',
      'format=duration,format_name:stream=codec_type,codec_name,duration',
      input,
    ];
    try {
      const { stdout } = await runProcess(this.ffprobePath, args, { signal, timeoutMs: 60_000 });
      probe = parseProbeJson(stdout);
    } catch (e) {
      throw this.toMediaError(e, input, 'ffprobe');
    }
    // ffmpeg's 'tty' demuxer happily "plays" any text file as ANSI art.
    if (probe.formatName === 'tty' || (!probe.hasAudio && !probe.hasVideo)) {
      throw new MediaError(
        'corrupt',
        input,
        `'${basename(input)}' is not an audio or video file (ffprobe sees format '${probe.formatName ?? 'unknown'}' with no media streams).`,
      );
    }
    return probe;
  }

  async probeDuration(input: string, signal?: AbortSignal): Promise<number> {
    const p = await this.probe(input, signal);
    if (p.durationSeconds === null) {
      throw new MediaError(
        'corrupt',
        input,
        `ffprobe could not tell the duration of '${input}'; the file is probably truncated or not a media file.`,
      );
    }
    return p.durationSeconds;
  }

  async toWav16kMono(
    input: string,
    output: string,
    signal?: AbortSignal,
  ): Promise<{ path: string; durationSeconds: number; bytes: number }> {
    const p = await this.probe(input, signal);
    if (!p.hasAudio) {
      throw new MediaError(
        'no_audio',
        input,
        `'${basename(input)}' has no audio track${p.hasVideo ? ' (video only)' : ''}, so there is nothing to transcribe. Use a file or video with sound.`,
      );
    }
    // Write beside the target and rename, so a crash never leaves a half WAV that looks finished.
    const partial = `${output}.part`;
    const args = [
      '-nostdin',
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-i',
      input,
      '-vn',
      '-sn',
      '-dn',
      '-ac',
      '1',
      '-ar',
      '16000',
      '-c:a',
      'pcm_s16le',
      // A plain 44-byte header (no LIST/encoder chunk) keeps the byte-count duration below exact.
      '-map_metadata',
      '-1',
      '-fflags',
      '+bitexact',
      '-f',
      'wav',
      partial,
    ];
    try {
      await runProcess(this.ffmpegPath, args, { signal, timeoutMs: this.timeoutMs });
      await rename(partial, output);
    } catch (e) {
      await rm(partial, { force: true });
      throw this.toMediaError(e, input, 'ffmpeg');
    }
    const bytes = (await stat(output)).size;
    if (bytes <= 44) {
      await rm(output, { force: true });
      throw new MediaError(
        'corrupt',
        input,
        `ffmpeg decoded no audio samples from '${basename(input)}'; the audio stream is empty or broken.`,
      );
    }
    // PCM s16 mono 16 kHz: exact duration from the sample count, no second probe needed.
    return { path: output, durationSeconds: (bytes - 44) / 32_000, bytes };
  }

  async split(
    input: string,
    maxSeconds: number,
    outDir: string,
    signal?: AbortSignal,
  ): Promise<{ path: string; offsetSeconds: number }[]> {
    if (!(maxSeconds > 0)) throw new RangeError(`split: maxSeconds must be > 0, got ${maxSeconds}`);
    await assertReadableMedia(input);
    await mkdir(outDir, { recursive: true });
    const stem = basename(input, extname(input));
    const listPath = join(outDir, `${stem}.segments.csv`);
    const pattern = join(outDir, `${stem}.part%04d.wav`);
    const args = [
      '-nostdin',
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-i',
      input,
      '-vn',
      '-ac',
      '1',
      '-ar',
      '16000',
      '-c:a',
      'pcm_s16le',
      '-f',
      'segment',
      '-segment_time',
      String(maxSeconds),
      '-segment_list',
      listPath,
      '-segment_list_type',
      'csv',
      '-reset_timestamps',
      '1',
      pattern,
    ];
    try {
      await runProcess(this.ffmpegPath, args, { signal, timeoutMs: this.timeoutMs });
    } catch (e) {
      throw this.toMediaError(e, input, 'ffmpeg');
    }
    // csv lines: "<file>,<start>,<end>" — the start is the offset we need for segment times.
    const csv = await readFile(listPath, 'utf8');
    await rm(listPath, { force: true });
    return csv
      .split('\n')
      .filter((l) => l.trim())
      .map((line) => {
        const [file, start] = line.split(',');
        return { path: join(outDir, file!), offsetSeconds: Number.parseFloat(start!) };
      });
  }

  /** Mean and peak loudness in dBFS; silence is around -91 dB. Useful to explain an empty transcript. */
  async volume(input: string, signal?: AbortSignal): Promise<{ meanDb: number; maxDb: number }> {
    const args = ['-nostdin', '-hide_banner', '-i', input, '-vn', '-af', 'volumedetect', '-f', 'null', '-'];
    let stderr: string;
    try {
      ({ stderr } = await runProcess(this.ffmpegPath, args, { signal, timeoutMs: this.timeoutMs }));
    } catch (e) {
      throw this.toMediaError(e, input, 'ffmpeg');
    }
    const num = (re: RegExp) => Number.parseFloat(re.exec(stderr)?.[1] ?? '-inf');
    return {
      meanDb: num(/mean_volume:\s*(-?[\d.]+|-?inf) dB/),
      maxDb: num(/max_volume:\s*(-?[\d.]+|-?inf) dB/),
    };
  }

  private async version(path: string, name: string): Promise<string> {
    try {
      const { stdout } = await runProcess(path, ['-version'], { timeoutMs: 15_000 });
      return parseToolVersion(stdout);
    } catch (e) {
      throw new MediaError(
        'not_installed',
        path,
        `${name} is not usable at '${path}': ${(e as Error).message} ${FFMPEG_INSTALL_HINT}`,
        { cause: e },
      );
    }
  }

  private toMediaError(e: unknown, input: string, tool: string): Error {
    if (!(e instanceof ProcessError)) return e as Error;
    if (e.kind === 'spawn') {
      return new MediaError('not_installed', input, `${e.message} ${FFMPEG_INSTALL_HINT}`, { cause: e });
    }
    if (e.kind !== 'exit') return e; // aborted / timeout: let the run machinery decide
    const detail = lastLine(e.stderrTail) || `exit code ${e.exitCode}`;
    return new MediaError(
      'corrupt',
      input,
      `${tool} cannot read '${basename(input)}': ${detail}. The file is corrupt, truncated or not a media file.`,
      { cause: e },
    );
  }
}

/** Missing and zero-byte files get their own clear message before any tool runs. */
async function assertReadableMedia(input: string): Promise<void> {
  let size: number;
  try {
    const s = await stat(input);
    if (!s.isFile()) throw new MediaError('missing', input, `'${input}' is not a file.`);
    size = s.size;
  } catch (e) {
    if (e instanceof MediaError) throw e;
    throw new MediaError(
      'missing',
      input,
      `Media file '${input}' does not exist or cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}).`,
    );
  }
  if (size === 0)
    throw new MediaError(
      'empty',
      input,
      `Media file '${basename(input)}' is empty (0 bytes); the download or upload did not finish.`,
    );
}

function lastLine(s: string): string {
  const lines = s
    .trim()
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines[lines.length - 1] ?? '';
}
