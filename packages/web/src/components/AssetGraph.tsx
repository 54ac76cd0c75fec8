import dagre from '@dagrejs/dagre';
import {
  Background,
  Controls,
  type Edge,
  Handle,
  MiniMap,
  type Node,
  type NodeProps,
  Position,
  ReactFlow,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { memo, useMemo } from 'react';
import type { GraphData } from '../pages/AssetGraphPage.tsx';
import { navigate } from '../router.tsx';
import { layeredLayout } from './layered-layout.ts';
import { ago } from './ui.tsx';

const W = 190;
const H = 52;
const CLASS: Record<string, string> = { MATERIALIZED: 'ok', FAILED: 'bad', RUNNING: 'run' };

type AssetNodeData = {
  key: string;
  group: string;
  status: string;
  lastMaterializedAt: number | null;
  partitioned: boolean;
};

const AssetNode = memo(function AssetNode({ data }: NodeProps<Node<AssetNodeData>>) {
  return (
    <div className={`graph-node ${CLASS[data.status] ?? ''}`} data-asset={data.key}>
      <Handle type="target" position={Position.Left} />
      <div>
        <strong>{data.key}</strong>
      </div>
      <div className="group">
        {data.group} · {data.status.toLowerCase()} · {ago(data.lastMaterializedAt)}
      </div>
      <Handle type="source" position={Position.Right} />
    </div>
  );
});

const nodeTypes = { asset: AssetNode };

/** dagre draws nicer small graphs but takes seconds beyond a few hundred nodes. */
const DAGRE_MAX_NODES = 150;

function dagreLayout(data: GraphData): Map<string, { x: number; y: number }> {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 16, ranksep: 70 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of data.nodes) g.setNode(n.key, { width: W, height: H });
  for (const e of data.edges) g.setEdge(e.source, e.target);
  dagre.layout(g);
  return new Map(
    data.nodes.map((n) => {
      const p = g.node(n.key);
      return [n.key, { x: p.x - W / 2, y: p.y - H / 2 }];
    }),
  );
}

/** Lays the graph out left-to-right with dagre, then draws it with React Flow (only visible nodes render). */
export default function AssetGraph({ data }: { data: GraphData }) {
  const { nodes, edges } = useMemo(() => {
    const position =
      data.nodes.length > DAGRE_MAX_NODES
        ? layeredLayout(
            data.nodes.map((n) => n.key),
            data.edges,
            { width: W, height: H, rankGap: 70, nodeGap: 16 },
          )
        : dagreLayout(data);
    const nodes: Node<AssetNodeData>[] = data.nodes.map((n) => ({
      id: n.key,
      type: 'asset',
      position: position.get(n.key)!,
      data: n,
      connectable: false,
    }));
    const edges: Edge[] = data.edges.map((e) => ({
      id: `${e.source}->${e.target}`,
      source: e.source,
      target: e.target,
    }));
    return { nodes, edges };
  }, [data]);
  const big = data.nodes.length > DAGRE_MAX_NODES;
  return (
    <div className="graph" data-testid="asset-graph">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        // Big graphs open on their sources at a readable zoom: only visible nodes render, the minimap navigates.
        fitView={!big}
        defaultViewport={big ? { x: 20, y: 20, zoom: 0.8 } : undefined}
        minZoom={0.05}
        onlyRenderVisibleElements
        nodesDraggable={false}
        onNodeClick={(_, n) => navigate(`/assets/${encodeURIComponent(n.id)}`)}
        proOptions={{ hideAttribution: true }}
      >
        <Background />
        <Controls />
        {data.nodes.length > 20 && <MiniMap pannable zoomable />}
      </ReactFlow>
    </div>
  );
}
