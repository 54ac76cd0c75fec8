/** A Telegram message entity, as much as link extraction needs. */
export interface LinkEntity {
  readonly type: string;
  readonly offset: number;
  readonly length: number;
  readonly url?: string;
}

// http(s) links anywhere, plus scheme-less YouTube forms people paste (youtu.be/…, youtube.com/…).
const LINK_RE =
  /\bhttps?:\/\/[^\s<>"']+|(?<![\w./@-])(?:(?:www\.|m\.|music\.)?youtube\.com|youtu\.be)\/[^\s<>"']+/gi;
// Closing punctuation stuck to the end of a link in prose ("see https://…/x).").
const TRAILING = /[.,;:!?)\]}»"']+$/;

/**
 * The links in a message, in order and de-duplicated: Telegram's `url`/`text_link` entities
 * (offsets are UTF-16, like JS strings) and a regex over the text, so forwarded or hand-built
 * messages without entities work too.
 *
 * @example extractLinks('see youtu.be/dQw4w9WgXcQ and https://x.org/v.') // ['youtu.be/dQw4w9WgXcQ', 'https://x.org/v']
 */
export function extractLinks(text: string, entities: readonly LinkEntity[] = []): string[] {
  const found: string[] = [];
  for (const e of entities) {
    if (e.type === 'text_link' && e.url) found.push(e.url);
    else if (e.type === 'url') found.push(text.slice(e.offset, e.offset + e.length));
  }
  for (const m of text.matchAll(LINK_RE)) found.push(m[0]);
  const out: string[] = [];
  for (const raw of found) {
    const link = raw.replace(TRAILING, '');
    if (link && !out.includes(link)) out.push(link);
  }
  // A regex hit that is a prefix-free duplicate of an entity is already removed; drop links contained in a longer one.
  return out.filter((l) => !out.some((o) => o !== l && o.includes(l) && o.length > l.length));
}
