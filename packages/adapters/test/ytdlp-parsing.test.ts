import { NonRetriableError, RetryAfterError } from '@llm-rag-yt/orchestrator';
import { describe, expect, it } from 'vitest';
import {
  classifyYtDlpError,
  DownloadFailedError,
  parseProgressLine,
  pickCaption,
  TransientDownloadError,
  toVideoMetadata,
  videoIdFor,
  type YtDlpInfo,
} from '../src/ytdlp/index.ts';
import { entryUrlOf } from '../src/ytdlp/info.ts';
import { compareVersions, parseYtDlpVersion } from '../src/ytdlp/version.ts';

const URL = 'https://www.youtube.com/watch?v=dQw4w9WgXcQ';

describe('classifyYtDlpError: real yt-dlp messages become clear reasons', () => {
  it.each([
    [
      "ERROR: [youtube] dQw4w9WgXcQ: Private video. Sign in if you've been granted access to this video",
      'private',
    ],
    [
      'ERROR: [youtube] dQw4w9WgXcQ: Video unavailable. This video has been removed by the uploader',
      'unavailable',
    ],
    [
      'ERROR: [youtube] dQw4w9WgXcQ: Video unavailable. This video is no longer available because the YouTube account associated with this video has been terminated.',
      'unavailable',
    ],
    [
      'ERROR: [youtube] dQw4w9WgXcQ: Sign in to confirm your age. This video may be inappropriate for some users.',
      'age_restricted',
    ],
    [
      'ERROR: [youtube] dQw4w9WgXcQ: Join this channel to get access to members-only content like this video, and other exclusive perks.',
      'members_only',
    ],
    ['ERROR: [youtube] dQw4w9WgXcQ: This live event will begin in 3 hours.', 'not_started'],
    ['ERROR: [youtube] dQw4w9WgXcQ: Premieres in 2 hours', 'not_started'],
    ['ERROR: [youtube] dQw4w9WgXcQ: This live stream recording is not available.', 'not_started'],
    [
      'ERROR: [youtube] dQw4w9WgXcQ: Video unavailable. The uploader has not made this video available in your country',
      'geo_blocked',
    ],
    [
      'ERROR: [youtube] dQw4w9WgXcQ: This video is not available in your country. You might want to use a VPN or a proxy server (--proxy) to workaround.',
      'geo_blocked',
    ],
    [
      'ERROR: [youtube] dQw4w9WgXcQ: Sign in to confirm your identity. Use --cookies-from-browser or --cookies for the authentication.',
      'sign_in_required',
    ],
    ['ERROR: Unsupported URL: https://example.com/about', 'unsupported_url'],
    [
      "ERROR: [generic] None: Unable to download webpage: HTTP Error 404: Not Found (caused by <HTTPError 404: 'Not Found'>); please report this issue on  https://github.com/yt-dlp/yt-dlp/issues?q= , filling out the appropriate issue template. Confirm you are on the latest version using  yt-dlp -U",
      'not_found',
    ],
    [
      'ERROR: [youtube] dQw4w9WgXcQ: Requested format is not available. Use --list-formats for a list of available formats',
      'no_audio',
    ],
  ])('%s → %s', (stderr, reason) => {
    const e = classifyYtDlpError(`[youtube] Extracting URL\n${stderr}\n`, URL);
    expect(e).toBeInstanceOf(DownloadFailedError);
    expect(e).toBeInstanceOf(NonRetriableError);
    expect((e as DownloadFailedError).reason).toBe(reason);
    expect(e.message).toContain(URL);
    expect(e.message).not.toMatch(/please report this issue/);
  });

  it('rate limits and bot checks are retried later', () => {
    const a = classifyYtDlpError(
      'ERROR: unable to download video data: HTTP Error 429: Too Many Requests',
      URL,
    );
    expect(a).toBeInstanceOf(RetryAfterError);
    expect((a as RetryAfterError).afterMs).toBe(60_000);
    const b = classifyYtDlpError(
      "ERROR: [youtube] x: Sign in to confirm you're not a bot. This helps protect our community.",
      URL,
    );
    expect(b).toBeInstanceOf(RetryAfterError);
    // Each says what to do.
    expect(a.message).toMatch(/backing off and retrying later.*YTDLP_SLEEP_REQUESTS/);
    expect(b.message).toMatch(/YTDLP_COOKIES/);
    const geo = classifyYtDlpError(
      'ERROR: [youtube] x: Video unavailable. The uploader has not made this video available in your country',
      URL,
    );
    expect(geo.message).toMatch(/YTDLP_PROXY/);
  });

  it.each([
    'ERROR: [generic] None: Unable to download webpage: <urlopen error [Errno 111] Connection refused>',
    'ERROR: unable to download video data: <urlopen error [Errno -3] Temporary failure in name resolution>',
    'ERROR: [youtube] x: Unable to download API page: HTTP Error 503: Service Unavailable',
    'ERROR: unable to download video data: The read operation timed out',
  ])('network trouble is retriable: %s', (stderr) => {
    const e = classifyYtDlpError(stderr, URL);
    expect(e).toBeInstanceOf(TransientDownloadError);
    expect(e).not.toBeInstanceOf(NonRetriableError);
    expect(e.message).toMatch(/yt-dlp failed for .*: /);
  });
});

