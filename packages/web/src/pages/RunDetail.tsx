import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import { api, type Schemas, useApi } from '../api.ts';
import { Async, Badge, ErrorBox, formatDuration, PageHeader, Time } from '../components/ui.tsx';
import { type LiveEvent, useLive, useLiveReload } from '../live.ts';
import { Link, navigate } from '../router.tsx';

type Step = Schemas['StepSummary'];
type SerializedError = Schemas['SerializedError'];
type RunDetail = Schemas['GetApiRunsRunIdResponse'];

const TERMINAL = ['SUCCESS', 'FAILURE', 'CANCELED'];
const BAR: Record<string, string> = { SUCCESS: 'ok', FAILURE: 'bad', RUNNING: 'run', RETRYING: 'warn' };

function Gantt({ steps, run }: { steps: Step[]; run: RunDetail['run'] }) {
  const start = Math.min(
    ...steps.map((s) => s.startedAt ?? Number.POSITIVE_INFINITY),
    run.startedAt ?? Date.now(),
  );
  const end = Math.max(run.endedAt ?? Date.now(), ...steps.map((s) => s.endedAt ?? Date.now()));
  const span = Math.max(1, end - start);
  if (!steps.length) return <p className="muted">No steps have started yet.</p>;
  return (
    <div className="gantt" title="Step timeline">
      {steps.map((s) => {
        const a = ((s.startedAt ?? start) - start) / span;
        const b = ((s.endedAt ?? end) - start) / span;
        return (
          <div className="gantt-row" key={s.stepKey}>
            <span title={s.stepKey}>
              {s.stepKey} {s.attempts > 1 && <span className="muted">×{s.attempts}</span>}
            </span>
            <div className="gantt-track">
              <div
                className={`gantt-bar ${BAR[s.status] ?? ''}`}
                style={{ left: `${a * 100}%`, width: `${Math.max(0.4, (b - a) * 100)}%` }}
                title={s.status}
              />
            </div>
            <span className="muted">
              {s.startedAt ? formatDuration((s.endedAt ?? Date.now()) - s.startedAt) : s.status}
            </span>
          </div>
        );
      })}
    </div>
  );
}

function ErrorDetail({ error }: { error: SerializedError }) {
  return (
    <div className="panel">
      <strong className="badge bad">{error.className}</strong> {error.message}
      {error.stack && <pre>{error.stack}</pre>}
      {error.cause && (
        <>
          <div className="muted">Caused by:</div>
          <ErrorDetail error={error.cause} />
        </>
      )}
    </div>
  );
}

const PAGE = 5000;

/** The event log: first page at once, the rest streamed in behind it; rows are virtualised. */
function EventLog({ runId, live }: { runId: string; live: boolean }) {
  const [events, setEvents] = useState<LiveEvent[]>([]);
  const [level, setLevel] = useState('');
  const [search, setSearch] = useState('');
  const [searchInput, setSearchInput] = useState('');
  const [error, setError] = useState<Error | null>(null);
  const [loadingMore, setLoadingMore] = useState(true);
  const [follow, setFollow] = useState(true);
  const parentRef = useRef<HTMLDivElement>(null);
  const filtered = Boolean(level || search);

  useEffect(() => {
    const ctrl = new AbortController();
    setEvents([]);
    setError(null);
    setLoadingMore(true);
    const q = (afterId: number, limit: number) => {
      const p = new URLSearchParams({ limit: String(limit) });
      if (afterId) p.set('afterId', String(afterId));
      if (level) p.set('level', level);
      if (search) p.set('search', search);
      return api<{ events: LiveEvent[]; nextAfterId: number | null }>(`/api/runs/${runId}/events?${p}`, {
        signal: ctrl.signal,
      });
    };
    (async () => {
      // A small first page so the first lines show immediately, then big pages.
      let page = await q(0, 200);
      setEvents(page.events);
      while (page.nextAfterId !== null && !ctrl.signal.aborted) {
        page = await q(page.nextAfterId, PAGE);
        const more = page.events;
        setEvents((prev) => prev.concat(more));
      }
      setLoadingMore(false);
    })().catch((e) => {
      if ((e as Error).name !== 'AbortError') setError(e as Error);
    });
    return () => ctrl.abort();
  }, [runId, level, search]);

  useLive((m) => {
    if (!live || filtered || m.kind !== 'events' || loadingMore) return;
    const mine = m.events.filter((e) => e.runId === runId);
    if (mine.length)
      setEvents((prev) => prev.concat(mine.filter((e) => !prev.length || e.id > prev[prev.length - 1]!.id)));
  });

  const virtualizer = useVirtualizer({
    count: events.length,
    getScrollElement: () => parentRef.current,
    estimateSize: () => 24,
    overscan: 20,
  });
  useEffect(() => {
    if (live && follow && events.length) virtualizer.scrollToIndex(events.length - 1);
  }, [events.length, live, follow, virtualizer]);

  return (
    <>
      <div className="filters">
        <label>
          Level
          <select value={level} onChange={(e) => setLevel(e.target.value)}>
            <option value="">all</option>
            <option value="debug,info,warn,error">debug and up</option>
            <option value="info,warn,error">info and up</option>
            <option value="warn,error">warnings and errors</option>
            <option value="error">errors</option>
          </select>
        </label>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setSearch(searchInput.trim());
          }}
        >
          <label>
            Search
            <input
              value={searchInput}
              onChange={(e) => setSearchInput(e.target.value)}
              maxLength={200}
              placeholder="text in message"
            />
          </label>
        </form>
        {live && (
          <label>
            <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> Follow
          </label>
        )}
        <span className="muted" data-testid="event-count">
          {events.length.toLocaleString()} events{loadingMore ? ' (loading…)' : ''}
        </span>
      </div>
      {error && <ErrorBox error={error} />}
      <div className="log" ref={parentRef} role="log" aria-label="Event log">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((v) => {
            const e = events[v.index]!;
            return (
              <div
                key={e.id}
                className={`log-row ${e.level}`}
                style={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  right: 0,
                  transform: `translateY(${v.start}px)`,
                }}
              >
                <span className="mono">{new Date(e.timestamp).toLocaleTimeString()}</span>
                <span>{e.level}</span>
                <span title={e.type}>{e.type}</span>
                <span title={e.stepKey ?? ''}>{e.stepKey ?? ''}</span>
                <span title={e.message}>{e.message}</span>
              </div>
            );
          })}
        </div>
        {!loadingMore && events.length === 0 && <div className="state empty">No events match.</div>}
      </div>
    </>
  );
}

