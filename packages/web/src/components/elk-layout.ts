import ElkModule, { type ELK, type ELKConstructorArguments, type ElkNode } from 'elkjs/lib/elk-api.js';
// The bundled ELK worker (1.6 MB of GWT output) loads only when a graph page lays something out.
import elkWorkerUrl from 'elkjs/lib/elk-worker.min.js?url';

export type Positions = Map<string, { x: number; y: number }>;

export interface LayoutInput {
  keys: readonly string[];
  edges: readonly { source: string; target: string }[];
  node: { width: number; height: number };
}

// elk-api.js is a CommonJS bundle whose module.exports is the constructor (also exposed as .default);
// under NodeNext typing the default import is the namespace, so take the constructor explicitly.
const ElkConstructor = ((ElkModule as unknown as { default?: unknown }).default ?? ElkModule) as new (
  args: ELKConstructorArguments,
) => ELK;

/** One worker per page load: ELK's start-up (JIT of its GWT code) is paid once, not per layout. */
let elk: ELK | undefined;
const getElk = () => {
  elk ??= new ElkConstructor({ workerUrl: elkWorkerUrl });
  return elk;
};

/**
 * ELK's layered algorithm, tuned for speed on big graphs: longest-path layering and linear-segment
 * placement skip the network-simplex passes that cost seconds at 500 nodes; React Flow draws the
 * edges itself, so ELK's edge routes are not used.
 */
function layoutOptions(nodes: number): Record<string, string> {
  const base = {
    'elk.algorithm': 'layered',
    'elk.direction': 'RIGHT',
    'elk.spacing.nodeNode': '16',
    'elk.layered.spacing.nodeNodeBetweenLayers': '70',
    'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  };
  if (nodes <= 150) return base;
  return {
    ...base,
    'elk.layered.layering.strategy': 'LONGEST_PATH',
    'elk.layered.nodePlacement.strategy': 'LINEAR_SEGMENTS',
    'elk.layered.thoroughness': '1',
    'elk.edgeRouting': 'POLYLINE',
  };
}

/**
 * The asset graph only changes when definitions change (a deploy), so positions are kept per graph
 * shape in localStorage: revisits and live status updates never lay out again.
 */
const CACHE_PREFIX = 'asset-graph-layout:v1:';

function shapeKey(input: LayoutInput): string {
  const text = `${[...input.keys].sort().join(',')}|${input.edges
    .map((e) => `${e.source}>${e.target}`)
    .sort()
    .join(',')}`;
  let h = 2166136261; // FNV-1a: a short, stable key for the storage entry
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return `${CACHE_PREFIX}${input.keys.length}:${(h >>> 0).toString(36)}`;
}

function readCache(key: string): Positions | null {
  try {
    const raw = localStorage.getItem(key);
    return raw ? new Map(JSON.parse(raw) as [string, { x: number; y: number }][]) : null;
  } catch {
    return null; // storage disabled or entry corrupt: lay out again
  }
}

function writeCache(key: string, positions: Positions): void {
  try {
    for (const k of Object.keys(localStorage)) if (k.startsWith(CACHE_PREFIX)) localStorage.removeItem(k);
    localStorage.setItem(key, JSON.stringify([...positions]));
  } catch {
    // quota exceeded or storage disabled: the layout still works, just uncached
  }
}

/** Top-left positions for each key, laid out left-to-right by ELK in a Web Worker. */
export async function elkLayout(input: LayoutInput): Promise<Positions> {
  const key = shapeKey(input);
  const cached = readCache(key);
  if (cached && input.keys.every((k) => cached.has(k))) return cached;
  const known = new Set(input.keys);
  const graph: ElkNode = {
    id: '__root__',
    layoutOptions: layoutOptions(input.keys.length),
    children: input.keys.map((id) => ({ id, width: input.node.width, height: input.node.height })),
    edges: input.edges
      .filter((e) => known.has(e.source) && known.has(e.target))
      .map((e, i) => ({ id: `e${i}`, sources: [e.source], targets: [e.target] })),
  };
  const out = await getElk().layout(graph);
  const positions: Positions = new Map((out.children ?? []).map((c) => [c.id, { x: c.x ?? 0, y: c.y ?? 0 }]));
  writeCache(key, positions);
  return positions;
}
