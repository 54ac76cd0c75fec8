import type { Chunk } from '../chunking/chunk-segments.ts';

/* Checks shared by every SearchIndex implementation, so both dialects reject the same input. */

/** Validates the embeddings against the chunks; returns their dimension (null when none). */
export function checkEmbeddings(
  videoId: string,
  chunks: readonly Chunk[],
  embeddings: readonly Float32Array[] | null,
  model: string | null,
): number | null {
  if (!embeddings) return null;
  if (!model) throw new Error(`indexVideo('${videoId}'): embeddings given without an embedding model name.`);
  if (embeddings.length !== chunks.length) {
    throw new Error(
      `indexVideo('${videoId}'): ${embeddings.length} embeddings for ${chunks.length} chunks; embed every chunk, in order.`,
    );
  }
  if (embeddings.length === 0) return null;
  const dims = embeddings[0].length;
  if (dims === 0 || embeddings.some((e) => e.length !== dims)) {
    throw new Error(`indexVideo('${videoId}'): embeddings of '${model}' have differing or zero dimensions.`);
  }
  return dims;
}

export function countWords(text: string): number {
  let n = 0;
  for (const _ of text.matchAll(/\S+/g)) n++;
  return n;
}
