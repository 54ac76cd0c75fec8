import { queryTerms, stemWord, tokenize } from '../search/query.ts';
import type { SearchHit } from '../search/types.ts';
import { type CitableHit, formatTime } from './citations.ts';

/*
 * The answer without a chat model: the few sentences of the top passages that best match the
 * question — most distinct question terms (stemmed, stop words left out, as the search does),
 * earlier source and earlier sentence breaking ties — each marked with its source number and
 * shown in the order of the sources. Sentences sharing no term (a greeting, an aside) are left
 * out, and so are those matching only half as many terms as the best one or fewer.
 */

const MAX_SENTENCES = 3;
/** Passages looked at: lower-ranked ones rarely hold a better sentence and would add noise. */
const MAX_PASSAGES = 3;

interface Candidate {
  text: string;
  source: number;
  position: number;
  overlap: number;
}

/**
 * With localised evidence, the answer is the evidence sentences of the top sources, each followed
 * by its source number and the moment it is spoken ("… [1 · 01:23]"); sources whose evidence
 * matches far fewer question words than the best are left out.
 */
export function extractiveAnswer(question: string, hits: readonly CitableHit[]): string {
  if (hits[0]?.evidence) return evidenceAnswer(question, hits);
  return sentenceAnswer(question, hits);
}

function evidenceAnswer(question: string, hits: readonly CitableHit[]): string {
  const qTerms = questionTerms(question);
  const units = hits.slice(0, MAX_PASSAGES).flatMap((h, i) => {
    if (!h.evidence) return [];
    const overlap = new Set(
      tokenize(h.evidence.text)
        .map((w) => stemWord(w))
        .filter((w) => qTerms.has(w)),
    ).size;
    return [{ text: h.evidence.text.trim(), start: h.evidence.start, source: i + 1, overlap }];
  });
  const best = Math.max(0, ...units.map((u) => u.overlap));
  const kept = units.filter((u, i) => i === 0 || u.overlap > best / 2);
  return kept.map((u) => `${u.text} [${u.source} · ${formatTime(u.start)}]`).join(' ');
}

function sentenceAnswer(question: string, hits: readonly SearchHit[]): string {
  const qTerms = questionTerms(question);
  const candidates: Candidate[] = [];
  hits.slice(0, MAX_PASSAGES).forEach((hit, i) => {
    splitSentences(hit.text).forEach((text, position) => {
      const words = tokenize(text);
      if (words.length < 3) return;
      const overlap = new Set(words.map((w) => stemWord(w)).filter((w) => qTerms.has(w))).size;
      candidates.push({ text, source: i + 1, position, overlap });
    });
  });
  const bestOverlap = Math.max(0, ...candidates.map((c) => c.overlap));
  if (bestOverlap === 0) {
    // Nothing shares a word (e.g. a semantic-only match): the top passage's opening, cited.
    const first = candidates[0]?.text ?? hits[0]?.text.trim();
    return first ? `${first} [1]` : '';
  }
  const best = candidates
    .filter((c) => c.overlap > bestOverlap / 2)
    .sort((a, b) => b.overlap - a.overlap || a.source - b.source || a.position - b.position)
    .slice(0, MAX_SENTENCES)
    .sort((a, b) => a.source - b.source || a.position - b.position);
  return best.map((c) => `${c.text} [${c.source}]`).join(' ');
}

/** The question's search terms; a question of stop words only keeps them all. */
function questionTerms(question: string): Set<string> {
  try {
    return new Set(queryTerms(question).flatMap((t) => t.stems));
  } catch {
    return new Set(tokenize(question).map((w) => stemWord(w)));
  }
}

/** Captions often lack punctuation; then a long passage is cut into ~25-word pieces instead. */
export function splitSentences(text: string): string[] {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (!clean) return [];
  const sentences = clean.match(/[^.!?…]+[.!?…]+["»”)]*|[^.!?…]+$/g) ?? [clean];
  return sentences.flatMap((s) => {
    const words = s.trim().split(' ');
    if (words.length <= 40) return [s.trim()];
    const out: string[] = [];
    for (let i = 0; i < words.length; i += 25) out.push(words.slice(i, i + 25).join(' '));
    return out;
  });
}
