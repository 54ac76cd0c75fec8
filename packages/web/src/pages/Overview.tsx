import { lazy, Suspense, useMemo } from 'react';
import { type Schemas, useApi } from '../api.ts';
import { Async, ago, Badge, Empty, ErrorBox, Loading, PageHeader, Time } from '../components/ui.tsx';
import { useLiveReload } from '../live.ts';
import { Link } from '../router.tsx';

const Chart = lazy(() => import('../components/Chart.tsx'));

type Overview = Schemas['GetApiOverviewResponse'];

type Snapshot = Schemas['MetricsSnapshot'];

function MetricsCharts() {
  const state = useApi<{ snapshots: Snapshot[] }>('/api/metrics/history');
  const charts = useMemo(() => {
    const s = state.data?.snapshots ?? [];
    const x = s.map((p) => p.timestamp);
    const pick = (f: (d: any) => number | undefined) => s.map((p) => f(p.data) ?? null);
    return {
      x,
      requests: [
        {
          label: 'pending',
          values: pick((d) => d.processing_stats?.youtube_requests?.pending),
          color: '#7a6ad8',
        },
        {
          label: 'completed',
          values: pick((d) => d.processing_stats?.youtube_requests?.completed),
          color: '#1f8a4c',
        },
        {
          label: 'failed',
          values: pick((d) => d.processing_stats?.youtube_requests?.failed),
          color: '#c93434',
        },
      ],
      users: [
        { label: 'queries', values: pick((d) => d.user_stats?.total_queries), color: '#2f6fdb' },
        {
          label: 'avg response ms',
          values: pick((d) => d.user_stats?.avg_response_time_ms),
          color: '#b7791f',
        },
      ],
      files: [
        { label: 'audio MB', values: pick((d) => d.filesystem?.audio_total_size_mb), color: '#2f6fdb' },
        { label: 'audio files', values: pick((d) => d.filesystem?.audio_files_count), color: '#1f8a4c' },
      ],
    };
  }, [state.data]);
  if (state.error?.status === 503) return <Empty>Pipeline metrics are not collected on this server.</Empty>;
  if (state.error) return <ErrorBox error={state.error} retry={state.reload} />;
  if (!state.data) return <Loading what="Loading metrics" />;
  if (!charts.x.length)
    return (
      <Empty>No metrics snapshots yet; the pipeline_metrics asset writes one on each materialization.</Empty>
    );
  return (
    <Suspense fallback={<Loading what="Loading charts" />}>
      <div className="grid">
        <div className="panel">
          <Chart title="YouTube requests" x={charts.x} series={charts.requests} />
        </div>
        <div className="panel">
          <Chart title="Questions" x={charts.x} series={charts.users} />
        </div>
        <div className="panel">
          <Chart title="Files" x={charts.x} series={charts.files} />
        </div>
      </div>
    </Suspense>
  );
}

export default function OverviewPage() {
  const state = useApi<Overview>('/api/overview');
  useLiveReload(state.reload, (m) => m.kind === 'run' || m.kind === 'alerts', 800);
  return (
    <>
      <PageHeader title="Overview" />
      <Async state={state}>
        {(o) => (
          <>
            <div className="grid">
              <div className="panel">
                <div className="stat-label">Runs, last 24 h</div>
                <div className="row" style={{ marginTop: 8 }}>
                  {Object.entries(o.runsLast24h)
                    .filter(([, n]) => n > 0)
                    .map(([s, n]) => (
                      <Link key={s} to={`/runs?status=${s}`}>
                        <Badge value={s} /> {n}
                      </Link>
                    ))}
                  {Object.values(o.runsLast24h).every((n) => n === 0) && (
                    <span className="muted">No runs yet.</span>
                  )}
                </div>
              </div>
              <div className="panel">
                <div className="stat-label">Queue</div>
                <div className="stat">{o.queueDepth}</div>
                <div className="muted">queued · {o.inProgress} in progress</div>
              </div>
              <div className="panel">
                <div className="stat-label">Daemons and workers</div>
                {o.heartbeats.length === 0 ? (
                  <p className="muted">No heartbeats: the daemon is not running.</p>
                ) : (
                  <ul>
                    {o.heartbeats.map((h) => (
                      <li key={h.daemonId}>
                        <Badge value={h.fresh ? 'healthy' : 'stale'} /> {h.daemonType}{' '}
                        <span className="muted">{h.daemonId}</span> · {ago(h.timestamp)}
                      </li>
                    ))}
                  </ul>
                )}
              </div>
              <div className="panel">
                <div className="stat-label">Open alerts</div>
                {o.openAlerts === null ? (
                  <p className="muted">Alerts are not configured.</p>
                ) : o.openAlerts.length === 0 ? (
                  <p className="muted">None.</p>
                ) : (
                  <ul>
                    {o.openAlerts.slice(0, 5).map((a) => (
                      <li key={a.id}>
                        <Badge value={a.severity} /> <Link to="/alerts">{a.title}</Link>
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            </div>
            <h2>Recent failures</h2>
            {o.recentFailures.length === 0 ? (
              <Empty>No failed runs.</Empty>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th>Run</th>
                    <th>Job</th>
                    <th>Ended</th>
                    <th>Error</th>
                  </tr>
                </thead>
                <tbody>
                  {o.recentFailures.map((r) => (
                    <tr key={r.runId}>
                      <td>
                        <Link to={`/runs/${r.runId}`}>
                          <code>{r.runId.slice(0, 8)}</code>
                        </Link>
                      </td>
                      <td>{r.jobName}</td>
                      <td>
                        <Time ms={r.endedAt} />
                      </td>
                      <td>{r.error?.message ?? ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </>
        )}
      </Async>
      <h2>Pipeline metrics</h2>
      <MetricsCharts />
    </>
  );
}
