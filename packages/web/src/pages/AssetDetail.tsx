import { lazy, Suspense, useMemo, useState } from 'react';
import { api, type Schemas, useApi } from '../api.ts';
import { Async, Badge, Empty, ErrorBox, Loading, PageHeader, Time } from '../components/ui.tsx';
import { useLiveReload } from '../live.ts';
import { Link, navigate } from '../router.tsx';

const Chart = lazy(() => import('../components/Chart.tsx'));

type Detail = Schemas['GetApiAssetsKeyResponse'];

const NUMERIC = new Set(['int', 'float', 'duration_ms']);
const COLORS = ['#2f6fdb', '#1f8a4c', '#b7791f', '#c93434', '#7a6ad8'];

function metaText(v: { type: string; value: unknown }): string {
  if (v.type === 'json') return JSON.stringify(v.value);
  if (v.type === 'timestamp') return new Date(Number(v.value)).toLocaleString();
  return String(v.value);
}

export default function AssetDetailPage({ assetKey }: { assetKey: string }) {
  const state = useApi<Detail>(`/api/assets/${encodeURIComponent(assetKey)}`);
  const [error, setError] = useState<Error | null>(null);
  useLiveReload(
    state.reload,
    (m) => m.kind === 'events' && m.events.some((e) => e.stepKey === assetKey),
    800,
  );
  const series = useMemo(() => {
    const ms = [...(state.data?.materializations ?? [])].reverse();
    const keys = new Set<string>();
    for (const m of ms) for (const [k, v] of Object.entries(m.metadata)) if (NUMERIC.has(v.type)) keys.add(k);
    return {
      x: ms.map((m) => m.timestamp),
      series: [...keys].slice(0, 5).map((k, i) => ({
        label: k,
        color: COLORS[i]!,
        values: ms.map((m) =>
          m.metadata[k] && NUMERIC.has(m.metadata[k].type) ? Number(m.metadata[k].value) : null,
        ),
      })),
    };
  }, [state.data]);
  const materialize = async (partitionKey?: string) => {
    try {
      const r = await api<{ run: { runId: string } }>('/api/assets/materialize', {
        body: { selection: [assetKey], partitionKey },
      });
      navigate(`/runs/${r.run.runId}`);
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <Async state={state}>
      {(d) => (
        <>
          <PageHeader title={d.asset.key}>
            <Badge value={d.asset.status} />
            <button type="button" className="primary" onClick={() => materialize()}>
              Materialize
            </button>
          </PageHeader>
          {error && <ErrorBox error={error} />}
          <div className="panel">
            <p>{d.asset.description || <span className="muted">No description.</span>}</p>
            <div className="row">
              <span>
                Group <strong>{d.asset.group}</strong>
              </span>
              <span>
                Upstream:{' '}
                {d.upstream.length
                  ? d.upstream.map((k) => (
                      <Link key={k} to={`/assets/${encodeURIComponent(k)}`}>
                        {k}{' '}
                      </Link>
                    ))
                  : '—'}
              </span>
              <span>
                Downstream:{' '}
                {d.downstream.length
                  ? d.downstream.map((k) => (
                      <Link key={k} to={`/assets/${encodeURIComponent(k)}`}>
                        {k}{' '}
                      </Link>
                    ))
                  : '—'}
              </span>
            </div>
          </div>
          {series.series.length > 0 && series.x.length > 0 && (
            <div className="panel">
              <Suspense fallback={<Loading what="Loading chart" />}>
                <Chart title="Metadata over time" x={series.x} series={series.series} />
              </Suspense>
            </div>
          )}
          {d.asset.partitions && (
            <>
              <h2>Partitions ({d.partitions.length})</h2>
              {d.partitions.length === 0 ? (
                <Empty>No partitions yet.</Empty>
              ) : (
                <div className="partitions" title="Partition status">
                  {d.partitions.map((p) => (
                    <button
                      type="button"
                      key={p.partitionKey}
                      className={`partition ${p.status === 'MATERIALIZED' ? 'ok' : ''}`}
                      title={`${p.partitionKey}: ${p.status}${p.lastMaterializedAt ? ` at ${new Date(p.lastMaterializedAt).toLocaleString()}` : ''} — click to materialize`}
                      onClick={() => materialize(p.partitionKey)}
                    >
                      {p.partitionKey}
                    </button>
                  ))}
                </div>
              )}
            </>
          )}
          <h2>Materializations</h2>
          {d.materializations.length === 0 ? (
            <Empty>Never materialized.</Empty>
          ) : (
            <table className="materializations">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Run</th>
                  <th>Partition</th>
                  <th>Metadata</th>
                </tr>
              </thead>
              <tbody>
                {d.materializations.map((m) => (
                  <tr key={m.id}>
                    <td>
                      <Time ms={m.timestamp} />
                    </td>
                    <td>
                      <Link to={`/runs/${m.runId}`}>
                        <code>{m.runId.slice(0, 8)}</code>
                      </Link>
                    </td>
                    <td>{m.partitionKey ?? '—'}</td>
                    <td>
                      {Object.entries(m.metadata).map(([k, v]) => (
                        <div key={k}>
                          <span className="muted">{k}:</span>{' '}
                          {v.type === 'url' && /^https?:\/\//.test(String(v.value)) ? (
                            <a href={String(v.value)} rel="noreferrer noopener" target="_blank">
                              {String(v.value)}
                            </a>
                          ) : (
                            metaText(v)
                          )}
                        </div>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </Async>
  );
}
