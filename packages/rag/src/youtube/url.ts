import { InvalidInputError } from '@llm-rag-yt/orchestrator';

/**
 * What a user-supplied link points at. Every YouTube form of one video maps to the same
 * 11-character `videoId`, so the pipeline can de-duplicate requests by id.
 */
export type ParsedVideoUrl =
  | {
      readonly kind: 'video';
      readonly videoId: string;
      /** Seconds from `t=`, `start=` or `#t=` when present. */
      readonly startSeconds?: number;
      /** The playlist the link was opened from (`watch?v=X&list=Y`); the link still means one video. */
      readonly playlistId?: string;
      /** Canonical watch URL. */
      readonly url: string;
    }
  | { readonly kind: 'playlist'; readonly listId: string; readonly url: string }
  | {
      readonly kind: 'channel';
      readonly handle?: string;
      readonly channelId?: string;
      /** Legacy /c/NAME or /user/NAME form. */
      readonly name?: string;
      readonly url: string;
    }
  /** A non-YouTube http(s) URL: handed to yt-dlp as is (it supports many sites). */
  | { readonly kind: 'other'; readonly url: string };

/** The input is not a usable video link. Invalid input, so never retried: the same input will always fail. */
export class InvalidVideoUrlError extends InvalidInputError {
  readonly input: string;
  constructor(input: string, reason: string) {
    super(
      `Invalid video URL '${truncate(input, 200)}': ${reason}. ` +
        'Send a YouTube link (https://www.youtube.com/watch?v=…, https://youtu.be/…, shorts, playlist or channel) ' +
        'or another http(s) page with a video.',
    );
    this.name = 'InvalidVideoUrlError';
    this.input = input;
  }
}

const VIDEO_ID = /^[A-Za-z0-9_-]{11}$/;
const LIST_ID = /^[A-Za-z0-9_-]{2,64}$/;
const CHANNEL_ID = /^UC[A-Za-z0-9_-]{22}$/;
const HANDLE = /^@[\p{L}\p{N}._-]{1,100}$/u;
const YOUTUBE_HOSTS = new Set([
  'youtube.com',
  'www.youtube.com',
  'm.youtube.com',
  'music.youtube.com',
  'gaming.youtube.com',
  'youtube-nocookie.com',
  'www.youtube-nocookie.com',
]);
const SHORT_HOSTS = new Set(['youtu.be', 'www.youtu.be']);
/** Path prefixes followed by a video id: /shorts/ID, /embed/ID, /live/ID, /v/ID, /e/ID. */
const ID_PATHS = new Set(['shorts', 'embed', 'live', 'v', 'e']);

/** True for an 11-character YouTube video id. */
export function isVideoId(s: string): boolean {
  return VIDEO_ID.test(s);
}

/**
 * Parses a link typed or pasted by a user.
 *
 * @example
 * parseVideoUrl('youtu.be/dQw4w9WgXcQ?t=1m30s') // { kind: 'video', videoId: 'dQw4w9WgXcQ', startSeconds: 90, … }
 * parseVideoUrl('https://www.youtube.com/@veritasium') // { kind: 'channel', handle: '@veritasium', … }
 * @throws InvalidVideoUrlError for empty input, non-http schemes, or YouTube links without a valid id.
 */
export function parseVideoUrl(input: string): ParsedVideoUrl {
  const raw = input.trim();
  if (!raw) throw new InvalidVideoUrlError(input, 'it is empty');
  if (/\s/.test(raw)) throw new InvalidVideoUrlError(input, 'it contains spaces; send one link at a time');
  if (VIDEO_ID.test(raw)) return video(raw, undefined, undefined);

  const url = toUrl(raw, input);
  const host = url.hostname.toLowerCase();
  if (SHORT_HOSTS.has(host)) {
    const id = url.pathname.split('/')[1] ?? '';
    if (!VIDEO_ID.test(id)) throw new InvalidVideoUrlError(input, `'${id}' is not an 11-character video id`);
    return video(id, timeOf(url), listOf(url));
  }
  if (!YOUTUBE_HOSTS.has(host)) return Object.freeze({ kind: 'other', url: url.toString() });
  return parseYouTubePath(url, input);
}

