import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** Top-left corner of a node, in the graph's coordinate space. */
export interface Point {
  x: number;
  y: number;
}

export interface GraphShape {
  keys: readonly string[];
  edges: readonly { source: string; target: string }[];
}

/** Size of one drawn asset node; the UI draws nodes at exactly this size. */
export const ASSET_NODE = Object.freeze({ width: 190, height: 52 });

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
 * ELK (GWT-compiled Java) takes seconds for hundreds of nodes and runs synchronously, so it runs in
 * a worker thread: the API keeps answering meanwhile. The worker is plain CommonJS given as source,
 * so it needs no TypeScript loader in whatever runs the server (node --import tsx, vitest).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ELK = require(workerData.elkPath);
new ELK().layout(workerData.graph).then(
  (out) => parentPort.postMessage({ children: (out.children || []).map((c) => [c.id, c.x || 0, c.y || 0]) }),
  (e) => parentPort.postMessage({ error: String((e && e.message) || e) }),
);
`;

const elkPath = createRequire(import.meta.url).resolve('elkjs/lib/elk.bundled.js');

function runElk(shape: GraphShape): Promise<Map<string, Point>> {
  const known = new Set(shape.keys);
  const graph = {
    id: '__root__',
    layoutOptions: layoutOptions(shape.keys.length),
    children: shape.keys.map((id) => ({ id, ...ASSET_NODE })),
    edges: shape.edges
      .filter((e) => known.has(e.source) && known.has(e.target))
      .map((e, i) => ({ id: `e${i}`, sources: [e.source], targets: [e.target] })),
  };
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { elkPath, graph } });
    worker.unref(); // a layout in progress never keeps a stopping server alive
    const fail = (why: string) => {
      void worker.terminate();
      reject(new Error(`ELK could not lay out the asset graph (${shape.keys.length} assets): ${why}`));
    };
    worker.once('error', (e) => fail(e.message));
    worker.once('exit', (code) => fail(`layout worker exited with code ${code} before answering`));
    worker.once('message', (m: { children?: [string, number, number][]; error?: string }) => {
      if (m.error !== undefined || !m.children) return fail(m.error ?? 'no positions returned');
      void worker.terminate();
      resolve(new Map(m.children.map(([id, x, y]) => [id, { x: Math.round(x), y: Math.round(y) }])));
    });
  });
}

/** Stable key for a graph shape: the same assets and deps in any order give the same hash. */
export function shapeHash(shape: GraphShape): string {
  const h = createHash('sha256');
  for (const k of [...shape.keys].sort()) h.update(`n:${k}\n`);
  for (const e of shape.edges.map((e) => `e:${e.source}>${e.target}\n`).sort()) h.update(e);
  return h.digest('hex').slice(0, 32);
}

/**
 * Asset definitions are fixed for the life of a process, so each graph shape is laid out once and
 * shared by every request (and every app in the process). A failed layout is forgotten so the next
 * request retries it.
 */
const cache = new Map<string, Promise<Map<string, Point>>>();

export function layoutAssetGraph(shape: GraphShape): Promise<Map<string, Point>> {
  const key = shapeHash(shape);
  let pending = cache.get(key);
  if (!pending) {
    pending = runElk(shape);
    cache.set(key, pending);
    pending.catch(() => cache.delete(key));
  }
  return pending;
}
