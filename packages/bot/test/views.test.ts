import type { AskResult, YoutubeRequest } from '@llm-rag-yt/rag';
import { describe, expect, it } from 'vitest';
import { renderAnswer } from '../src/answer-view.ts';
import { MAX_CALLBACK_BYTES, parseCallback } from '../src/callback-data.ts';
import { extractLinks, packMessages, progressBar } from '../src/index.ts';
import { renderProgress } from '../src/progress-view.ts';
import { createRateLimiter } from '../src/rate-limit.ts';
import { parseTelegramHtml } from './helpers/fake-telegram.ts';

const ask = (answer: string, n = 3): AskResult => ({
  question: 'q',
  answer,
  mode: 'extractive',
  retrieval: 'lexical',
  latencyMs: 1234,
  queryId: 987654321,
  citations: Array.from({ length: n }, (_, i) => ({
    videoId: `vid${i}`,
    title: `Title <${i}> & "quotes"`,
    channel: null,
    start: 61 + i * 3600,
    end: 70,
    url: `https://youtu.be/abcdefghij${i}?t=${61 + i}&x=<y>`,
    snippet: 's',
    score: 0.5,
    chunkId: i,
  })),
});

describe('answer rendering', () => {
  it('splits answers over 4,096 characters into valid HTML messages without losing text', () => {
    const answer = `${'Vectors & <scalars> differ. '.repeat(400)}${'x'.repeat(5000)}`;
    const { messages, replyMarkup } = renderAnswer(ask(answer));
    expect(messages.length).toBeGreaterThan(2);
    const plain = messages.map((m) => {
      expect(m.length).toBeLessThanOrEqual(4096);
      return parseTelegramHtml(m); // throws like Telegram on broken tags or entities
    });
    expect(plain.join('').replace(/\s/g, '')).toContain(answer.replace(/\s/g, ''));
    expect(plain.at(-1)).toContain('⏱ 1.2 s');
    expect(plain.join('\n')).toContain('1. Title <0> & "quotes" · 01:01 · relevance 0.50');
    expect(plain.join('\n')).toContain('2. Title <1> & "quotes" · 1:01:01');
    for (const b of replyMarkup.inline_keyboard.flat())
      expect(Buffer.byteLength(b.callback_data)).toBeLessThanOrEqual(MAX_CALLBACK_BYTES);
  });

  it('packs small blocks together and keeps each block whole', () => {
    expect(packMessages(['a', 'b'], 10)).toEqual(['a\n\nb']);
    expect(packMessages(['<b>12345</b>', '<i>678</i>'], 14)).toEqual(['<b>12345</b>', '<i>678</i>']);
    expect(packMessages(['aaa &amp;&amp;&amp;'], 8).every((p) => !/&[a-z]*$/.test(p))).toBe(true);
  });
});

describe('progress rendering', () => {
  const req = (patch: Partial<YoutubeRequest>): YoutubeRequest => ({
    id: 7,
    url: 'https://youtu.be/x',
    videoId: null,
    userId: 1,
    chatId: 1,
    status: 'processing',
    stage: 'transcribing',
    error: null,
    errorPermanent: false,
    language: 'auto',
    force: false,
    attempts: 0,
    runId: null,
    source: 'bot',
    priority: 0,
    createdAt: 0,
    updatedAt: 0,
    timings: { downloading: 1500 },
    ...patch,
  });
  it('shows the bar and percentage per stage, timings when verbose, and Retry on failure', () => {
    expect(progressBar(0)).toBe('░░░░░░░░░░');
    expect(progressBar(70)).toBe('▓▓▓▓▓▓▓░░░');
    const v = renderProgress(req({}), { verbose: true, title: 'A <b>' });
    expect(parseTelegramHtml(v.text)).toContain('▓▓▓▓▓░░░░░ 50 %\n⚙️ Transcribing…');
    expect(parseTelegramHtml(v.text)).toContain('• Downloading: 1.5 s');
    expect(renderProgress(req({}), { verbose: false }).text).not.toContain('Downloading');
    const f = renderProgress(req({ status: 'failed', stage: 'failed', error: 'yt-dlp: <private> video' }), {
      verbose: false,
    });
    expect(parseTelegramHtml(f.text)).toContain('yt-dlp: <private> video');
    expect(f.replyMarkup?.inline_keyboard[0]?.[0]?.callback_data).toBe('retry:7');
  });

  it("shows a failure without the server's file paths, links intact", () => {
    const error =
      "ffmpeg could not read /srv/llm-rag-yt/data/audio/abc/abc.source.webm (see /tmp/x/log.txt) for https://example.com/a/b/c.mp4 and '/var/lib/yt-dlp'";
    const f = renderProgress(req({ status: 'failed', stage: 'failed', error }), { verbose: false });
    const text = parseTelegramHtml(f.text);
    expect(text).toContain('could not read abc.source.webm (see log.txt)');
    expect(text).toContain('https://example.com/a/b/c.mp4');
    expect(text).toContain("'yt-dlp'");
    expect(text).not.toMatch(/\/srv|\/tmp|\/var/);
  });
});

describe('input parsing', () => {
  it('finds links in every form, strips trailing punctuation, de-duplicates', () => {
    const text =
      'see youtu.be/dQw4w9WgXcQ, and (https://www.youtube.com/playlist?list=PL123abc). also https://youtu.be/dQw4w9WgXcQ';
    expect(extractLinks(text)).toEqual([
      'https://www.youtube.com/playlist?list=PL123abc',
      'https://youtu.be/dQw4w9WgXcQ', // the scheme-less copy of the same link is dropped
    ]);
    expect(
      extractLinks('click here', [
        { type: 'text_link', offset: 0, length: 5, url: 'https://m.youtube.com/shorts/dQw4w9WgXcQ' },
      ]),
    ).toEqual(['https://m.youtube.com/shorts/dQw4w9WgXcQ']);
    expect(extractLinks('what is example.com about?')).toEqual([]);
  });

  it('parses only well-formed callback data', () => {
    expect(parseCallback('fb:12:-1')).toEqual({ kind: 'feedback', queryId: 12, rating: -1 });
    expect(parseCallback('ack:3')).toEqual({ kind: 'ack', alertId: 3 });
    for (const bad of [
      'fb:12:2',
      'fb:0:1',
      'retry:',
      'more:1x',
      'ack:1:2',
      '',
      'x'.repeat(65),
      'retry:99999999999999999',
    ])
      expect(parseCallback(bad), bad).toBeUndefined();
  });

  it('token bucket: capacity per minute, refills over time, tells once', () => {
    const l = createRateLimiter(2);
    expect(l.take(1, 0).allowed).toBe(true);
    expect(l.take(1, 0).allowed).toBe(true);
    expect(l.take(1, 0)).toEqual({ allowed: false, retryAfterMs: 30_000, firstRefusal: true });
    expect(l.take(1, 1000).firstRefusal).toBe(false);
    expect(l.take(2, 1000).allowed).toBe(true);
    expect(l.take(1, 30_000).allowed).toBe(true);
  });
});
