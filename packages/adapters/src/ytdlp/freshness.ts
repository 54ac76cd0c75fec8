import { compareVersions, DEFAULT_MIN_YTDLP_VERSION, parseYtDlpVersion } from './version.ts';

/*
 * When a yt-dlp is too old. yt-dlp versions are release dates (2025.01.15[.N]) and YouTube breaks
 * old releases within weeks, so the default rule is an age: a release older than N days at the time
 * of use. An operator may name a minimum version instead (or as well). One pure rule, used by the
 * download-time install, `yt-dlp status`, the weekly update job and the health check alike.
 */

/** Default of YTDLP_MAX_AGE_DAYS: a yt-dlp released more than this many days ago counts as too old. */
export const DEFAULT_YTDLP_MAX_AGE_DAYS = 90;

export interface YtDlpFreshness {
  /** YTDLP_MIN_VERSION: older versions are too old. null/absent: no version floor beyond ours. */
  readonly minVersion?: string | null;
  /** YTDLP_MAX_AGE_DAYS: releases older than this many days (at `now`) are too old. null/absent: no age limit. */
  readonly maxAgeDays?: number | null;
}

const DAY_MS = 86_400_000;

/** Days between a yt-dlp version's date and `now`; null when it is not a yt-dlp version. */
export function versionAgeDays(version: string, now = Date.now()): number | null {
  const v = parseYtDlpVersion(version);
  if (!v) return null;
  return Math.max(0, Math.floor((now - Date.UTC(v[0]!, v[1]! - 1, v[2]!)) / DAY_MS));
}

export function isOlderThan(version: string, minVersion: string): boolean {
  const v = parseYtDlpVersion(version);
  const m = parseYtDlpVersion(minVersion);
  return !v || !m || compareVersions(v, m) < 0;
}

const asVersion = (ms: number) => {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}.${p(d.getUTCMonth() + 1)}.${p(d.getUTCDate())}`;
};

/**
 * The oldest version the rule accepts at `now`: the newest of our own floor (the flags we use),
 * `minVersion` and the date `maxAgeDays` before `now`.
 *
 * @example
 * requiredYtDlpVersion({ maxAgeDays: 90 }, Date.UTC(2026, 11, 2)) // '2026.09.03'
 */
export function requiredYtDlpVersion(rule: YtDlpFreshness, now = Date.now()): string {
  let best = DEFAULT_MIN_YTDLP_VERSION;
  const consider = (v: string) => {
    if (isOlderThan(best, v)) best = v;
  };
  if (rule.minVersion) consider(rule.minVersion);
  if (rule.maxAgeDays != null) consider(asVersion(now - rule.maxAgeDays * DAY_MS));
  return best;
}

/**
 * Why `version` is too old under `rule` at `now`, in words ("1369 days old, over the 90-day limit …"), or null when it is
 * recent enough. A string that is not a yt-dlp version is too old.
 *
 * @example
 * ytDlpTooOld('2023.03.04', { maxAgeDays: 90 }) // '1369 days old, over the 90-day limit of YTDLP_MAX_AGE_DAYS'
 */
export function ytDlpTooOld(version: string, rule: YtDlpFreshness, now = Date.now()): string | null {
  const required = requiredYtDlpVersion(rule, now);
  if (!isOlderThan(version, required)) return null;
  if (!parseYtDlpVersion(version)) return `'${version}' is not a yt-dlp version`;
  if (rule.minVersion && isOlderThan(version, rule.minVersion))
    return `older than ${rule.minVersion}, YTDLP_MIN_VERSION`;
  if (rule.maxAgeDays != null && required !== DEFAULT_MIN_YTDLP_VERSION)
    return `${versionAgeDays(version, now)} days old, over the ${rule.maxAgeDays}-day limit of YTDLP_MAX_AGE_DAYS`;
  return `older than ${DEFAULT_MIN_YTDLP_VERSION}, the oldest release with the options used here`;
}

/** The rule in words, for status output: "released in the last 90 days". */
export function describeFreshness(rule: YtDlpFreshness): string {
  const parts: string[] = [];
  if (rule.maxAgeDays != null) parts.push(`released in the last ${rule.maxAgeDays} days`);
  if (rule.minVersion) parts.push(`${rule.minVersion} or newer`);
  if (parts.length === 0) parts.push(`${DEFAULT_MIN_YTDLP_VERSION} or newer`);
  return parts.join(' and ');
}
