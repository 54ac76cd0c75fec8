import type { Citation } from '../service/types.ts';
import { formatTime } from './citations.ts';

/*
 * The model cites sources as [1], [2][3] or [1, 3]. Each marker becomes "[n · mm:ss]" — the
 * source and the moment its evidence is spoken — so a reader of the plain text (CLI, bot) can
 * jump there. Numbers that name no source are dropped (a model sometimes invents [7]).
 */

export interface CitedAnswer {
  text: string;
  /** Source numbers (1-based) the answer cites, in first-use order. */
  cited: number[];
  /** Markers naming no source, removed from the text. */
  invalid: number[];
}

const MARKER = /\[(\d+(?:\s*[,;]\s*\d+)*)\]/g;

export function citeClaims(answer: string, citations: readonly Citation[]): CitedAnswer {
  const cited: number[] = [];
  const invalid: number[] = [];
  const text = answer.replace(MARKER, (_, list: string) => {
    const parts = list.split(/[,;]/).map((n) => Number(n.trim()));
    const kept = parts.filter((n) => {
      const ok = Number.isInteger(n) && n >= 1 && n <= citations.length;
      if (!ok && !invalid.includes(n)) invalid.push(n);
      if (ok && !cited.includes(n)) cited.push(n);
      return ok;
    });
    return kept.map((n) => `[${n} · ${formatTime(citations[n - 1]!.start)}]`).join('');
  });
  return { text: text.replace(/\s+([.,;:!?])/g, '$1').replace(/[ \t]{2,}/g, ' '), cited, invalid };
}
