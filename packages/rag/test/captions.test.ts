import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CaptionParseError,
  decodeEntities,
  dedupeRollingCaptions,
  detectCaptionFormat,
  parseCaptions,
  parseCueTimestamp,
  parseVtt,
} from '../src/captions/index.ts';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures/captions', name), 'utf8');

function parseError(fn: () => unknown): CaptionParseError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CaptionParseError);
    return e as CaptionParseError;
  }
  throw new Error('expected a CaptionParseError');
}

describe('YouTube rolling auto-captions (VTT)', () => {
  it('keeps each spoken line once, with the time it first appears', () => {
    const { format, segments } = parseCaptions(fixture('rolling-auto.en.vtt'), { filename: 'x.en.vtt' });
    expect(format).toBe('vtt');
    expect(segments).toEqual([
      { start: 0, end: 2.32, text: 'hello everyone and welcome back' },
      { start: 2.32, end: 5.2, text: "to the channel today we're" },
      { start: 5.2, end: 8.16, text: 'talking about rock & roll' },
      { start: 8.16, end: 10.01, text: '[Music]' },
      { start: 14, end: 16.5, text: "so let's get started" },
    ]);
    const words = segments.map((s) => s.text).join(' ');
    expect(words.match(/welcome/g)).toHaveLength(1);
    expect(words).not.toMatch(/<|&#39;|&amp;/);
  });

  it('the raw parser keeps both lines of a scrolling cue so dedupe can see them', () => {
    const raw = parseVtt(fixture('rolling-auto.en.vtt'));
    expect(raw[2]).toEqual({
      start: 2.32,
      end: 5.19,
      text: "hello everyone and welcome back\nto the channel today we're",
    });
    expect(raw).toHaveLength(9);
  });

  it('merges cues that grow word by word', () => {
    const out = dedupeRollingCaptions([
      { start: 0, end: 1, text: 'the quick' },
      { start: 1, end: 2, text: 'the quick brown fox' },
      { start: 2, end: 3, text: 'the quick brown fox jumps' },
      { start: 3, end: 4, text: 'over the dog' },
    ]);
    expect(out).toEqual([
      { start: 0, end: 3, text: 'the quick brown fox jumps' },
      { start: 3, end: 4, text: 'over the dog' },
    ]);
  });

  it('does not merge repeated lines separated by a long pause', () => {
    const out = dedupeRollingCaptions([
      { start: 0, end: 1, text: 'No.' },
      { start: 5, end: 6, text: 'No.' },
    ]);
    expect(out.map((s) => s.text)).toEqual(['No.', 'No.']);
  });
});

describe('manual captions', () => {
  it('parses VTT with header, NOTE, STYLE, identifiers, voice/italic tags and entities', () => {
    const { segments } = parseCaptions(fixture('manual.ru.vtt'));
    expect(segments).toEqual([
      { start: 1, end: 4, text: 'Привет! Сегодня мы поговорим о векторном поиске.' },
      { start: 4.5, end: 7.25, text: 'Это важно «для всех».' },
      { start: 62, end: 65, text: 'Конец.' },
    ]);
  });

  it('parses SRT with CRLF, font tags and positioning codes', () => {
    const { format, segments } = parseCaptions(fixture('talk.srt'));
    expect(format).toBe('srt');
    expect(segments).toEqual([
      { start: 1, end: 3.5, text: 'Hello there, general Kenobi!' },
      { start: 4, end: 6, text: 'Fish & chips' },
      { start: 3600.25, end: 3602, text: 'An hour later.' },
    ]);
  });

  it('parses YouTube json3, skipping window and newline-append events', () => {
    const { format, segments } = parseCaptions(fixture('auto.en.json3'));
    expect(format).toBe('json3');
    expect(segments).toEqual([
      { start: 0, end: 2.32, text: 'hello everyone and welcome' },
      { start: 2.32, end: 8.15, text: 'to the channel & more' },
      { start: 8.16, end: 10, text: '[Music]' },
    ]);
  });

  it('MM:SS.mmm timestamps and cues without text', () => {
    const { segments } = parseCaptions(
      'WEBVTT\n\n00:01.500 --> 00:03.000\n<c> </c>\n\n01:05.000 --> 01:06.000\nok\n',
    );
    expect(segments).toEqual([{ start: 65, end: 66, text: 'ok' }]);
  });
});

describe('detectCaptionFormat', () => {
  it.each([
    ['\uFEFFWEBVTT\n\n', undefined, 'vtt'],
    ['WEBVTT - title\n', 'a.txt', 'vtt'],
    ['1\n00:00:01,000 --> 00:00:02,000\nx\n', undefined, 'srt'],
    ['{"events":[]}', undefined, 'json3'],
    ['', 'captions.srt', 'srt'],
    ['', 'captions.VTT', 'vtt'],
    ['', 'x.json3', 'json3'],
  ] as const)('%j %s → %s', (text, name, expected) => {
    expect(detectCaptionFormat(text, name)).toBe(expected);
  });

  it('says which formats are supported when it cannot tell', () => {
    const e = parseError(() => detectCaptionFormat('just some notes\nabout a video', 'notes.txt'));
    expect(e.message).toMatch(/'notes.txt' does not look like a caption file/);
    expect(e.message).toMatch(/WebVTT.*SRT.*json3.*srv3/);
    // Invalid input: a run meeting it fails at once instead of retrying.
    expect(e.code).toBe('INVALID_INPUT');
  });
});

describe('malformed files say which line is wrong', () => {
  it('VTT with a bad timestamp', () => {
    const text = 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nfine\n\n00:00:xx.000 --> 00:00:04.000\nbroken\n';
    const e = parseError(() => parseCaptions(text, { filename: 'bad.vtt' }));
    expect(e.line).toBe(6);
    expect(e.message).toMatch(
      /WebVTT captions in bad.vtt at line 6: '00:00:xx.000 --> 00:00:04.000' is not a valid cue timing/,
    );
    expect(e.message).toMatch(/Supported formats: WebVTT/);
  });

  it('VTT without header', () => {
    const e = parseError(() => parseCaptions('00:00:01.000 --> 00:00:02.000\nx\n', { format: 'vtt' }));
    expect(e.line).toBe(1);
    expect(e.message).toMatch(/first line to be 'WEBVTT'/);
  });

  it('VTT with text where a cue should start', () => {
    const e = parseError(() => parseVtt('WEBVTT\n\nhello\nworld\n'));
    expect(e.line).toBe(3);
    expect(e.message).toMatch(/expected a cue timing line/);
  });

  it('SRT with a missing timing line', () => {
    const text = '1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\nno timing here\n';
    const e = parseError(() => parseCaptions(text, { filename: 'x.srt' }));
    expect(e.line).toBe(6);
    expect(e.message).toMatch(
      /SRT captions in x.srt at line 6: expected a timing line .* found 'no timing here'/,
    );
  });

  it('json3 that is not JSON, or has no events', () => {
    const a = parseError(() => parseCaptions('{"events": [\n{"tStartMs": 1,,}]}', { format: 'json3' }));
    expect(a.message).toMatch(/YouTube json3 captions at line 2: invalid JSON/);
    const b = parseError(() => parseCaptions('{"foo": 1}', { format: 'json3' }));
    expect(b.message).toMatch(/no "events" array/);
  });
});

describe('helpers', () => {
  it.each([
    ['00:00:01.500', 1.5],
    ['01:02:03,004', 3723.004],
    ['02:03.5', 123.5],
    ['1:00:00.000', 3600],
    ['nope', null],
    ['00:61:00.000', null],
  ])('parseCueTimestamp(%j) = %j', (s, expected) => {
    expect(parseCueTimestamp(s)).toBe(expected);
  });

  it('decodes named, decimal and hex entities and leaves unknown ones', () => {
    expect(decodeEntities('a &amp; b &lt;c&gt; &#39;d&#x27; &quot;e&quot; &bogus; &#128512;')).toBe(
      'a & b <c> \'d\' "e" &bogus; 😀',
    );
  });
});
