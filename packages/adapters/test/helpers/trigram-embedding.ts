/*
 * A deterministic stand-in for a sentence embedding: a hashed bag of character trigrams,
 * L2-normalised. Texts sharing words (or word stems) get close vectors, which is all the
 * ranking tests and the benchmark need from a local embedder.
 */

export const TRIGRAM_DIMS = 384;

export function trigramEmbedding(text: string, dims = TRIGRAM_DIMS): Float32Array {
  const v = new Float32Array(dims);
  // e5-style prefixes are protocol, not content.
  const clean = text
    .replace(/^(query|passage):\s*/i, '')
    .normalize('NFKC')
    .toLowerCase();
  for (const word of clean.match(/[\p{L}\p{N}]+/gu) ?? []) {
    const padded = ` ${word} `;
    for (let i = 0; i + 3 <= padded.length; i++) {
      const h = fnv1a(padded.slice(i, i + 3));
      // The sign bit spreads collisions around zero instead of piling them up.
      v[h % dims] += h & 0x80000000 ? -1 : 1;
    }
  }
  let norm = 0;
  for (let i = 0; i < dims; i++) norm += v[i] * v[i];
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < dims; i++) v[i] /= norm;
  return v;
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
