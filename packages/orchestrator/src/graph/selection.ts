import { InvalidDefinitionError, UnknownNameError } from '../errors.ts';
import type { AssetGraph } from './asset-graph.ts';

/**
 * Resolves asset selection strings against a graph. Union of all entries.
 * - `key` — one asset
 * - `group:name` — every asset in a group
 * - `+key` / `key+` / `+key+` — with all upstream / downstream assets
 * - `*` — everything
 * Throws UnknownNameError naming the closest real key or group.
 */
export function resolveSelection(graph: AssetGraph, selection: readonly string[]): string[] {
  const out = new Set<string>();
  const keys = [...graph.nodes.keys()];
  for (const raw of selection) {
    const item = raw.trim();
    if (!item) throw new InvalidDefinitionError('Empty asset selection entry.');
    if (item === '*') {
      for (const k of keys) out.add(k);
      continue;
    }
    if (item.startsWith('group:')) {
      const group = item.slice(6);
      const members = keys.filter((k) => graph.nodes.get(k)!.group === group);
      if (!members.length) {
        const groups = [...new Set(keys.map((k) => graph.nodes.get(k)!.group ?? 'default'))];
        throw new UnknownNameError('asset group', group, groups);
      }
      for (const m of members) out.add(m);
      continue;
    }
    const up = item.startsWith('+');
    const down = item.endsWith('+') && item.length > 1;
    const key = item.slice(up ? 1 : 0, down ? -1 : undefined);
    if (!graph.nodes.has(key)) throw new UnknownNameError('asset', key, keys);
    out.add(key);
    if (up) for (const k of graph.upstreamOf(key)) out.add(k);
    if (down) for (const k of graph.downstreamOf(key)) out.add(k);
  }
  return graph.sorted(out);
}
