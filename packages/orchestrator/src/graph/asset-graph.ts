import { InvalidDefinitionError, UnknownNameError } from '../errors.ts';

export interface GraphNode {
  readonly key: string;
  readonly deps: readonly string[];
  readonly group?: string;
}

/** An immutable dependency graph of steps (assets/ops) with topological order. Pure. */
export class AssetGraph {
  readonly nodes: ReadonlyMap<string, GraphNode>;
  readonly downstream: ReadonlyMap<string, readonly string[]>;
  /** Keys in dependency order (upstream first); ties broken by key for determinism. */
  readonly order: readonly string[];

  constructor(nodes: readonly GraphNode[]) {
    const map = new Map<string, GraphNode>();
    for (const n of nodes) {
      if (map.has(n.key)) throw new InvalidDefinitionError(`Duplicate asset or op key '${n.key}'.`);
      map.set(n.key, n);
    }
    const down = new Map<string, string[]>();
    for (const n of nodes) down.set(n.key, []);
    for (const n of nodes) {
      for (const d of n.deps) {
        if (!map.has(d)) {
          throw new InvalidDefinitionError(
            `'${n.key}' depends on '${d}', which is not defined.${suggest(d, [...map.keys()])}`,
          );
        }
        down.get(d)!.push(n.key);
      }
    }
    this.nodes = map;
    this.downstream = down;
    this.order = Object.freeze(topoSort(map));
  }

  upstreamOf(key: string): Set<string> {
    return this.walk(key, (k) => this.nodes.get(k)?.deps ?? []);
  }

  downstreamOf(key: string): Set<string> {
    return this.walk(key, (k) => this.downstream.get(k) ?? []);
  }

  private walk(start: string, next: (k: string) => readonly string[]): Set<string> {
    const seen = new Set<string>();
    const stack = [...next(start)];
    while (stack.length) {
      const k = stack.pop()!;
      if (seen.has(k)) continue;
      seen.add(k);
      stack.push(...next(k));
    }
    return seen;
  }

  /** Returns the keys of `subset` in dependency order. */
  sorted(subset: Iterable<string>): string[] {
    const s = new Set(subset);
    return this.order.filter((k) => s.has(k));
  }
}

function suggest(name: string, known: string[]): string {
  const e = new UnknownNameError('asset', name, known);
  return e.suggestion ? ` Did you mean '${e.suggestion}'?` : '';
}

function topoSort(map: Map<string, GraphNode>): string[] {
  const indeg = new Map<string, number>();
  for (const [k, n] of map) indeg.set(k, n.deps.length);
  const ready = [...map.keys()].filter((k) => indeg.get(k) === 0).sort();
  const out: string[] = [];
  const down = new Map<string, string[]>();
  for (const [k, n] of map) for (const d of n.deps) down.set(d, [...(down.get(d) ?? []), k]);
  while (ready.length) {
    const k = ready.shift()!;
    out.push(k);
    for (const c of (down.get(k) ?? []).sort()) {
      const v = indeg.get(c)! - 1;
      indeg.set(c, v);
      if (v === 0) {
        ready.push(c);
        ready.sort();
      }
    }
  }
  if (out.length !== map.size) {
    const cycle = findCycle(map);
    throw new InvalidDefinitionError(
      `Dependency cycle: ${cycle.join(' → ')}. Remove one of these dependencies.`,
    );
  }
  return out;
}

function findCycle(map: Map<string, GraphNode>): string[] {
  const state = new Map<string, 1 | 2>();
  const path: string[] = [];
  const visit = (k: string): string[] | null => {
    state.set(k, 1);
    path.push(k);
    for (const d of map.get(k)?.deps ?? []) {
      if (state.get(d) === 1) return [...path.slice(path.indexOf(d)), d];
      if (!state.has(d)) {
        const c = visit(d);
        if (c) return c;
      }
    }
    path.pop();
    state.set(k, 2);
    return null;
  };
  for (const k of map.keys()) {
    if (!state.has(k)) {
      const c = visit(k);
      if (c) return c.reverse();
    }
  }
  return [];
}
