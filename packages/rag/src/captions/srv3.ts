import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { TranscriptSegment } from '../ports.ts';
import { CaptionParseError } from './errors.ts';
import { cleanCaptionLine } from './text.ts';

/*
 * YouTube's srv3 timed text: <timedtext format="3"><body><p t="ms" d="ms"><s t="offset">word</s>…</p>.
 * Automatic captions put each new line in its own <p> (plus empty "append" paragraphs holding a
 * newline); manual ones put the whole cue text in the <p>. Parsed with fast-xml-parser.
 */

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  preserveOrder: true,
  trimValues: false,
  processEntities: true,
  htmlEntities: true,
});

type Node = Record<string, unknown> & { ':@'?: Record<string, string> };

export function parseSrv3(text: string, source?: string): TranscriptSegment[] {
  const xml = text.replace(/^\uFEFF/, '');
  const valid = XMLValidator.validate(xml);
  if (valid !== true)
    throw new CaptionParseError('srv3', valid.err.line, `invalid XML (${valid.err.msg})`, source);
  const doc = parser.parse(xml) as Node[];
  const timedtext = childrenOf(doc, 'timedtext');
  if (!timedtext) throw new CaptionParseError('srv3', null, 'no <timedtext> element', source);
  const body = childrenOf(timedtext, 'body') ?? [];
  const out: TranscriptSegment[] = [];
  for (const node of body) {
    if (!('p' in node)) continue;
    const attrs = node[':@'] ?? {};
    const t = Number(attrs.t);
    if (!Number.isFinite(t))
      throw new CaptionParseError(
        'srv3',
        null,
        `a <p> has no numeric t attribute (${JSON.stringify(attrs)})`,
        source,
      );
    const d = Number(attrs.d ?? 0);
    const raw = textOf(node.p as Node[]);
    const lines = raw.split('\n').map(cleanCaptionLine).filter(Boolean);
    if (!lines.length) continue;
    const start = t / 1000;
    out.push({ start, end: start + Math.max(0, Number.isFinite(d) ? d : 0) / 1000, text: lines.join('\n') });
  }
  return out;
}

function childrenOf(nodes: Node[], name: string): Node[] | null {
  const n = nodes.find((x) => name in x);
  return n ? (n[name] as Node[]) : null;
}

/** Text of a <p>: its own text and that of its <s> (and <br/> as a newline). */
function textOf(nodes: Node[]): string {
  let s = '';
  for (const n of nodes) {
    if ('#text' in n) s += String(n['#text']);
    else if ('br' in n) s += '\n';
    else {
      const key = Object.keys(n).find((k) => k !== ':@');
      if (key) s += textOf(n[key] as Node[]);
    }
  }
  return s;
}
