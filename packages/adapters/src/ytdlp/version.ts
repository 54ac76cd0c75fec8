/** How to get a current yt-dlp; YouTube changes often and distribution packages lag behind. */
export const YTDLP_INSTALL_HINT =
  'Install a current yt-dlp: `pipx install yt-dlp` (or `pip install -U yt-dlp`), or download the release binary from https://github.com/yt-dlp/yt-dlp/releases/latest, then set the yt-dlp path in the config if it is not on PATH.';

/** Oldest release known to work with our flags (--progress-template, --load-info-json, json3 subs). */
export const DEFAULT_MIN_YTDLP_VERSION = '2023.03.04';

/** '2024.12.13', '2025.01.15.232740' (nightly) → [2024, 12, 13, 0]; null when not a yt-dlp version. */
export function parseYtDlpVersion(text: string): number[] | null {
  const m = /(\d{4})\.(\d{1,2})\.(\d{1,2})(?:\.(\d+))?/.exec(text.trim());
  if (!m) return null;
  return [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0)];
}

/** Negative when a < b, 0 when equal, positive when a > b. */
export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
