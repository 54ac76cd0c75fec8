import { NonRetriableError, RetryAfterError } from '@llm-rag-yt/orchestrator';

/** Why a download failed, in words the request table and the user can show. */
export type DownloadFailure =
  | 'private'
  | 'unavailable'
  | 'geo_blocked'
  | 'sign_in_required'
  | 'age_restricted'
  | 'members_only'
  | 'not_started'
  | 'unsupported_url'
  | 'not_found'
  | 'no_audio'
  | 'too_long'
  | 'not_installed'
  /** The URL, a redirect or a media URL pointed at a non-public address (egress policy). */
  | 'blocked_address';

/** A download that retrying will not fix. `reason` is a stable code; `message` is for people. */
export class DownloadFailedError extends NonRetriableError {
  readonly reason: DownloadFailure;
  readonly url: string;
  constructor(reason: DownloadFailure, url: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DownloadFailedError';
    this.reason = reason;
    this.url = url;
  }
}

/** A download that may work later (network trouble, server errors). The run's retry policy applies. */
export class TransientDownloadError extends Error {
  readonly url: string;
  constructor(url: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientDownloadError';
    this.url = url;
  }
}

interface Rule {
  test: RegExp;
  make: (url: string, detail: string) => Error;
}

const nonRetriable =
  (reason: DownloadFailure, text: string) =>
  (url: string, detail: string): Error =>
    new DownloadFailedError(reason, url, `${text} (${url}). yt-dlp said: ${detail}`);

/** First match wins; order matters (a 404 page also says "Unable to download webpage"). */
const RULES: Rule[] = [
  { test: /private video|video is private/i, make: nonRetriable('private', 'The video is private') },
  {
    test: /members[- ]only|join this channel to get access/i,
    make: nonRetriable('members_only', 'The video is for channel members only'),
  },
  {
    test: /confirm your age|age[- ]restricted|inappropriate for some users/i,
    make: nonRetriable(
      'age_restricted',
      'The video is age-restricted and needs a signed-in account (set YTDLP_COOKIES to a cookies file of a signed-in browser, or YTDLP_COOKIES_FROM_BROWSER)',
    ),
  },
  {
    test: /not a bot/i,
    make: (url, detail) =>
      new RetryAfterError(
        `YouTube asked to confirm this is not a bot for ${url}; retrying later. If it persists, set YTDLP_COOKIES (a cookies file of a signed-in browser) or YTDLP_COOKIES_FROM_BROWSER, and run \`llm-rag-yt yt-dlp update\`. yt-dlp said: ${detail}`,
        30 * 60_000,
      ),
  },
  {
    test: /sign in to|login required|requires authentication|use --cookies/i,
    make: nonRetriable(
      'sign_in_required',
      'The video requires signing in (set YTDLP_COOKIES to a cookies file of a signed-in browser, or YTDLP_COOKIES_FROM_BROWSER)',
    ),
  },
  {
    test: /premieres in|live event will begin|this live stream (?:recording )?is not available|is upcoming/i,
    make: nonRetriable('not_started', 'The live stream or premiere has not started or has no recording'),
  },
  {
    // Before "unavailable": YouTube says "Video unavailable. The uploader has not made this video available in your country".
    test: /not (?:made this video )?available in your country|geo[- ]?restrict|blocked it in your country|from your location/i,
    make: nonRetriable(
      'geo_blocked',
      'The video is blocked in the country this machine appears to be in (YTDLP_PROXY can route yt-dlp through a proxy in an allowed country)',
    ),
  },
  {
    test: /video unavailable|has been removed|no longer available|account .* terminated|copyright claim|not available in your country|this video is unavailable/i,
    make: nonRetriable('unavailable', 'The video is unavailable (removed, blocked or deleted)'),
  },
  {
    test: /unsupported url|is not a valid url/i,
    make: nonRetriable('unsupported_url', 'No video was found at this URL; it is not a supported video page'),
  },
  {
    test: /HTTP Error 404|HTTP Error 410/i,
    make: nonRetriable('not_found', 'The page was not found (HTTP 404)'),
  },
  {
    test: /requested format is not available|no video formats found|no audio/i,
    make: nonRetriable('no_audio', 'The video has no downloadable audio'),
  },
  {
    test: /HTTP Error 429|too many requests/i,
    make: (url, detail) =>
      new RetryAfterError(
        `The site is rate-limiting downloads of ${url} (HTTP 429); backing off and retrying later. If it persists, slow down with YTDLP_SLEEP_REQUESTS / YTDLP_SLEEP_INTERVAL or set YTDLP_COOKIES. yt-dlp said: ${detail}`,
        60_000,
      ),
  },
];

/** The `ERROR:` line(s) of yt-dlp's stderr, without the "please report this issue" boilerplate. */
export function ytDlpErrorDetail(stderr: string): string {
  const lines = stderr.split(/\r?\n/).filter((l) => l.startsWith('ERROR:'));
  const picked = (lines.length ? lines : stderr.trim().split(/\r?\n/).slice(-3)).join(' ');
  return picked
    .replace(/^ERROR:\s*/, '')
    .replace(/;?\s*please report this issue on.*$/i, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 500);
}

/** Maps yt-dlp's stderr to a non-retriable reason, a rate-limit retry, or a transient error. */
export function classifyYtDlpError(stderr: string, url: string, cause?: unknown): Error {
  const detail = ytDlpErrorDetail(stderr) || 'no error message';
  for (const rule of RULES) {
    if (rule.test.test(detail)) {
      const err = rule.make(url, detail);
      if (cause !== undefined && err.cause === undefined)
        Object.defineProperty(err, 'cause', { value: cause });
      return err;
    }
  }
  return new TransientDownloadError(url, `yt-dlp failed for ${url}: ${detail}`, { cause });
}
