import { useEffect, useState } from 'react';
import { type Schemas, useApi } from '../api.ts';
import { Async, Badge, Empty, formatDuration, PageHeader, Time } from '../components/ui.tsx';
import { useLiveReload } from '../live.ts';
import { Link, setQuery, useLocation } from '../router.tsx';

export type RunRow = Schemas['Run'];

const STATUSES = ['QUEUED', 'STARTING', 'STARTED', 'SUCCESS', 'FAILURE', 'CANCELING', 'CANCELED'];

export default function RunsPage() {
  const { query } = useLocation();
  const status = query.get('status') ?? '';
  const job = query.get('job') ?? '';
  const tag = query.get('tag') ?? '';
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const [tagInput, setTagInput] = useState(tag);
  const params = new URLSearchParams({ limit: '50' });
  if (status) params.set('status', status);
  if (job) params.set('job', job);
  if (tag) params.set('tag', tag);
  if (cursor) params.set('cursor', cursor);
  const state = useApi<{ runs: RunRow[]; nextCursor: string | null }>(`/api/runs?${params}`);
  const jobs = useApi<{ jobNames: string[] }>('/api/runs/jobs');
  // Only the first page updates live; older pages stay put while you read them.
  useLiveReload(state.reload, (m) => m.kind === 'run' && !cursor, 300);
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset paging when filters change.
  useEffect(() => setCursors([]), [status, job, tag]);
  return (
    <>
      <PageHeader title="Runs">
        <Link to="/launchpad">Launch a run</Link>
      </PageHeader>
      <div className="filters">
        <label>
          Status
          <select value={status} onChange={(e) => setQuery({ status: e.target.value })}>
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Job
          <select value={job} onChange={(e) => setQuery({ job: e.target.value })}>
            <option value="">any</option>
            {(jobs.data?.jobNames ?? []).map((j) => (
              <option key={j}>{j}</option>
            ))}
          </select>
        </label>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setQuery({ tag: tagInput.trim() });
          }}
        >
          <label>
            Tag
            <input
              placeholder="key:value"
              value={tagInput}
              onChange={(e) => setTagInput(e.target.value)}
              maxLength={200}
            />
          </label>
        </form>
      </div>
      <Async state={state}>
        {(d) =>
          d.runs.length === 0 ? (
            <Empty>No runs match. Launch one from the Launchpad or clear the filters.</Empty>
          ) : (
            <>
              <table className="runs-table">
                <thead>
                  <tr>
                    <th>Run</th>
                    <th>Status</th>
                    <th>Job</th>
                    <th>Tags</th>
                    <th>Created</th>
                    <th>Duration</th>
                  </tr>
                </thead>
                <tbody>
                  {d.runs.map((r) => (
                    <tr key={r.runId} data-run-id={r.runId}>
                      <td>
                        <Link to={`/runs/${r.runId}`}>
                          <code>{r.runId.slice(0, 8)}</code>
                        </Link>
                      </td>
                      <td>
                        <Badge value={r.status} />
                      </td>
                      <td>
                        {r.jobName}
                        {r.partitionKey && <span className="muted"> [{r.partitionKey}]</span>}
                      </td>
                      <td className="muted">
                        {/* One button per tag, spaced by the list (a space inside a button collapses). */}
                        <span className="tag-list">
                          {Object.entries(r.tags)
                            .slice(0, 4)
                            .map(([k, v]) => (
                              <button
                                type="button"
                                className="link"
                                key={k}
                                onClick={() => {
                                  setTagInput(`${k}:${v}`);
                                  setQuery({ tag: `${k}:${v}` });
                                }}
                              >
                                {k}={v}
                              </button>
                            ))}
                        </span>
                      </td>
                      <td>
                        <Time ms={r.createdAt} />
                      </td>
                      <td>{r.startedAt ? formatDuration((r.endedAt ?? Date.now()) - r.startedAt) : '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <div className="row" style={{ marginTop: 10 }}>
                <button
                  type="button"
                  disabled={!cursors.length}
                  onClick={() => setCursors((c) => c.slice(0, -1))}
                >
                  Newer
                </button>
                <button
                  type="button"
                  disabled={!d.nextCursor}
                  onClick={() => d.nextCursor && setCursors((c) => [...c, d.nextCursor!])}
                >
                  Older
                </button>
              </div>
            </>
          )
        }
      </Async>
    </>
  );
}
