import type { ProgressEvent } from '@llm-rag-yt/rag';

const MARK = '[llm-rag-yt-progress]';

/** Passed to `--progress-template` (with `--newline`): one machine-readable line per update. */
export const PROGRESS_TEMPLATE = `download:${MARK} %(progress.downloaded_bytes)s %(progress.total_bytes)s %(progress.total_bytes_estimate)s %(progress.eta)s`;

/** Parses one line printed through PROGRESS_TEMPLATE; null for every other line. */
export function parseProgressLine(line: string): ProgressEvent | null {
  const i = line.indexOf(MARK);
  if (i < 0) return null;
  const [done, total, estimate, eta] = line
    .slice(i + MARK.length)
    .trim()
    .split(/\s+/)
    .map((x) => Number.parseFloat(x));
  const whole =
    Number.isFinite(total) && total! > 0
      ? total!
      : Number.isFinite(estimate) && estimate! > 0
        ? estimate!
        : null;
  if (!Number.isFinite(done)) return { message: 'downloading' };
  const fraction = whole ? Math.min(1, done! / whole) : undefined;
  const parts = [`downloaded ${formatBytes(done!)}`];
  if (whole) parts.push(`of ${formatBytes(whole)}`);
  if (Number.isFinite(eta)) parts.push(`(${Math.round(eta!)} s left)`);
  return fraction === undefined ? { message: parts.join(' ') } : { fraction, message: parts.join(' ') };
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
