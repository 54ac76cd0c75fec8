import { describe, expect, it } from 'vitest';
import {
  deepLink,
  InvalidVideoUrlError,
  parseTimestamp,
  parseVideoUrl,
  safeFileName,
} from '../src/youtube/index.ts';

const ID = 'dQw4w9WgXcQ';

describe('parseVideoUrl: every YouTube form of one video maps to its id', () => {
  const cases: [string, number | undefined, string | undefined][] = [
    [`https://www.youtube.com/watch?v=${ID}`, undefined, undefined],
    [`http://www.youtube.com/watch?v=${ID}`, undefined, undefined],
    [`https://youtube.com/watch?v=${ID}`, undefined, undefined],
    [`www.youtube.com/watch?v=${ID}`, undefined, undefined],
    [`youtube.com/watch?v=${ID}`, undefined, undefined],
    [`//www.youtube.com/watch?v=${ID}`, undefined, undefined],
    [`  https://www.youtube.com/watch?v=${ID}  `, undefined, undefined],
    [`https://m.youtube.com/watch?v=${ID}`, undefined, undefined],
    [`https://music.youtube.com/watch?v=${ID}&feature=share`, undefined, undefined],
    [`https://WWW.YouTube.com/watch?v=${ID}`, undefined, undefined],
    [`https://www.youtube.com/watch?feature=youtu.be&v=${ID}`, undefined, undefined],
    [`https://www.youtube.com/watch?v=${ID}&t=1m30s`, 90, undefined],
    [`https://www.youtube.com/watch?v=${ID}&t=90`, 90, undefined],
    [`https://www.youtube.com/watch?v=${ID}&t=90s`, 90, undefined],
    [`https://www.youtube.com/watch?v=${ID}&t=1h2m3s`, 3723, undefined],
    [`https://www.youtube.com/watch?v=${ID}#t=45`, 45, undefined],
    [
      `https://www.youtube.com/watch?v=${ID}&list=PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG`,
      undefined,
      'PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG',
    ],
    [`https://www.youtube.com/watch?v=${ID}&list=PLabc123&index=3&t=10`, 10, 'PLabc123'],
    [`https://youtu.be/${ID}`, undefined, undefined],
    [`youtu.be/${ID}`, undefined, undefined],
    [`http://youtu.be/${ID}?t=90`, 90, undefined],
    [`https://youtu.be/${ID}?si=AbCdEfGhIjK12345`, undefined, undefined],
    [`https://youtu.be/${ID}?si=xyz&t=2m`, 120, undefined],
    [`https://youtu.be/${ID}?list=PLabc123`, undefined, 'PLabc123'],
    [`https://www.youtube.com/shorts/${ID}`, undefined, undefined],
    [`https://youtube.com/shorts/${ID}?feature=share`, undefined, undefined],
    [`https://m.youtube.com/shorts/${ID}?si=abc`, undefined, undefined],
    [`https://www.youtube.com/embed/${ID}`, undefined, undefined],
    [`https://www.youtube.com/embed/${ID}?start=75&autoplay=1`, 75, undefined],
    [`https://www.youtube-nocookie.com/embed/${ID}`, undefined, undefined],
    [`https://www.youtube.com/live/${ID}?feature=shared`, undefined, undefined],
    [`https://www.youtube.com/live/${ID}?si=abc&t=30`, 30, undefined],
    [`https://www.youtube.com/v/${ID}`, undefined, undefined],
    [`https://www.youtube.com/e/${ID}`, undefined, undefined],
    [`https://www.youtube.com/watch_popup?v=${ID}`, undefined, undefined],
    [
      `https://www.youtube.com/attribution_link?a=x&u=%2Fwatch%3Fv%3D${ID}%26feature%3Dshare`,
      undefined,
      undefined,
    ],
    [ID, undefined, undefined],
  ];
  it.each(cases)('%s', (input, start, list) => {
    const r = parseVideoUrl(input);
    expect(r.kind).toBe('video');
    if (r.kind !== 'video') return;
    expect(r.videoId).toBe(ID);
    expect(r.startSeconds).toBe(start);
    expect(r.playlistId).toBe(list);
    expect(r.url).toBe(`https://www.youtube.com/watch?v=${ID}`);
    expect(Object.isFrozen(r)).toBe(true);
  });

  it('keeps - and _ in ids', () => {
    const r = parseVideoUrl('https://youtu.be/a-b_c-d_e-f');
    expect(r).toMatchObject({ kind: 'video', videoId: 'a-b_c-d_e-f' });
  });
});