describe('progress lines', () => {
  it('parses the template and ignores other output', () => {
    expect(parseProgressLine('[llm-rag-yt-progress] 5120 10240 NA 3')).toEqual({
      fraction: 0.5,
      message: 'downloaded 5.0 KiB of 10.0 KiB (3 s left)',
    });
    expect(parseProgressLine('[llm-rag-yt-progress] 1024 NA 4096.5 NA')?.fraction).toBeCloseTo(0.25, 2);
    expect(parseProgressLine('[llm-rag-yt-progress] 100 NA NA NA')).toEqual({ message: 'downloaded 100 B' });
    expect(parseProgressLine('[download] Destination: x.mp4')).toBeNull();
  });
});

describe('versions', () => {
  it('parses release and nightly versions and compares them', () => {
    expect(parseYtDlpVersion('2023.03.04\n')).toEqual([2023, 3, 4, 0]);
    expect(parseYtDlpVersion('2025.01.15.232740')).toEqual([2025, 1, 15, 232740]);
    expect(parseYtDlpVersion('youtube-dl 1.0')).toBeNull();
    expect(compareVersions([2023, 3, 4, 0], [2024, 1, 1, 0])).toBeLessThan(0);
    expect(compareVersions([2025, 1, 15, 1], [2025, 1, 15, 0])).toBeGreaterThan(0);
  });
});

const youtubeInfo: YtDlpInfo = {
  id: 'dQw4w9WgXcQ',
  title: 'Never Gonna Give You Up',
  channel: 'Rick Astley',
  channel_id: 'UCuAXFkgsw1L7xaCfnd5JJOw',
  duration: 212,
  upload_date: '20091025',
  language: 'en',
  extractor: 'youtube',
  extractor_key: 'Youtube',
  webpage_url: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ',
  subtitles: { 'en-GB': [{ ext: 'json3' }, { ext: 'vtt' }], 'pt-BR': [{ ext: 'vtt' }] },
  automatic_captions: {
    'en-orig': [{ ext: 'json3' }, { ext: 'vtt' }],
    en: [{ ext: 'vtt' }],
    ru: [{ ext: 'vtt' }],
    de: [{ ext: 'srv1' }],
  },
};

describe('metadata and caption choice', () => {
  it('maps YouTube info to VideoMetadata', () => {
    expect(toVideoMetadata(youtubeInfo, 'https://youtu.be/dQw4w9WgXcQ?t=3')).toEqual({
      videoId: 'dQw4w9WgXcQ',
      source: 'youtube',
      url: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ',
      title: 'Never Gonna Give You Up',
      channel: 'Rick Astley',
      channelId: 'UCuAXFkgsw1L7xaCfnd5JJOw',
      durationSeconds: 212,
      uploadDate: '2009-10-25',
      description: null,
      language: 'en',
      chapters: [],
    });
  });

  it('prefers manual subtitles, then original-language automatic captions, in language order', () => {
    expect(pickCaption(youtubeInfo, ['en'])).toEqual({
      key: 'en-GB',
      language: 'en',
      automatic: false,
      format: 'vtt',
    });
    expect(pickCaption(youtubeInfo, ['ru', 'en'])).toEqual({
      key: 'en-GB',
      language: 'en',
      automatic: false,
      format: 'vtt',
    });
    expect(pickCaption({ ...youtubeInfo, subtitles: {} }, ['auto'])).toEqual({
      key: 'en-orig',
      language: 'en',
      automatic: true,
      format: 'vtt',
    });
    expect(pickCaption({ ...youtubeInfo, subtitles: {} }, ['ru'])).toEqual({
      key: 'ru',
      language: 'ru',
      automatic: true,
      format: 'vtt',
    });
    expect(pickCaption(youtubeInfo, ['de'])).toBeNull(); // only an unsupported format
    expect(pickCaption({ ...youtubeInfo, subtitles: null, automatic_captions: null }, ['en'])).toBeNull();
  });

  it('gives non-YouTube videos ids that cannot collide across sites', () => {
    expect(videoIdFor({ extractor_key: 'Vimeo', id: '76979871' })).toBe('vimeo-76979871');
    const a = videoIdFor({
      extractor_key: 'HTML5MediaEmbed',
      id: 'index-1',
      webpage_url: 'http://a.example/index',
    });
    const b = videoIdFor({
      extractor_key: 'HTML5MediaEmbed',
      id: 'index-1',
      webpage_url: 'http://b.example/index',
    });
    expect(a).toMatch(/^index-[0-9a-f]{8}$/);
    expect(a).not.toBe(b);
    expect(videoIdFor({ extractor_key: 'Generic', id: '../../etc/passwd' })).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});

describe('flat playlist entries', () => {
  it('resolve to a URL and the same id a download would give', () => {
    const yt: YtDlpInfo = {
      _type: 'url',
      ie_key: 'Youtube',
      id: 'dQw4w9WgXcQ',
      url: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ',
      title: 'x',
    };
    expect(entryUrlOf(yt, 'fallback')).toBe('https://www.youtube.com/watch?v=dQw4w9WgXcQ');
    expect(videoIdFor(yt)).toBe('dQw4w9WgXcQ');
    expect(entryUrlOf({ ie_key: 'Youtube', id: 'dQw4w9WgXcQ', url: 'dQw4w9WgXcQ' }, 'f')).toBe(
      'https://www.youtube.com/watch?v=dQw4w9WgXcQ',
    );
    expect(entryUrlOf({ id: 'clip', webpage_url: 'https://example.org/clip' }, 'f')).toBe(
      'https://example.org/clip',
    );
    expect(entryUrlOf({ id: 'clip' }, 'https://example.org/page')).toBe('https://example.org/page');
  });
});
