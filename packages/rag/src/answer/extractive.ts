import { stemWord, tokenize } from '../search/query.ts';
import type { SearchHit } from '../search/types.ts';

/*
 * The answer without a chat model: the sentences of the top passages that share the most
 * words with the question, each marked with its source number, in the order of the sources.
 */

const MAX_SENTENCES = 3;
/** Passages looked at: lower-ranked ones rarely hold a better sentence and would add noise. */
const MAX_PASSAGES = 3;

interface Candidate {
  text: string;
  source: number;
  position: number;
  score: number;
}

export function extractiveAnswer(question: string, hits: readonly SearchHit[]): string {
  const qWords = new Set(tokenize(question).map(stemWord));
  const candidates: Candidate[] = [];
  hits.slice(0, MAX_PASSAGES).forEach((hit, i) => {
    splitSentences(hit.text).forEach((text, position) => {
      const words = tokenize(text);
      if (words.length < 3) return;
      const overlap = new Set(words.map(stemWord).filter((w) => qWords.has(w))).size;
      // Earlier sources get a small bonus: the retriever already judged them better.
      candidates.push({ text, source: i + 1, position, score: overlap + (MAX_PASSAGES - i) * 0.1 });
    });
  });
  if (candidates.length === 0) {
    return hits.length > 0 ? `${hits[0].text.trim()} [1]` : '';
  }
  const best = candidates
    .sort((a, b) => b.score - a.score)
    .slice(0, MAX_SENTENCES)
    .sort((a, b) => a.source - b.source || a.position - b.position);
  return best.map((c) => `${c.text} [${c.source}]`).join(' ');
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
