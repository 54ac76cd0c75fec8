import { useState } from 'react';
import { api, type Schemas, useApi } from '../api.ts';
import { Async, Badge, Empty, ErrorBox, PageHeader, Time } from '../components/ui.tsx';
import { useLiveReload } from '../live.ts';

type Alert = Schemas['Alert'];

export default function AlertsPage() {
  const state = useApi<{ alerts: Alert[] }>('/api/alerts?limit=500');
  const [error, setError] = useState<Error | null>(null);
  const [showPast, setShowPast] = useState(false);
  useLiveReload(state.reload, (m) => m.kind === 'alerts', 100);
  const act = async (a: Alert, what: 'acknowledge' | 'resolve') => {
    setError(null);
    try {
      await api(`/api/alerts/${a.id}/${what}`, { method: 'POST', body: {} });
      state.reload();
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <>
      <PageHeader title="Alerts">
        <label>
          <input type="checkbox" checked={showPast} onChange={(e) => setShowPast(e.target.checked)} /> Show
          resolved
        </label>
      </PageHeader>
      {error && <ErrorBox error={error} />}
      <Async state={state}>
        {({ alerts }) => {
          const rows = alerts.filter((a) => showPast || a.status !== 'resolved');
          if (!rows.length)
            return <Empty>{showPast ? 'No alerts ever raised.' : 'No open alerts. All quiet.'}</Empty>;
          return (
            <table className="alerts">
              <thead>
                <tr>
                  <th>Severity</th>
                  <th>Alert</th>
                  <th>Status</th>
                  <th>Raised</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {rows.map((a) => (
                  <tr key={a.id} data-alert-id={a.id}>
                    <td>
                      <Badge value={a.severity} />
                    </td>
                    <td>
                      <strong>{a.title}</strong>
                      <div className="muted">{a.message}</div>
                      <div className="muted">{a.type}</div>
                    </td>
                    <td>
                      <Badge value={a.status} />
                      {a.acknowledgedBy && <div className="muted">by {a.acknowledgedBy}</div>}
                    </td>
                    <td>
                      <Time ms={a.createdAt} />
                    </td>
                    <td>
                      <div className="actions">
                        {a.status === 'open' && (
                          <button type="button" onClick={() => act(a, 'acknowledge')}>
                            Acknowledge
                          </button>
                        )}
                        {a.status !== 'resolved' && (
                          <button type="button" onClick={() => act(a, 'resolve')}>
                            Resolve
                          </button>
                        )}
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          );
        }}
      </Async>
    </>
  );
}
