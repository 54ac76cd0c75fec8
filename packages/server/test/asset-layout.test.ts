import { describe, expect, it } from 'vitest';
import { ASSET_NODE, layoutAssetGraph, shapeHash } from '../src/asset-layout.ts';

describe('server-side asset graph layout (elkjs in a worker thread)', () => {
  const shape = {
    keys: ['source_urls', 'audio_files', 'transcripts', 'embeddings', 'thumbnails'],
    edges: [
      { source: 'source_urls', target: 'audio_files' },
      { source: 'audio_files', target: 'transcripts' },
      { source: 'transcripts', target: 'embeddings' },
      { source: 'source_urls', target: 'thumbnails' },
    ],
  };

  it('places every asset left to right along its dependencies, without overlaps', async () => {
    const p = await layoutAssetGraph(shape);
    expect([...p.keys()].sort()).toEqual([...shape.keys].sort());
    for (const e of shape.edges)
      expect(p.get(e.target)!.x).toBeGreaterThanOrEqual(p.get(e.source)!.x + ASSET_NODE.width);
    const boxes = [...p.values()];
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!;
        const b = boxes[j]!;
        const overlap = Math.abs(a.x - b.x) < ASSET_NODE.width && Math.abs(a.y - b.y) < ASSET_NODE.height;
        expect(overlap).toBe(false);
      }
  });

  it('lays a graph shape out once per process, whatever the order of its nodes and edges', async () => {
    const reordered = { keys: [...shape.keys].reverse(), edges: [...shape.edges].reverse() };
    expect(shapeHash(reordered)).toBe(shapeHash(shape));
    expect(shapeHash({ ...shape, edges: shape.edges.slice(1) })).not.toBe(shapeHash(shape));
    expect(layoutAssetGraph(reordered)).toBe(layoutAssetGraph(shape));
  });

  it('ignores edges to assets that are not in the graph', async () => {
    const p = await layoutAssetGraph({
      keys: ['a', 'b'],
      edges: [
        { source: 'a', target: 'b' },
        { source: 'ghost', target: 'a' },
      ],
    });
    expect(p.get('b')!.x).toBeGreaterThan(p.get('a')!.x);
  });
});