describe('parseVideoUrl: playlists, channels, other sites', () => {
  it.each([
    [
      'https://www.youtube.com/playlist?list=PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG',
      'PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG',
    ],
    ['youtube.com/playlist?list=PLabc123&si=x', 'PLabc123'],
    ['https://music.youtube.com/playlist?list=OLAK5uy_abc', 'OLAK5uy_abc'],
    ['https://www.youtube.com/watch?list=PLabc123', 'PLabc123'],
  ])('%s is a playlist', (input, listId) => {
    expect(parseVideoUrl(input)).toEqual({
      kind: 'playlist',
      listId,
      url: `https://www.youtube.com/playlist?list=${listId}`,
    });
  });

  it.each([
    ['https://www.youtube.com/@veritasium', { handle: '@veritasium' }],
    ['https://www.youtube.com/@veritasium/videos', { handle: '@veritasium' }],
    ['youtube.com/@Вдудь', { handle: '@Вдудь' }],
    ['https://m.youtube.com/@some.name-1', { handle: '@some.name-1' }],
    ['https://www.youtube.com/channel/UCHnyfMqiRRG1u-2MsSQLbXA', { channelId: 'UCHnyfMqiRRG1u-2MsSQLbXA' }],
    ['https://www.youtube.com/c/LinusTechTips', { name: 'LinusTechTips' }],
    ['https://www.youtube.com/user/CGPGrey/videos', { name: 'CGPGrey' }],
  ])('%s is a channel', (input, expected) => {
    expect(parseVideoUrl(input)).toMatchObject({ kind: 'channel', ...expected });
  });

  it.each([
    'https://vimeo.com/76979871',
    'http://127.0.0.1:8080/video/one.html',
    'http://localhost:3000/v',
    'example.org/clip.mp4',
  ])('%s is another site for yt-dlp', (input) => {
    const r = parseVideoUrl(input);
    expect(r.kind).toBe('other');
    expect(r.url).toMatch(/^https?:\/\//);
  });
});

describe('parseVideoUrl: invalid input says why', () => {
  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['not a url', /spaces/],
    ['ftp://youtube.com/watch?v=dQw4w9WgXcQ', /only http and https/],
    ['javascript:alert(1)', /only http and https/],
    ['file:///etc/passwd', /only http and https/],
    ['https://www.youtube.com/watch?v=short', /'short' is not an 11-character video id/],
    ['https://www.youtube.com/watch?v=dQw4w9WgXcQQ', /not an 11-character video id/],
    ['https://www.youtube.com/watch', /no v= parameter/],
    ['https://youtu.be/', /not an 11-character video id/],
    ['https://youtu.be/abc', /not an 11-character video id/],
    ['https://www.youtube.com/shorts/', /after \/shorts\//],
    ['https://www.youtube.com/embed/<script>', /after \/embed\//],
    ['https://www.youtube.com/channel/notanid', /not a channel id/],
    ['https://www.youtube.com/feed/trending', /not a video, playlist or channel/],
    ['https://www.youtube.com/', /not a video, playlist or channel/],
    ['https://www.youtube.com/playlist?list=', /no valid list=/],
    ['http://', /well-formed|host/],
    ['justaword', /not a host name/],
  ])('%j', (input, reason) => {
    let err: unknown;
    try {
      parseVideoUrl(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidVideoUrlError);
    expect((err as Error).message).toMatch(reason);
    expect((err as Error).message).toMatch(/Send a YouTube link/);
    expect((err as { code: string }).code).toBe('INVALID_INPUT');
  });
});

describe('parseTimestamp', () => {
  it.each([
    ['90', 90],
    ['90s', 90],
    ['1m30s', 90],
    ['1m', 60],
    ['2h', 7200],
    ['1h2m3s', 3723],
    ['01:30', 90],
    ['1:02:03', 3723],
    ['12.7', 12],
    ['10:61', undefined],
    ['1:75:00', undefined],
    ['abc', undefined],
    ['', undefined],
  ])('%j → %j', (input, expected) => {
    expect(parseTimestamp(input)).toBe(expected);
  });
});

describe('deepLink', () => {
  it.each([
    [ID, 123, `https://youtu.be/${ID}?t=123`],
    [ID, 83.9, `https://youtu.be/${ID}?t=83`],
    [ID, -5, `https://youtu.be/${ID}?t=0`],
    [ID, Number.NaN, `https://youtu.be/${ID}?t=0`],
  ])('%s at %d', (id, s, expected) => {
    expect(deepLink(id, s)).toBe(expected);
  });
  it('uses the page URL with a media fragment for non-YouTube sources', () => {
    expect(deepLink('v1-1', 42, 'http://127.0.0.1:9/v1.html#old')).toBe('http://127.0.0.1:9/v1.html#t=42');
  });
});

describe('safeFileName', () => {
  it.each([
    ['My Video: Part 1/2', 'My Video_ Part 1_2'],
    ['../../etc/passwd', 'etc_passwd'],
    ['..\\..\\windows\\system32', 'windows_system32'],
    ['..', 'untitled'],
    ['.hidden', 'hidden'],
    ['', 'untitled'],
    ['   ', 'untitled'],
    ['a\u0000b\u001fc\u007fd', 'abcd'],
    ['line\nbreak\ttab', 'line break tab'],
    ['CON', '_CON'],
    ['nul.txt', '_nul.txt'],
    ['com1', '_com1'],
    ['what? *really* <yes> |no| "q"', 'what_ _really_ _yes_ _no_ _q'],
    ['trailing dots...', 'trailing dots'],
    ['Привет, мир', 'Привет, мир'],
    ['evil\u202etxt.exe', 'eviltxt.exe'],
  ])('%j → %j', (input, expected) => {
    expect(safeFileName(input)).toBe(expected);
  });

  it('limits length in UTF-8 bytes without cutting characters', () => {
    const out = safeFileName('я'.repeat(500));
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(120);
    expect(out).toBe('я'.repeat(60));
    expect(safeFileName('😀'.repeat(100), { maxBytes: 10 })).toBe('😀😀');
  });

  it('never yields separators, parent references or control characters (fuzz)', () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    const alphabet = ['/', '\\', '.', '..', ' ', '\u0000', '\n', 'a', 'Я', ':', '*', '😀', 'CON', '-', '_'];
    for (let i = 0; i < 2000; i++) {
      const len = rand() % 30;
      let s = '';
      for (let j = 0; j < len; j++) s += alphabet[rand() % alphabet.length];
      const out = safeFileName(s);
      expect(out.length).toBeGreaterThan(0);
      expect(out).not.toMatch(/[/\\\u0000-\u001f]/);
      expect(out).not.toMatch(/\.\./);
      expect(out.startsWith('.')).toBe(false);
      expect(out).not.toMatch(/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i);
    }
  });
});
