import { describe, expect, it } from 'vitest';
import { chunkSegments } from '../src/chunking/chunk-segments.ts';
import type { TranscriptSegment } from '../src/ports.ts';

function words(n: number, prefix = 'w'): string {
  return Array.from({ length: n }, (_, i) => `${prefix}${i}`).join(' ');
}

describe('chunkSegments', () => {
  it('returns nothing for no segments or only blank text', () => {
    expect(chunkSegments([])).toEqual([]);
    expect(
      chunkSegments([
        { start: 0, end: 2, text: '   ' },
        { start: 2, end: 3, text: '' },
      ]),
    ).toEqual([]);
  });

  it('keeps a short transcript in one chunk with its times', () => {
    const chunks = chunkSegments([
      { start: 1.5, end: 3, text: 'hello  there' },
      { start: 3, end: 5.25, text: '\n general kenobi ' },
    ]);
    expect(chunks).toEqual([{ idx: 0, start: 1.5, end: 5.25, text: 'hello there general kenobi' }]);
  });

  it('cuts by word count with overlap and never splits a word', () => {
    const segs: TranscriptSegment[] = Array.from({ length: 30 }, (_, i) => ({
      start: i * 2,
      end: i * 2 + 2,
      text: words(10, `s${i}_`),
    }));
    const chunks = chunkSegments(segs, { targetWords: 100, maxSeconds: 1000, overlapWords: 20 });
    const all = segs.flatMap((s) => s.text.split(' '));
    expect(chunks.map((c) => c.idx)).toEqual(chunks.map((_, i) => i));
    for (const c of chunks) {
      const ws = c.text.split(' ');
      expect(ws.length).toBeLessThanOrEqual(100);
      for (const w of ws) expect(all).toContain(w);
    }
    // Consecutive chunks share exactly the overlap words.
    const a = chunks[0].text.split(' ');
    const b = chunks[1].text.split(' ');
    expect(b.slice(0, 20)).toEqual(a.slice(-20));
    // Every word is covered, in order.
    expect(chunks.at(-1)?.text.split(' ').at(-1)).toBe(all.at(-1));
    expect(chunks[0].start).toBe(0);
    expect(chunks.at(-1)?.end).toBe(60);
  });

  it('cuts by time when speech is sparse', () => {
    const segs = Array.from({ length: 20 }, (_, i) => ({
      start: i * 10,
      end: i * 10 + 10,
      text: `word${i} more${i}`,
    }));
    const chunks = chunkSegments(segs, { targetWords: 120, maxSeconds: 60, overlapWords: 0 });
    expect(chunks.length).toBeGreaterThan(2);
    for (const c of chunks) expect(c.end - c.start).toBeLessThanOrEqual(60);
    for (let i = 1; i < chunks.length; i++)
      expect(chunks[i].start).toBeGreaterThanOrEqual(chunks[i - 1].start);
  });

  it('spreads one very long segment over many chunks with interpolated times', () => {
    const chunks = chunkSegments([{ start: 0, end: 3600, text: words(9000) }], {
      targetWords: 120,
      overlapWords: 20,
    });
    expect(chunks.length).toBeGreaterThan(70);
    expect(chunks[0].start).toBe(0);
    expect(chunks.at(-1)?.end).toBe(3600);
    const mid = chunks[Math.floor(chunks.length / 2)];
    expect(mid.start).toBeGreaterThan(1500);
    expect(mid.start).toBeLessThan(2100);
  });

  it('tolerates bad times and an overlap larger than the chunk', () => {
    const chunks = chunkSegments(
      [
        { start: Number.NaN, end: 2, text: 'a b c' },
        { start: 5, end: 4, text: 'd e' },
      ],
      { targetWords: 2, overlapWords: 10 },
    );
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((c) => Number.isFinite(c.start) && c.end >= c.start)).toBe(true);
    expect(chunks.at(-1)?.text.endsWith('e')).toBe(true);
  });

  it('chunks a one-hour transcript in a few milliseconds', () => {
    const segs = Array.from({ length: 1200 }, (_, i) => ({
      start: i * 3,
      end: i * 3 + 3,
      text: words(8, `x${i}_`),
    }));
    // Best of several runs: the shared 2-core machine makes single timings noisy.
    let best = Number.POSITIVE_INFINITY;
    let chunks = chunkSegments(segs);
    for (let i = 0; i < 8; i++) {
      const t0 = performance.now();
      chunks = chunkSegments(segs);
      best = Math.min(best, performance.now() - t0);
    }
    expect(chunks.length).toBeGreaterThan(90);
    expect(best).toBeLessThan(50);
  });
});
