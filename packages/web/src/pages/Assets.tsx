import { useState } from 'react';
import { api, type Schemas, useApi } from '../api.ts';
import { Async, Badge, Empty, ErrorBox, PageHeader, Time } from '../components/ui.tsx';
import { useLiveReload } from '../live.ts';
import { Link, navigate } from '../router.tsx';

export type AssetRow = Schemas['AssetSummary'];

export default function AssetsPage() {
  const state = useApi<{ assets: AssetRow[]; groups: string[] }>('/api/assets');
  const [filter, setFilter] = useState('');
  const [error, setError] = useState<Error | null>(null);
  useLiveReload(
    state.reload,
    (m) =>
      m.kind === 'events' &&
      m.events.some((e) => e.type === 'ASSET_MATERIALIZATION' || e.type.startsWith('STEP_')),
    1000,
  );
  const materializeGroup = async (group: string) => {
    try {
      const r = await api<{ run: { runId: string } }>('/api/assets/materialize', {
        body: { selection: [`group:${group}`] },
      });
      navigate(`/runs/${r.run.runId}`);
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <>
      <PageHeader title="Assets">
        <input
          placeholder="Filter assets"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          aria-label="Filter assets"
        />
        <Link to="/assets/~graph">Lineage graph</Link>
      </PageHeader>
      {error && <ErrorBox error={error} />}
      <Async state={state}>
        {({ assets, groups }) =>
          assets.length === 0 ? (
            <Empty>No assets are defined.</Empty>
          ) : (
            groups.map((g) => {
              const rows = assets.filter((a) => a.group === g && a.key.includes(filter));
              if (!rows.length) return null;
              return (
                <section key={g}>
                  <h2 className="row">
                    Group {g}
                    <button type="button" onClick={() => materializeGroup(g)}>
                      Materialize group
                    </button>
                  </h2>
                  <table>
                    <thead>
                      <tr>
                        <th>Asset</th>
                        <th>Status</th>
                        <th>Depends on</th>
                        <th>Last materialized</th>
                        <th>Description</th>
                      </tr>
                    </thead>
                    <tbody>
                      {rows.map((a) => (
                        <tr key={a.key}>
                          <td>
                            <Link to={`/assets/${encodeURIComponent(a.key)}`}>{a.key}</Link>
                            {a.partitions && <span className="muted"> (per {a.partitions.name})</span>}
                          </td>
                          <td>
                            <Badge value={a.status} />
                          </td>
                          <td className="muted">{a.deps.join(', ') || '—'}</td>
                          <td>
                            <Time ms={a.latestMaterialization?.timestamp} />
                          </td>
                          <td className="muted">{a.description}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </section>
              );
            })
          )
        }
      </Async>
    </>
  );
}
