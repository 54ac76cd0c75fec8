import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FfmpegAudioConverter, MediaError } from '../src/ffmpeg/index.ts';

const ff = new FfmpegAudioConverter();
let dir: string;

function ffmpeg(...args: string[]) {
  execFileSync('ffmpeg', ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', ...args]);
}
function ffprobeStream(path: string): string {
  return execFileSync(
    'ffprobe',
    ['-v', 'error', '-show_entries', 'stream=codec_name,sample_rate,channels', '-of', 'csv=p=0', path],
    { encoding: 'utf8' },
  ).trim();
}
async function mediaError(p: Promise<unknown>): Promise<MediaError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(MediaError);
  expect((e as MediaError).code).toBe('NON_RETRIABLE');
  return e as MediaError;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ffmpeg-test-'));
  ffmpeg(
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:duration=5:sample_rate=44100',
    '-ac',
    '2',
    '-c:a',
    'aac',
    join(dir, 'tone.m4a'),
  );
  ffmpeg(
    '-f',
    'lavfi',
    '-i',
    'anullsrc=r=48000:cl=stereo',
    '-t',
    '3',
    '-c:a',
    'libmp3lame',
    join(dir, 'silence.mp3'),
  );
  ffmpeg(
    '-f',
    'lavfi',
    '-i',
    'color=c=black:s=32x32:r=5',
    '-t',
    '2',
    '-c:v',
    'mpeg4',
    join(dir, 'video-only.mp4'),
  );
  writeFileSync(join(dir, 'empty.mp4'), '');
  writeFileSync(
    join(dir, 'corrupt.mp4'),
    Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)),
  );
  writeFileSync(join(dir, 'notes.txt'), 'this is not media\n'.repeat(50));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('FfmpegAudioConverter', () => {
  it('check() reports versions of the real binaries, and a clear install hint when missing', async () => {
    const info = await ff.check();
    expect(info).toMatchObject({ name: 'ffmpeg', path: 'ffmpeg' });
    expect(info.version).toMatch(/\d/);
    const missing = new FfmpegAudioConverter({ ffmpegPath: '/nonexistent/ffmpeg' });
    const e = await mediaError(missing.check());
    expect(e.problem).toBe('not_installed');
    expect(e.message).toMatch(/'\/nonexistent\/ffmpeg'.*Install ffmpeg/s);
  });

  it('converts stereo 44.1 kHz AAC to 16 kHz mono PCM WAV with the right duration', async () => {
    const out = join(dir, 'tone.wav');
    const r = await ff.toWav16kMono(join(dir, 'tone.m4a'), out);
    expect(r.path).toBe(out);
    expect(r.bytes).toBe(statSync(out).size);
    expect(r.durationSeconds).toBeGreaterThan(4.9);
    expect(r.durationSeconds).toBeLessThan(5.2);
    expect(ffprobeStream(out)).toBe('pcm_s16le,16000,1');
    expect(await ff.probeDuration(out)).toBeCloseTo(r.durationSeconds, 1);
  });

  it('converts a silent file (silence is valid audio) and measures it as silent', async () => {
    const r = await ff.toWav16kMono(join(dir, 'silence.mp3'), join(dir, 'silence.wav'));
    expect(r.durationSeconds).toBeGreaterThan(2.9);
    const v = await ff.volume(r.path);
    expect(v.maxDb).toBeLessThan(-80);
    const tone = await ff.volume(join(dir, 'tone.m4a'));
    expect(tone.maxDb).toBeGreaterThan(-30); // lavfi's sine is at 1/8 full scale
  });

  it('rejects an empty file, a corrupt file, a text file, a missing file and a video without audio', async () => {
    const empty = await mediaError(ff.toWav16kMono(join(dir, 'empty.mp4'), join(dir, 'x.wav')));
    expect(empty.problem).toBe('empty');
    expect(empty.message).toMatch(/empty\.mp4' is empty \(0 bytes\)/);

    const corrupt = await mediaError(ff.toWav16kMono(join(dir, 'corrupt.mp4'), join(dir, 'x.wav')));
    expect(corrupt.problem).toBe('corrupt');
    expect(corrupt.message).toMatch(/cannot read 'corrupt\.mp4': .+corrupt, truncated or not a media file/);

    const text = await mediaError(ff.probeDuration(join(dir, 'notes.txt')));
    expect(text.problem).toBe('corrupt');
    expect(text.message).toMatch(/'notes.txt' is not an audio or video file/);

    const missing = await mediaError(ff.toWav16kMono(join(dir, 'nope.mp4'), join(dir, 'x.wav')));
    expect(missing.problem).toBe('missing');

    const noAudio = await mediaError(ff.toWav16kMono(join(dir, 'video-only.mp4'), join(dir, 'x.wav')));
    expect(noAudio.problem).toBe('no_audio');
    expect(noAudio.message).toMatch(/has no audio track \(video only\)/);
    expect(() => statSync(join(dir, 'x.wav'))).toThrow();
    expect(() => statSync(join(dir, 'x.wav.part'))).toThrow();
  });

  it('splits a WAV into pieces with offsets that add up', async () => {
    const wav = join(dir, 'tone.wav');
    const pieces = await ff.split(wav, 2, join(dir, 'pieces'));
    expect(pieces.map((p) => Math.round(p.offsetSeconds))).toEqual([0, 2, 4]);
    let total = 0;
    for (const p of pieces) {
      expect(ffprobeStream(p.path)).toBe('pcm_s16le,16000,1');
      total += await ff.probeDuration(p.path);
    }
    expect(total).toBeCloseTo(await ff.probeDuration(wav), 1);
  });

  it('honours an AbortSignal', async () => {
    const ac = new AbortController();
    ac.abort(new Error('user canceled'));
    await expect(ff.toWav16kMono(join(dir, 'tone.m4a'), join(dir, 'y.wav'), ac.signal)).rejects.toThrow(
      /user canceled/,
    );
  });
});