function parseYouTubePath(url: URL, input: string): ParsedVideoUrl {
  const parts = url.pathname.split('/').filter(Boolean);
  const first = parts[0] ?? '';
  const second = parts[1] ?? '';
  if (first === 'watch' || first === 'watch_popup') {
    const v = url.searchParams.get('v') ?? '';
    if (VIDEO_ID.test(v)) return video(v, timeOf(url), listOf(url));
    const list = listOf(url);
    if (!v && list) return playlist(list);
    throw new InvalidVideoUrlError(
      input,
      v ? `'${v}' is not an 11-character video id` : 'it has no v= parameter',
    );
  }
  if (first === 'attribution_link') {
    // attribution_link?u=/watch%3Fv%3DID%26feature%3Dshare — the real link is inside `u`.
    const inner = url.searchParams.get('u');
    if (inner) return parseVideoUrl(new URL(inner, 'https://www.youtube.com').toString());
  }
  if (ID_PATHS.has(first)) {
    if (!VIDEO_ID.test(second)) {
      throw new InvalidVideoUrlError(input, `'${second}' after /${first}/ is not an 11-character video id`);
    }
    return video(second, timeOf(url), listOf(url));
  }
  if (first === 'playlist') {
    const list = listOf(url);
    if (!list) throw new InvalidVideoUrlError(input, 'the playlist link has no valid list= parameter');
    return playlist(list);
  }
  if (first.startsWith('@')) {
    const handle = decodeURIComponent(first);
    if (!HANDLE.test(handle))
      throw new InvalidVideoUrlError(input, `'${handle}' is not a valid channel handle`);
    return Object.freeze({ kind: 'channel', handle, url: `https://www.youtube.com/${handle}` });
  }
  if (first === 'channel') {
    if (!CHANNEL_ID.test(second))
      throw new InvalidVideoUrlError(input, `'${second}' is not a channel id (UC…)`);
    return Object.freeze({
      kind: 'channel',
      channelId: second,
      url: `https://www.youtube.com/channel/${second}`,
    });
  }
  if ((first === 'c' || first === 'user') && second) {
    return Object.freeze({
      kind: 'channel',
      name: second,
      url: `https://www.youtube.com/${first}/${second}`,
    });
  }
  throw new InvalidVideoUrlError(input, 'this YouTube page is not a video, playlist or channel');
}

function toUrl(raw: string, input: string): URL {
  const hasScheme = /^[a-z][a-z0-9+.-]*:/i.test(raw);
  if (hasScheme && !/^https?:\/\//i.test(raw)) {
    throw new InvalidVideoUrlError(
      input,
      `only http and https links are supported, not '${raw.split(':')[0]}:'`,
    );
  }
  const withScheme = hasScheme ? raw : raw.startsWith('//') ? `https:${raw}` : `https://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new InvalidVideoUrlError(input, 'it is not a well-formed URL');
  }
  if (!url.hostname.includes('.') && url.hostname !== 'localhost' && !url.hostname.startsWith('[')) {
    throw new InvalidVideoUrlError(input, `'${url.hostname}' is not a host name`);
  }
  return url;
}

function video(
  videoId: string,
  startSeconds: number | undefined,
  playlistId: string | undefined,
): ParsedVideoUrl {
  return Object.freeze({
    kind: 'video',
    videoId,
    url: `https://www.youtube.com/watch?v=${videoId}`,
    ...(startSeconds !== undefined ? { startSeconds } : {}),
    ...(playlistId !== undefined ? { playlistId } : {}),
  });
}

function playlist(listId: string): ParsedVideoUrl {
  return Object.freeze({ kind: 'playlist', listId, url: `https://www.youtube.com/playlist?list=${listId}` });
}

function listOf(url: URL): string | undefined {
  const list = url.searchParams.get('list');
  return list && LIST_ID.test(list) ? list : undefined;
}

/** t= / start= in the query, or t= in the fragment (`#t=1m30s`). */
function timeOf(url: URL): number | undefined {
  const fromHash = new URLSearchParams(url.hash.replace(/^#/, '')).get('t');
  const value = url.searchParams.get('t') ?? url.searchParams.get('start') ?? fromHash;
  return value === null ? undefined : parseTimestamp(value);
}

/** '90', '90s', '1m30s', '1h2m3s', '01:30', '1:02:03' → seconds; undefined when unparseable (or a clock field ≥ 60). */
export function parseTimestamp(value: string): number | undefined {
  const v = value.trim().toLowerCase();
  if (/^\d+(\.\d+)?s?$/.test(v)) return Math.floor(Number.parseFloat(v));
  const hms = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(v);
  if (hms && v) return Number(hms[1] ?? 0) * 3600 + Number(hms[2] ?? 0) * 60 + Number(hms[3] ?? 0);
  // A clock's fields stay below 60 ('10:61' is a typo, not 661 s); minutes may run on without hours.
  const colon = /^(?:(\d+):)?(\d{1,2}):(\d{1,2})$/.exec(v);
  if (!colon) return undefined;
  const [h, m, s] = [Number(colon[1] ?? 0), Number(colon[2]), Number(colon[3])];
  if (s >= 60 || (colon[1] !== undefined && m >= 60)) return undefined;
  return h * 3600 + m * 60 + s;
}

/**
 * A link that opens the video at a second. YouTube ids get the short youtu.be form; other
 * sources (yt-dlp's generic extractor, imports) use their page URL with a `#t=` media fragment.
 * @example deepLink('dQw4w9WgXcQ', 83.7) // 'https://youtu.be/dQw4w9WgXcQ?t=83'
 */
export function deepLink(videoId: string, seconds: number, sourceUrl?: string): string {
  const t = Math.max(0, Math.floor(Number.isFinite(seconds) ? seconds : 0));
  if (VIDEO_ID.test(videoId) || !sourceUrl) return `https://youtu.be/${encodeURIComponent(videoId)}?t=${t}`;
  return `${sourceUrl.replace(/#.*$/, '')}#t=${t}`;
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
