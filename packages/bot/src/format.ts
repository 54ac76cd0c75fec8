import { formatClock, formatDuration } from '@llm-rag-yt/format';
/*
 * Pure text helpers for Telegram's parse_mode HTML: escaping, the progress bar, times and
 * splitting long texts under the 4,096-character message limit without cutting tags or entities.
 */

/** Telegram's limit on a message's text (after entity parsing; we count the HTML, which is longer, so stay safe). */
export const MAX_MESSAGE_CHARS = 4096;

/** Escapes text for parse_mode HTML (Telegram needs only &, < and >; quotes matter inside attributes). */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A 10-cell bar: progressBar(50) === '▓▓▓▓▓░░░░░'. */
export function progressBar(percent: number): string {
  const filled = Math.max(0, Math.min(10, Math.round(percent / 10)));
  return '▓'.repeat(filled) + '░'.repeat(10 - filled);
}

/** 83.7 → '01:23'; 3725 → '1:02:05' (chat messages write two-digit minutes, as citations do). */
export function formatTimestamp(seconds: number): string {
  return formatClock(seconds, { padMinutes: true });
}

/** 950 → '950 ms'; 1234 → '1.2 s'; 75_000 → '1 min 15 s' (shared with the CLI and the web UI). */
export { formatDuration };

/**
 * A message for a chat user without the server's internals: an absolute file path (the data folder,
 * a temp file, a binary) becomes its last segment — `/srv/data/audio/x.wav` → `x.wav`. URLs keep
 * their paths (a path preceded by a host or `:` is not a local path).
 */
export function hideLocalPaths(s: string): string {
  return s.replace(/(?<![\w:/.~-])\/(?:[\w.@%+-]+\/)+([\w.@%+-]*)/g, (_, last: string) => last || '…');
}

export function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/**
 * Packs self-contained HTML blocks (each closes every tag it opens) into messages of at most
 * `limit` characters. A block longer than the limit must be tag-free escaped text; it is cut at
 * whitespace (or, failing that, before an entity) so no `&amp;` is split.
 */
export function packMessages(blocks: readonly string[], limit = MAX_MESSAGE_CHARS): string[] {
  const pieces = blocks.flatMap((b) => (b.length <= limit ? [b] : splitPlain(b, limit)));
  const out: string[] = [];
  let current = '';
  for (const p of pieces) {
    const joined = current ? `${current}\n\n${p}` : p;
    if (joined.length <= limit) current = joined;
    else {
      if (current) out.push(current);
      current = p;
    }
  }
  if (current) out.push(current);
  return out;
}

function splitPlain(text: string, limit: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    let cut = rest.lastIndexOf('\n', limit);
    if (cut < limit / 2) cut = rest.lastIndexOf(' ', limit);
    if (cut < limit / 2) {
      cut = limit;
      const amp = rest.lastIndexOf('&', cut);
      if (amp > cut - 8 && !rest.slice(amp, cut).includes(';')) cut = amp;
    }
    out.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest) out.push(rest);
  return out;
}
