/** Windows device names; a file called `CON.txt` cannot be created there. */
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;

/**
 * Turns any title into one harmless path segment: no separators, no `..`, no control or
 * shell-hostile characters, no reserved device names, no leading dot, at most `maxBytes`
 * UTF-8 bytes. Never returns an empty string.
 *
 * Media files are named by video id; this is for human-facing exports (transcript downloads).
 * @example safeFileName('../../etc/passwd') // 'etc_passwd'
 */
export function safeFileName(title: string, opts: { maxBytes?: number; fallback?: string } = {}): string {
  const maxBytes = Math.max(8, opts.maxBytes ?? 120);
  const fallback = opts.fallback ?? 'untitled';
  let s = title
    .normalize('NFC')
    .replace(/[\t\n\r\v\f]+/g, ' ')
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/[/\\:*?"<>|]+/g, '_')
    .replace(/\s+/g, ' ')
    .replace(/\.{2,}/g, '.')
    .replace(/_+/g, '_')
    .trim()
    .replace(/^[.\s_-]+/, '')
    .replace(/[.\s_]+$/, '');
  s = truncateUtf8(s, maxBytes).replace(/[.\s_]+$/, '');
  const stem = s.split('.')[0] ?? '';
  if (RESERVED.test(stem)) s = `_${s}`;
  return s || fallback;
}

function truncateUtf8(s: string, maxBytes: number): string {
  if (Buffer.byteLength(s, 'utf8') <= maxBytes) return s;
  let out = '';
  let bytes = 0;
  // Iterate code points so a surrogate pair is never cut in half.
  for (const ch of s) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (bytes + n > maxBytes) break;
    out += ch;
    bytes += n;
  }
  return out;
}

/** What an id given for an import (`--video-id`, the upload form's videoId) may look like. */
export const IMPORT_ID_RULE =
  "1–100 characters: letters, digits, '_', '-', '.' or ':', starting with a letter or digit, without '..' (e.g. the 11-character YouTube id)";

/** True when `id` follows IMPORT_ID_RULE. */
export function isValidImportId(id: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/.test(id) && !id.includes('..');
}

/**
 * The folder/file name for a video id: reversible (so two ids never share a path — the lossy
 * safeFileName made `..v01-x` and `v01-x` the same folder) and one harmless path segment.
 * Letters, digits, `_` and `-` stay; everything else (including `.`, `:` and `%`) becomes `%XX`.
 * @example videoPathSegment('generic:abc.1') // 'generic%3Aabc%2E1'
 */
export function videoPathSegment(videoId: string): string {
  if (!videoId) throw new Error('A video id is needed to name its files.');
  return Array.from(videoId, (ch) =>
    /[A-Za-z0-9_-]/.test(ch)
      ? ch
      : Array.from(Buffer.from(ch, 'utf8'), (b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(
          '',
        ),
  ).join('');
}
