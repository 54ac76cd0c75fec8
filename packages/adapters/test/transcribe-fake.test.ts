import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NonRetriableError } from '@llm-rag-yt/orchestrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTranscriber } from '../src/fake-asr/index.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fake-asr-'));
  execFileSync('ffmpeg', [
    '-nostdin',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    'anullsrc=r=16000:cl=mono',
    '-t',
    '25',
    '-c:a',
    'pcm_s16le',
    join(dir, 'a.wav'),
  ]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('FakeTranscriber (use_fake_asr)', () => {
  it('produces deterministic segments covering the duration, each saying it is fake', async () => {
    const t = new FakeTranscriber();
    const a = await t.transcribe(join(dir, 'a.wav'), { language: 'en' });
    const b = await t.transcribe(join(dir, 'a.wav'), { language: 'en' });
    expect(a).toEqual(b);
    expect(a.source).toBe('fake');
    expect(a.segments.map((s) => [s.start, s.end])).toEqual([
      [0, 10],
      [10, 20],
      [20, 25],
    ]);
    expect(a.segments.every((s) => s.text.startsWith('[fake transcript]'))).toBe(true);
    expect((await t.check()).detail).toMatch(/FAKE/);
  });

  it('rejects files that are not WAV', async () => {
    writeFileSync(join(dir, 'x.wav'), 'not a wav file at all, just text padding'.repeat(4));
    await expect(
      new FakeTranscriber().transcribe(join(dir, 'x.wav'), { language: 'auto' }),
    ).rejects.toBeInstanceOf(NonRetriableError);
  });
});
