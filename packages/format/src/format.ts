/*
 * How durations and video times read for people. One implementation for the CLI, the bot and the
 * web UI (and the answers' citations), so the same run or passage reads the same everywhere. No
 * imports: the web UI bundles this for the browser.
 */

/**
 * A duration in milliseconds for people.
 *
 * @example formatDuration(950) // '950 ms'
 * @example formatDuration(1234) // '1.2 s'
 * @example formatDuration(75_000) // '1 min 15 s'
 * @example formatDuration(4_500_000) // '1 h 15 min'
 */
export function formatDuration(ms: number): string {
  const t = Math.max(0, Number.isFinite(ms) ? ms : 0);
  if (t < 1000) return `${Math.round(t)} ms`;
  if (t < 59_950) return `${(t / 1000).toFixed(1)} s`;
  const s = Math.round(t / 1000);
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/**
 * A time in a video (seconds) as a clock: `m:ss`, or `h:mm:ss` from an hour on. `padMinutes`
 * writes two-digit minutes (`01:23`), as chat messages and citations do.
 *
 * @example formatClock(83.7) // '1:23'
 * @example formatClock(83.7, { padMinutes: true }) // '01:23'
 * @example formatClock(3725) // '1:02:05'
 */
export function formatClock(seconds: number, opts: { padMinutes?: boolean } = {}): string {
  const t = Math.max(0, Math.floor(Number.isFinite(seconds) ? seconds : 0));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const ss = String(t % 60).padStart(2, '0');
  if (h > 0) return `${h}:${String(m).padStart(2, '0')}:${ss}`;
  return `${opts.padMinutes ? String(m).padStart(2, '0') : m}:${ss}`;
}
