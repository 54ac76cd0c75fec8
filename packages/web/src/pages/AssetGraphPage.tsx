import { type Schemas, useApi } from '../api.ts';
import AssetGraph from '../components/AssetGraph.tsx';
import { Async, Empty, PageHeader } from '../components/ui.tsx';
import { useLiveReload } from '../live.ts';
import { Link } from '../router.tsx';

export type GraphData = Schemas['GetApiAssetGraphResponse'];

export default function AssetGraphPage() {
  const state = useApi<GraphData>('/api/asset-graph');
  useLiveReload(
    state.reload,
    (m) =>
      m.kind === 'events' &&
      m.events.some((e) => e.type === 'ASSET_MATERIALIZATION' || e.type === 'STEP_FAILURE'),
    1500,
  );
  return (
    <>
      <PageHeader title="Asset lineage">
        <Link to="/assets">Catalog</Link>
      </PageHeader>
      <Async state={state}>
        {(g) => (g.nodes.length ? <AssetGraph data={g} /> : <Empty>No assets are defined.</Empty>)}
      </Async>
    </>
  );
}
