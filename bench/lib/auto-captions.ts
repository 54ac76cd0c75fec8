/*
 * YouTube's automatic-caption layouts, generated from timed sentences so retrieval can be
 * measured (and de-duplication tested) on the shapes real auto-captions have:
 * - WebVTT: two-line rolling cues; each line appears twice as it scrolls up (as the new bottom
 *   line with inline <00:00:01.234><c> word timings, then as the plain top line), with 10 ms
 *   "snapshot" cues between and ' ' filler lines;
 * - json3: one event per new line with `segs` word offsets, and "aAppend" newline events;
 * - srv3: the same as <p t d><s t>word</s></p> XML.
 * Text is lower-cased without punctuation, as YouTube's speech recogniser writes it.
 */

export interface TimedSentence {
  start: number;
  end: number;
  text: string;
}

interface Word {
  text: string;
  start: number;
}

const WORDS_PER_LINE = 7;

/** Words with times interpolated inside their sentence, lower-cased, punctuation dropped. */
export function spokenWords(sentences: readonly TimedSentence[]): Word[] {
  const out: Word[] = [];
  for (const s of sentences) {
    const words = s.text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}'\s-]/gu, ' ')
      .split(/\s+/)
      .filter(Boolean);
    const step = (s.end - s.start) / Math.max(1, words.length);
    words.forEach((w, i) => {
      out.push({ text: w, start: s.start + step * i });
    });
  }
  return out;
}

function lines(words: readonly Word[]): Word[][] {
  const out: Word[][] = [];
  for (let i = 0; i < words.length; i += WORDS_PER_LINE) out.push(words.slice(i, i + WORDS_PER_LINE));
  return out;
}

function vttTime(s: number): string {
  const ms = Math.round(s * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const sec = Math.floor((ms % 60_000) / 1000);
  const milli = ms % 1000;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}.${String(milli).padStart(3, '0')}`;
}

/** Start of line i+1 (or a little after the last word). */
function lineEnd(ls: Word[][], i: number): number {
  const next = ls[i + 1];
  if (next) return next[0]!.start;
  const last = ls[i]!.at(-1)!;
  return last.start + 1.5;
}

export function rollingVtt(sentences: readonly TimedSentence[]): string {
  const ls = lines(spokenWords(sentences));
  const cues: string[] = [];
  ls.forEach((line, i) => {
    const start = line[0]!.start;
    const end = lineEnd(ls, i);
    const timed = line.map((w, j) => (j === 0 ? w.text : `<${vttTime(w.start)}><c> ${w.text}</c>`)).join('');
    const top = i === 0 ? ' ' : ls[i - 1]!.map((w) => w.text).join(' ');
    cues.push(
      `${vttTime(start)} --> ${vttTime(Math.max(start, end - 0.01))} align:start position:0%\n${top}\n${timed}`,
    );
    // The snapshot: the finished line alone, about to scroll up.
    cues.push(
      `${vttTime(Math.max(start, end - 0.01))} --> ${vttTime(end)} align:start position:0%\n${line.map((w) => w.text).join(' ')}\n `,
    );
  });
  return `WEBVTT\nKind: captions\nLanguage: en\n\n${cues.join('\n\n')}\n`;
}

export function rollingJson3(sentences: readonly TimedSentence[]): string {
  const ls = lines(spokenWords(sentences));
  const ms = (s: number) => Math.round(s * 1000);
  const events: unknown[] = [
    { tStartMs: 0, dDurationMs: ms(lineEnd(ls, ls.length - 1)), id: 1, wpWinPosId: 1, wsWinStyleId: 1 },
  ];
  ls.forEach((line, i) => {
    const start = ms(line[0]!.start);
    // A line stays on screen while the next one is written under it.
    const off = ms(lineEnd(ls, Math.min(ls.length - 1, i + 1)));
    events.push({
      tStartMs: start,
      dDurationMs: Math.max(1, off - start),
      wWinId: 1,
      segs: line.map((w, j) =>
        j === 0
          ? { utf8: w.text, acAsrConf: 0 }
          : { utf8: ` ${w.text}`, tOffsetMs: ms(w.start) - start, acAsrConf: 0 },
      ),
    });
    const next = ms(lineEnd(ls, i));
    events.push({
      tStartMs: next - 10,
      dDurationMs: Math.max(1, off - next + 10),
      wWinId: 1,
      aAppend: 1,
      segs: [{ utf8: '\n' }],
    });
  });
  return JSON.stringify({ wireMagic: 'pb3', pens: [{}], wsWinStyles: [{}], wpWinPositions: [{}], events });
}

export function rollingSrv3(sentences: readonly TimedSentence[]): string {
  const ls = lines(spokenWords(sentences));
  const ms = (s: number) => Math.round(s * 1000);
  const esc = (s: string) =>
    s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&#39;');
  const ps: string[] = [];
  ls.forEach((line, i) => {
    const start = ms(line[0]!.start);
    const off = ms(lineEnd(ls, Math.min(ls.length - 1, i + 1)));
    const spans = line
      .map((w, j) =>
        j === 0 ? `<s ac="0">${esc(w.text)}</s>` : `<s t="${ms(w.start) - start}" ac="0"> ${esc(w.text)}</s>`,
      )
      .join('');
    ps.push(`<p t="${start}" d="${Math.max(1, off - start)}" w="1">${spans}</p>`);
    const next = ms(lineEnd(ls, i));
    ps.push(`<p t="${next - 10}" d="${Math.max(1, off - next + 10)}" w="1" a="1">\n</p>`);
  });
  return `<?xml version="1.0" encoding="utf-8" ?><timedtext format="3">\n<head>\n<ws id="0"/>\n<wp id="0"/>\n</head>\n<body>\n<w t="0" id="1" wp="0" ws="0"/>\n${ps.join('\n')}\n</body>\n</timedtext>\n`;
}
