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
import { memo, useEffect, useMemo, useState } from 'react';
import type { GraphData } from '../pages/AssetGraphPage.tsx';
import { navigate } from '../router.tsx';
import { elkLayout, type Positions } from './elk-layout.ts';
import { ago, ErrorBox, Loading } from './ui.tsx';

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

/** Beyond this many nodes the graph opens at a readable zoom on its sources instead of fitting all. */
const BIG_GRAPH_NODES = 150;

/**
 * Lays the graph out with ELK in a Web Worker (the page stays responsive meanwhile), then draws it
 * with React Flow (only visible nodes render). Live status updates re-render nodes without a new layout.
 */
export default function AssetGraph({ data }: { data: GraphData }) {
  const shape = useMemo(
    () => JSON.stringify([data.nodes.map((n) => n.key), data.edges.map((e) => [e.source, e.target])]),
    [data],
  );
  const [layout, setLayout] = useState<{ shape: string; positions: Positions } | { error: string } | null>(
    null,
  );
  useEffect(() => {
    let live = true;
    const [keys, edges] = JSON.parse(shape) as [string[], [string, string][]];
    elkLayout({
      keys,
      edges: edges.map(([source, target]) => ({ source, target })),
      node: { width: W, height: H },
    }).then(
      (positions) => live && setLayout({ shape, positions }),
      (e: unknown) =>
        live &&
        setLayout({
          error: `Could not lay out the asset graph (${e instanceof Error ? e.message : String(e)}); reload the page to retry.`,
        }),
    );
    return () => {
      live = false;
    };
  }, [shape]);
  const positions = layout && 'positions' in layout ? layout.positions : null;
  const { nodes, edges } = useMemo(() => {
    if (!positions) return { nodes: [], edges: [] };
    const nodes: Node<AssetNodeData>[] = data.nodes.map((n) => ({
      id: n.key,
      type: 'asset',
      position: positions.get(n.key) ?? { x: 0, y: 0 },
      data: n,
      connectable: false,
    }));
    const edges: Edge[] = data.edges.map((e) => ({
      id: `${e.source}->${e.target}`,
      source: e.source,
      target: e.target,
    }));
    return { nodes, edges };
  }, [data, positions]);
  if (layout && 'error' in layout) return <ErrorBox error={new Error(layout.error)} />;
  if (!positions) return <Loading what={`Laying out ${data.nodes.length} assets`} />;
  const big = data.nodes.length > BIG_GRAPH_NODES;
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