export default function RunDetailPage({ runId }: { runId: string }) {
  const state = useApi<RunDetail>(`/api/runs/${encodeURIComponent(runId)}`);
  const [actionError, setActionError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  useLiveReload(
    state.reload,
    (m) =>
      (m.kind === 'run' && m.runId === runId) ||
      (m.kind === 'events' && m.events.some((e) => e.runId === runId && e.type.startsWith('STEP_'))),
    400,
  );
  const act = async (path: string, body: unknown = {}) => {
    setBusy(true);
    setActionError(null);
    try {
      const r = await api<{ run: { runId: string } }>(path, { method: 'POST', body });
      if (r.run.runId !== runId) navigate(`/runs/${r.run.runId}`);
      else state.reload();
    } catch (e) {
      setActionError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  const done = state.data ? TERMINAL.includes(state.data.run.status) : false;
  return (
    <>
      <Async state={state}>
        {({ run, steps, eventCount }) => {
          return (
            <>
              <PageHeader title={`Run ${run.runId.slice(0, 8)}`}>
                <Badge value={run.status} />
                {!done && (
                  <button
                    type="button"
                    className="danger"
                    disabled={busy || run.status === 'CANCELING'}
                    onClick={() => act(`/api/runs/${run.runId}/cancel`)}
                  >
                    Cancel
                  </button>
                )}
                {done && (
                  <>
                    <button
                      type="button"
                      disabled={busy}
                      onClick={() => act(`/api/runs/${run.runId}/reexecute`, { fromFailure: true })}
                    >
                      Re-execute from failure
                    </button>
                    <button
                      type="button"
                      disabled={busy}
                      onClick={() => act(`/api/runs/${run.runId}/reexecute`, { fromFailure: false })}
                    >
                      Re-execute all
                    </button>
                  </>
                )}
              </PageHeader>
              {actionError && <ErrorBox error={actionError} />}
              <div className="panel row">
                <span>
                  Job <strong>{run.jobName}</strong>
                </span>
                {run.partitionKey && (
                  <span>
                    Partition <code>{run.partitionKey}</code>
                  </span>
                )}
                <span>
                  Created <Time ms={run.createdAt} />
                </span>
                <span>
                  Duration {run.startedAt ? formatDuration((run.endedAt ?? Date.now()) - run.startedAt) : '—'}
                </span>
                {run.origin && <span className="muted">by {run.origin}</span>}
                {run.parentRunId && (
                  <span>
                    Parent{' '}
                    <Link to={`/runs/${run.parentRunId}`}>
                      <code>{run.parentRunId.slice(0, 8)}</code>
                    </Link>
                  </span>
                )}
                {Object.entries(run.tags).map(([k, v]) => (
                  <code key={k}>
                    {k}={v}
                  </code>
                ))}
                <span className="muted">{eventCount.toLocaleString()} events</span>
              </div>
              {run.error && <ErrorDetail error={run.error} />}
              <h2>Steps</h2>
              <div className="panel">
                <Gantt steps={steps} run={run} />
              </div>
            </>
          );
        }}
      </Async>
      {/* Mounted beside the detail (not inside it) so the log's first page loads in parallel. */}
      {!state.error && (
        <>
          <h2>Event log</h2>
          <EventLog runId={runId} live={!done} />
        </>
      )}
    </>
  );
}
