import { open } from 'node:fs/promises';
import { formatClock } from '@llm-rag-yt/format';
import { NonRetriableError } from '@llm-rag-yt/orchestrator';
import type { OnProgress, Transcriber, Transcript, TranscriptSegment } from '@llm-rag-yt/rag';

export interface FakeTranscriberConfig {
  /** Length of each placeholder segment. Default 10 s. */
  segmentSeconds?: number;
}

/**
 * The seed's `use_fake_asr`: a development-only stand-in that produces deterministic placeholder
 * segments covering the audio's duration — no speech recognition at all. Every segment says it
 * is fake, and `source` is 'fake', so fake text can never pass for a real transcript. Wire it
 * only when the operator explicitly turns `use_fake_asr` on; it is never a default.
 */
export class FakeTranscriber implements Transcriber {
  readonly name = 'fake';
  private readonly segmentSeconds: number;

  constructor(config: FakeTranscriberConfig = {}) {
    this.segmentSeconds = config.segmentSeconds ?? 10;
  }

  async check(): Promise<{ name: string; version: string; detail?: string }> {
    return {
      name: 'fake',
      version: '1',
      detail: 'FAKE transcription (use_fake_asr): placeholder text, not speech recognition',
    };
  }

  async transcribe(
    wavPath: string,
    opts: { language: string; signal?: AbortSignal; onProgress?: OnProgress },
  ): Promise<Transcript> {
    opts.signal?.throwIfAborted();
    const duration = await wavDurationSeconds(wavPath);
    const segments: TranscriptSegment[] = [];
    for (let start = 0, i = 1; start < duration; start += this.segmentSeconds, i++) {
      const end = Math.min(duration, start + this.segmentSeconds);
      segments.push({
        start: round(start),
        end: round(end),
        text: `[fake transcript] segment ${i} from ${formatClock(start)} to ${formatClock(end)} (use_fake_asr is on; no speech recognition was done)`,
      });
    }
    opts.onProgress?.({ fraction: 1, message: 'fake transcript generated' });
    return { language: opts.language === 'auto' ? null : opts.language, segments, source: 'fake' };
  }
}

/** Duration from the WAV header (data chunk size / byte rate); no ffmpeg needed. */
export async function wavDurationSeconds(path: string): Promise<number> {
  const fh = await open(path, 'r').catch((e: NodeJS.ErrnoException) => {
    throw new NonRetriableError(`Audio file '${path}' cannot be read (${e.code ?? e.message}).`);
  });
  try {
    const head = Buffer.alloc(4096);
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    const { size } = await fh.stat();
    if (
      bytesRead < 44 ||
      head.toString('ascii', 0, 4) !== 'RIFF' ||
      head.toString('ascii', 8, 12) !== 'WAVE'
    ) {
      throw new NonRetriableError(`'${path}' is not a WAV file; convert it to 16 kHz mono WAV first.`);
    }
    let pos = 12;
    let byteRate = 0;
    while (pos + 8 <= bytesRead) {
      const id = head.toString('ascii', pos, pos + 4);
      const chunk = head.readUInt32LE(pos + 4);
      if (id === 'fmt ') byteRate = head.readUInt32LE(pos + 16);
      if (id === 'data') {
        // Streams written by ffmpeg to a pipe carry 0xFFFFFFFF; trust the file size then.
        const dataBytes = Math.min(chunk, size - pos - 8);
        return byteRate > 0 ? dataBytes / byteRate : 0;
      }
      pos += 8 + chunk + (chunk % 2);
    }
    throw new NonRetriableError(`'${path}' has no WAV data chunk in its first 4 KB; the file is corrupt.`);
  } finally {
    await fh.close();
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
