const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  lrm: '',
  rlm: '',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  laquo: '«',
  raquo: '»',
  rsquo: '’',
  lsquo: '‘',
  rdquo: '”',
  ldquo: '“',
};

/** Decodes the HTML entities caption files use (named ones above, decimal and hex). Unknown ones stay. */
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, body: string) => {
    if (body[0] === '#') {
      const code =
        body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number(body.slice(1));
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[body.toLowerCase()] ?? whole;
  });
}

/**
 * Removes markup from one caption line: WebVTT inline timestamps (`<00:00:01.200>`), class,
 * voice, italic/bold tags, SRT `<font>` and `{\an8}` positioning codes.
 */
export function stripTags(s: string): string {
  return s
    .replace(/<\d{1,2}:\d{2}(?::\d{2})?[.,]\d{3}>/g, '')
    .replace(/<\/?[a-z][^<>]*>/gi, '')
    .replace(/\{\\[^}]*\}/g, '');
}

/** Markup-free, entity-decoded, whitespace-collapsed text of one caption line. */
export function cleanCaptionLine(s: string): string {
  return decodeEntities(stripTags(s)).replace(/\s+/g, ' ').trim();
}
