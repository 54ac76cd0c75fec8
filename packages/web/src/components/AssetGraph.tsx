import {
  Background,
  Controls,
  type Edge,
  Handle,
  MiniMap,
  type Node,
  type NodeHandle,
  type NodeProps,
  Position,
  ReactFlow,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { type KeyboardEvent, memo, useCallback, useEffect, useMemo, useState } from 'react';
import type { GraphData } from '../pages/AssetGraphPage.tsx';
import { navigate } from '../router.tsx';
import { ago, ErrorBox } from './ui.tsx';

const CLASS: Record<string, string> = { MATERIALIZED: 'ok', FAILED: 'bad', RUNNING: 'run' };

/** Everything a node shows, computed once per data load so drawing a node is just markup. */
type AssetNodeData = { key: string; className: string; subtitle: string };

const AssetNode = memo(function AssetNode({ data }: NodeProps<Node<AssetNodeData>>) {
  return (
    <div className={data.className} data-asset={data.key}>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <strong>{data.key}</strong>
      <div className="group">{data.subtitle}</div>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
});

const nodeTypes = { asset: AssetNode };
const miniMapClass = (n: Node) => (n.data as AssetNodeData).className;

/** React Flow's screen-reader hint, worded for what Enter does here. */
const ARIA_LABELS = {
  'node.a11yDescription.default': 'Press Enter to open the asset. Tab moves to the next asset.',
};

/** Beyond this many nodes the graph opens at a readable zoom on its sources instead of fitting all. */
const BIG_GRAPH_NODES = 150;

/**
 * Draws the lineage graph at the positions the server laid out (ELK, once per graph shape), so the
 * page does no layout work. Only visible nodes render; live status updates only change node data.
 */
export default function AssetGraph({ data }: { data: GraphData }) {
  const { nodes, edges, missing } = useMemo(() => {
    let missing = 0;
    const { width, height } = data.node;
    // Handle boxes as the stylesheet draws them (6 px, centred on the left/right border): edges are
    // drawn in the first render instead of after every node has been measured.
    const handles: NodeHandle[] = [
      { type: 'target', position: Position.Left, x: -3, y: height / 2 - 3, width: 6, height: 6 },
      { type: 'source', position: Position.Right, x: width - 3, y: height / 2 - 3, width: 6, height: 6 },
    ];
    const nodes: Node<AssetNodeData>[] = data.nodes.map((n) => {
      if (n.x === null || n.y === null) missing++;
      return {
        id: n.key,
        type: 'asset',
        position: { x: n.x ?? 0, y: n.y ?? 0 },
        // Known size: React Flow can place edges and cull off-screen nodes before measuring any.
        width,
        height,
        handles,
        data: {
          key: n.key,
          className: `graph-node ${CLASS[n.status] ?? ''}`,
          subtitle: `${n.group} · ${n.status.toLowerCase()} · ${ago(n.lastMaterializedAt)}`,
        },
        connectable: false,
        draggable: false,
        // Keyboard: every node is a Tab stop (React Flow's wrapper gets tabIndex 0) that opens its
        // asset on Enter, announced as a link with its status.
        focusable: true,
        ariaRole: 'link',
        ariaLabel: `${n.key}: ${n.status.toLowerCase()}, group ${n.group}`,
      };
    });
    const edges: Edge[] = data.edges.map((e) => ({
      id: `${e.source}->${e.target}`,
      source: e.source,
      target: e.target,
    }));
    return { nodes, edges, missing };
  }, [data]);
  // The minimap draws every node (500 shapes, each subscribed to the flow's store): add it after the
  // graph itself has painted so it never delays the first view.
  const [showMiniMap, setShowMiniMap] = useState(false);
  useEffect(() => {
    const t = setTimeout(() => setShowMiniMap(true), 300);
    return () => clearTimeout(t);
  }, []);
  const onNodeClick = useCallback(
    (_: unknown, n: Node) => navigate(`/assets/${encodeURIComponent(n.id)}`),
    [],
  );
  // Enter on a focused node opens it (React Flow only selects on Enter, and selection is off here).
  const onKeyDown = useCallback((e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'Enter' || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    const node = (e.target as HTMLElement).closest<HTMLElement>('.react-flow__node');
    const key = node?.dataset.id;
    if (!key) return;
    e.preventDefault();
    navigate(`/assets/${encodeURIComponent(key)}`);
  }, []);
  if (data.layoutError || missing > 0)
    return (
      <ErrorBox
        error={
          new Error(
            `The server could not lay out the asset graph${data.layoutError ? ` (${data.layoutError})` : ''}; reload the page to retry.`,
          )
        }
      />
    );
  const big = data.nodes.length > BIG_GRAPH_NODES;
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: delegates Enter from the focusable nodes inside
    <div className="graph" data-testid="asset-graph" onKeyDown={onKeyDown}>
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
        nodesConnectable={false}
        elementsSelectable={false}
        nodesFocusable
        // Edges carry no action: keep them out of the Tab order.
        edgesFocusable={false}
        ariaLabelConfig={ARIA_LABELS}
        onNodeClick={onNodeClick}
        proOptions={{ hideAttribution: true }}
      >
        <Background />
        <Controls showInteractive={false} />
        {showMiniMap && data.nodes.length > 20 && <MiniMap pannable zoomable nodeClassName={miniMapClass} />}
      </ReactFlow>
    </div>
  );
}
