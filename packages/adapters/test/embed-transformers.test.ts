import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TransformersEmbedder } from '../src/transformers-embed/transformers-embedder.ts';

/*
 * Real model weights cannot be downloaded here (no internet). The model test runs when
 * TRANSFORMERS_MODEL_PATH points to a local model folder (e.g. a copy of
 * Xenova/multilingual-e5-small with onnx/model_quantized.onnx) and is skipped with that reason otherwise.
 */
const modelPath = process.env.TRANSFORMERS_MODEL_PATH;
const cacheDir = mkdtempSync(join(tmpdir(), 'hf-cache-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

const cos = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);

describe('TransformersEmbedder', () => {
  it('names the model and its dimensions before loading anything', () => {
    const e = new TransformersEmbedder({ cacheDir });
    expect(e.model).toBe('transformers:Xenova/multilingual-e5-small');
    expect(e.dimensions).toBe(384);
  });

  it('explains how to fix a missing local model folder', async () => {
    const e = new TransformersEmbedder({ cacheDir, modelPath: join(cacheDir, 'no-such-model') });
    await expect(e.embed(['x'], 'query')).rejects.toThrow(
      /Cannot load embedding model 'no-such-model' from the local folder/,
    );
  });

  it.skipIf(!modelPath)(
    'embeds Russian and English with meaning (needs TRANSFORMERS_MODEL_PATH: the hub is unreachable here)',
    async () => {
      const e = new TransformersEmbedder({ cacheDir, modelPath });
      const [q, en, ru, off] = [
        ...(await e.embed(['how do rockets reach orbit?'], 'query')),
        ...(await e.embed(
          [
            'A rocket gets to orbit by going sideways very fast.',
            'Ракета выходит на орбиту, разгоняясь вбок.',
            'Boil pasta in salted water.',
          ],
          'passage',
        )),
      ];
      expect(q).toHaveLength(e.dimensions);
      expect(Math.abs(cos(q, q) - 1)).toBeLessThan(1e-3);
      expect(cos(q, en)).toBeGreaterThan(cos(q, off));
      expect(cos(q, ru)).toBeGreaterThan(cos(q, off));
    },
    60_000,
  );
});
