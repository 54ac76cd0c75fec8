import { useState } from 'react';
import { api, type Schemas, useApi } from '../api.ts';
import { Async, ago, Badge, Empty, ErrorBox, formatDuration, PageHeader, Time } from '../components/ui.tsx';
import { Link } from '../router.tsx';

type Instigator = Schemas['Sensor'] | Schemas['Schedule'];
type Tick = Schemas['Tick'];

function Ticks({ kind, name }: { kind: string; name: string }) {
  const state = useApi<{ ticks: Tick[] }>(`/api/${kind}s/${encodeURIComponent(name)}/ticks?limit=20`);
  return (
    <Async state={state}>
      {({ ticks }) =>
        ticks.length === 0 ? (
          <Empty>No ticks yet.</Empty>
        ) : (
          <table className="ticks">
            <thead>
              <tr>
                <th>When</th>
                <th>Status</th>
                <th>Took</th>
                <th>Runs</th>
                <th>Skip reason / error</th>
              </tr>
            </thead>
            <tbody>
              {ticks.map((t) => (
                <tr key={t.id}>
                  <td>
                    <Time ms={t.timestamp} />
                  </td>
                  <td>
                    <Badge value={t.status} />
                  </td>
                  <td>{formatDuration(t.durationMs)}</td>
                  <td>
                    {t.runIds.map((r) => (
                      <Link key={r} to={`/runs/${r}`}>
                        <code>{r.slice(0, 8)} </code>
                      </Link>
                    ))}
                    {t.runIds.length === 0 && '—'}
                  </td>
                  <td className="muted">{t.skipReason ?? t.error?.message ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      }
    </Async>
  );
}

function Row({ item, onChange }: { item: Instigator; onChange: () => void }) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [nonce, setNonce] = useState(0);
  const base = `/api/${item.kind}s/${encodeURIComponent(item.name)}`;
  const act = async (path: string) => {
    setBusy(true);
    setError(null);
    try {
      await api(`${base}/${path}`, { method: 'POST', body: {} });
      onChange();
      setNonce((n) => n + 1);
      setOpen(true);
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  const running = item.status === 'RUNNING';
  return (
    <div className="panel" data-instigator={item.name}>
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <div>
          <strong>{item.name}</strong> <Badge value={item.status} />{' '}
          <span className="muted">
            → <Link to={`/runs?job=${item.jobName}`}>{item.jobName}</Link> ·{' '}
            {item.kind === 'sensor' ? (
              `every ${item.minimumIntervalSeconds} s`
            ) : (
              <code>
                {item.cron} ({item.timezone})
              </code>
            )}{' '}
            · last tick {ago(item.lastTickAt)}
            {item.nextTickAt && running && (
              <>
                {' '}
                · next <Time ms={item.nextTickAt} />
              </>
            )}
          </span>
          {item.description && <div className="muted">{item.description}</div>}
        </div>
        <div className="actions">
          <label>
            <input
              type="checkbox"
              role="switch"
              aria-checked={running}
              checked={running}
              disabled={busy}
              onChange={() => act(running ? 'stop' : 'start')}
              // A switch toggles on Space natively; Enter too, like the buttons beside it.
              onKeyDown={(e) => {
                if (e.key !== 'Enter' || busy) return;
                e.preventDefault();
                act(running ? 'stop' : 'start');
              }}
              aria-label={`${running ? 'Stop' : 'Start'} ${item.name}`}
            />{' '}
            {running ? 'On' : 'Off'}
          </label>
          <button type="button" disabled={busy} onClick={() => act('evaluate')}>
            {item.kind === 'sensor' ? 'Evaluate now' : 'Run now'}
          </button>
          <button type="button" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
            {open ? 'Hide ticks' : 'Tick history'}
          </button>
        </div>
      </div>
      {error && <ErrorBox error={error} />}
      {open && <Ticks key={nonce} kind={item.kind} name={item.name} />}
    </div>
  );
}

export default function AutomationPage() {
  const sensors = useApi<{ sensors: Instigator[] }>('/api/sensors');
  const schedules = useApi<{ schedules: Instigator[] }>('/api/schedules');
  return (
    <>
      <PageHeader title="Sensors & Schedules" />
      <h2>Sensors</h2>
      <Async state={sensors}>
        {(d) =>
          d.sensors.length ? (
            d.sensors.map((s) => <Row key={s.name} item={s} onChange={sensors.reload} />)
          ) : (
            <Empty>No sensors.</Empty>
          )
        }
      </Async>
      <h2>Schedules</h2>
      <Async state={schedules}>
        {(d) =>
          d.schedules.length ? (
            d.schedules.map((s) => <Row key={s.name} item={s} onChange={schedules.reload} />)
          ) : (
            <Empty>No schedules.</Empty>
          )
        }
      </Async>
    </>
  );
}
