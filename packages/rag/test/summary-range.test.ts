import { describe, expect, it } from 'vitest';
import { digestMessages } from '../src/subscriptions/progress.ts';
import { parseTimeRange, summarizeRange } from '../src/summaries/range.ts';

const segments = [
  { start: 0, end: 3, text: 'Glaciers are rivers of ice that move slowly downhill.' },
  { start: 3, end: 6, text: 'Volcanic eruptions throw ash high into the atmosphere.' },
  { start: 600, end: 603, text: 'Coral reefs grow in warm and shallow ocean water.' },
];

describe('time ranges for /summary URL 10:00-20:00', () => {
  it('reads m:ss, h:mm:ss and seconds, with any dash', () => {
    expect(parseTimeRange('10:00-20:00')).toEqual({ start: 600, end: 1200 });
    expect(parseTimeRange('1:02:03–1:10:00')).toEqual({ start: 3723, end: 4200 });
    expect(parseTimeRange(' 0:03 - 0:06 ')).toEqual({ start: 3, end: 6 });
    expect(parseTimeRange('600—1200')).toEqual({ start: 600, end: 1200 });
  });

  it('refuses what is not a range, saying how to write one', () => {
    for (const bad of ['soon', '10:00', '10:61-11:00', '1:75:00-2:00:00', '10:00-20:00-30:00', '-5-10'])
      expect(() => parseTimeRange(bad), bad).toThrow(
        /is not a time range\. Write it as start-end, e.g\. 10:00-20:00/,
      );
    expect(() => parseTimeRange('20:00-10:00')).toThrow(/20:00-10:00 ends before it starts/);
    expect(() => parseTimeRange('5:00-5:00')).toThrow(/ends before it starts/);
  });

  it('summarises only the segments inside the range, with links to their moments', async () => {
    const part = await summarizeRange({
      videoId: 'site:lesson-page',
      sourceUrl: 'http://127.0.0.1:9/videos/lesson.html',
      segments,
      chapters: [],
      range: { start: 2, end: 10 },
      chat: null,
    });
    expect(part).toMatchObject({ start: 2, end: 10, mode: 'extractive' });
    // The first segment overlaps the range (0–3 s), the last one is far outside it.
    expect(part.summary).toContain('Volcanic eruptions');
    expect(part.summary).not.toContain('Coral reefs');
    expect(part.keyPoints.map((p) => p.url)).toContain('http://127.0.0.1:9/videos/lesson.html#t=3');
    expect(part.label).toMatch(/^Extractive summary/);
    await expect(
      summarizeRange({ videoId: 'v', segments, chapters: [], range: { start: 700, end: 800 }, chat: null }),
    ).rejects.toThrow('Nothing is said between 11:40 and 13:20 (the transcript ends at 10:03).');
  });
});

describe('daily digest messages', () => {
  it('one message when the notices fit, several numbered ones when not, never a notice cut', () => {
    expect(digestMessages(['<b>a</b>', '<b>b</b>'])).toEqual([
      '📰 <b>Daily digest: 2 new video(s)</b>\n\n<b>a</b>\n\n<b>b</b>',
    ]);
    const notices = Array.from({ length: 12 }, (_, i) => `🆕 <b>Video ${i}</b>\n${'x'.repeat(900)}`);
    const messages = digestMessages(notices);
    expect(messages.length).toBeGreaterThan(1);
    for (const m of messages) expect(m.length).toBeLessThanOrEqual(4000);
    expect(messages[0]).toContain(`Daily digest: 12 new video(s) (1/${messages.length})`);
    // Every notice is in exactly one message, whole and in order.
    const joined = messages.join('\n');
    for (const n of notices) expect(joined.split(n).length - 1).toBe(1);
    expect(messages.flatMap((m) => [...m.matchAll(/Video (\d+)/g)].map((x) => Number(x[1])))).toEqual(
      notices.map((_, i) => i),
    );
  });
});
