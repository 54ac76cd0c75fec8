import { describe, expect, it } from 'vitest';
import { describeFreshness, requiredYtDlpVersion, ytDlpTooOld } from '../src/ytdlp/index.ts';

/* When a yt-dlp counts as too old: by age (the default rule), by an explicit minimum, or both. */

const NOW = Date.UTC(2026, 11, 2, 14, 0); // 2026-12-02

describe('yt-dlp freshness rule', () => {
  it('by age: older than N days at the time of use is too old; the day boundary is exact', () => {
    const rule = { maxAgeDays: 90 };
    expect(requiredYtDlpVersion(rule, NOW)).toBe('2026.09.03');
    expect(ytDlpTooOld('2026.09.03', rule, NOW)).toBeNull();
    expect(ytDlpTooOld('2026.11.30.232740', rule, NOW)).toBeNull(); // nightly
    expect(ytDlpTooOld('2026.09.02', rule, NOW)).toBe(
      '91 days old, over the 90-day limit of YTDLP_MAX_AGE_DAYS',
    );
    // Debian's yt-dlp.
    expect(ytDlpTooOld('2023.03.04', rule, NOW)).toMatch(/^1369 days old/);
    // The same version was current when it was new.
    expect(ytDlpTooOld('2023.03.04', rule, Date.UTC(2023, 4, 1))).toBeNull();
    expect(describeFreshness(rule)).toBe('released in the last 90 days');
  });

  it('an explicit minimum alone, or together with an age; our own floor always applies', () => {
    expect(ytDlpTooOld('2025.01.15', { minVersion: '2025.01.15' }, NOW)).toBeNull();
    expect(ytDlpTooOld('2024.12.31', { minVersion: '2025.01.15' }, NOW)).toBe(
      'older than 2025.01.15, YTDLP_MIN_VERSION',
    );
    const both = { minVersion: '2026.11.01', maxAgeDays: 90 };
    expect(requiredYtDlpVersion(both, NOW)).toBe('2026.11.01');
    expect(ytDlpTooOld('2026.10.01', both, NOW)).toMatch(/older than 2026\.11\.01/);
    expect(describeFreshness(both)).toBe('released in the last 90 days and 2026.11.01 or newer');
    expect(requiredYtDlpVersion({}, NOW)).toBe('2023.03.04');
    expect(ytDlpTooOld('2022.11.11', { minVersion: '2020.01.01' }, NOW)).toMatch(
      /older than 2023\.03\.04, the oldest release with the options used here/,
    );
    expect(ytDlpTooOld('not a version', {}, NOW)).toMatch(/not a yt-dlp version/);
  });
});
