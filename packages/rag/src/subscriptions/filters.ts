import { InvalidInputError } from '@llm-rag-yt/orchestrator';
import type { FeedEntry } from '../ports.ts';
import type { SubscriptionFilters } from '../store/subscriptions.ts';

/** YouTube Shorts are at most three minutes long; a /shorts/ link says so directly. */
const SHORT_MAX_SECONDS = 180;

function compile(flag: string, source: string | undefined): RegExp | null {
  if (source === undefined || source === '') return null;
  if (source.length > 500)
    throw new InvalidInputError(`${flag} is ${source.length} characters; use at most 500.`);
  try {
    return new RegExp(source, 'iu');
  } catch (e) {
    throw new InvalidInputError(
      `${flag} '${source}' is not a valid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}. ` +
        `Example: ${flag} "interview|podcast".`,
    );
  }
}

function seconds(flag: string, v: number | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isFinite(v) || v < 0)
    throw new InvalidInputError(`${flag} must be a number of seconds ≥ 0, got '${v}'.`);
  return v;
}

/** Validates filters (regexes compile, durations are sane); returns them normalised. @throws InvalidInputError */
export function validateFilters(f: SubscriptionFilters): SubscriptionFilters {
  compile('--include', f.include);
  compile('--exclude', f.exclude);
  const min = seconds('--min-duration', f.minDurationSeconds);
  const max = seconds('--max-duration', f.maxDurationSeconds);
  if (min !== undefined && max !== undefined && min > max)
    throw new InvalidInputError(
      `--min-duration (${min} s) is above --max-duration (${max} s); nothing could match.`,
    );
  const out: SubscriptionFilters = {};
  if (f.include) out.include = f.include;
  if (f.exclude) out.exclude = f.exclude;
  if (min !== undefined) out.minDurationSeconds = min;
  if (max !== undefined) out.maxDurationSeconds = max;
  if (f.noShorts) out.noShorts = true;
  if (f.noLive) out.noLive = true;
  return out;
}

/**
 * Why an entry is left out, or null when it passes. Durations unknown to the listing pass (the
 * download step still enforces the global maximum), so a feed without durations is not emptied.
 */
export function filterReason(entry: FeedEntry, f: SubscriptionFilters): string | null {
  const title = entry.title ?? '';
  const include = compile('--include', f.include);
  const exclude = compile('--exclude', f.exclude);
  if (include && !include.test(title)) return `title does not match --include ${f.include}`;
  if (exclude?.test(title)) return `title matches --exclude ${f.exclude}`;
  const d = entry.durationSeconds;
  if (d !== null && f.minDurationSeconds !== undefined && d < f.minDurationSeconds)
    return `${Math.round(d)} s is shorter than --min-duration ${f.minDurationSeconds}`;
  if (d !== null && f.maxDurationSeconds !== undefined && d > f.maxDurationSeconds)
    return `${Math.round(d)} s is longer than --max-duration ${f.maxDurationSeconds}`;
  if (
    f.noShorts &&
    (entry.isShort || (d !== null && d <= SHORT_MAX_SECONDS && /youtube|youtu\.be/.test(entry.url)))
  )
    return 'a short (--no-shorts)';
  if (f.noLive && entry.liveStatus && entry.liveStatus !== 'not_live')
    return `a live stream (${entry.liveStatus}; --no-live)`;
  return null;
}
