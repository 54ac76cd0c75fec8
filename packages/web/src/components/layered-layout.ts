/**
 * A fast layered (Sugiyama-style) layout for big graphs, where dagre's network-simplex ranking and
 * crossing minimisation take seconds: ranks by longest path from the sources, then two barycenter
 * sweeps order each column by the mean position of its neighbours. O((nodes + edges) · sweeps).
 */
export function layeredLayout(
  keys: readonly string[],
  edges: readonly { source: string; target: string }[],
  size: { width: number; height: number; rankGap: number; nodeGap: number },
): Map<string, { x: number; y: number }> {
  const parents = new Map<string, string[]>(keys.map((k) => [k, []]));
  const children = new Map<string, string[]>(keys.map((k) => [k, []]));
  for (const e of edges) {
    parents.get(e.target)?.push(e.source);
    children.get(e.source)?.push(e.target);
  }
  const rank = new Map<string, number>();
  const rankOf = (k: string, stack = new Set<string>()): number => {
    const known = rank.get(k);
    if (known !== undefined) return known;
    if (stack.has(k)) return 0; // cycles cannot occur in asset graphs; guard anyway
    stack.add(k);
    let r = 0;
    for (const p of parents.get(k) ?? []) r = Math.max(r, rankOf(p, stack) + 1);
    stack.delete(k);
    rank.set(k, r);
    return r;
  };
  const columns: string[][] = [];
  for (const k of [...keys].sort()) {
    const r = rankOf(k);
    columns[r] ??= [];
    columns[r].push(k);
  }
  const index = new Map<string, number>();
  for (const col of columns) for (const [i, k] of col.entries()) index.set(k, i);
  const sweep = (cols: string[][], neighbours: Map<string, string[]>) => {
    for (const col of cols) {
      const score = new Map(
        col.map((k) => {
          const ns = neighbours.get(k) ?? [];
          return [k, ns.length ? ns.reduce((s, n) => s + index.get(n)!, 0) / ns.length : index.get(k)!];
        }),
      );
      col.sort((a, b) => score.get(a)! - score.get(b)!);
      for (const [i, k] of col.entries()) index.set(k, i);
    }
  };
  for (let i = 0; i < 2; i++) {
    sweep(columns.slice(1), parents);
    sweep(columns.slice(0, -1).reverse(), children);
  }
  const tallest = Math.max(...columns.map((c) => c.length));
  const out = new Map<string, { x: number; y: number }>();
  for (const [r, col] of columns.entries()) {
    const offset = ((tallest - col.length) * (size.height + size.nodeGap)) / 2;
    for (const [i, k] of col.entries()) {
      out.set(k, { x: r * (size.width + size.rankGap), y: offset + i * (size.height + size.nodeGap) });
    }
  }
  return out;
}
