import { type FormEvent, useState } from 'react';
import { type ApiError, api, type RequestBody, type Schemas, useApi } from '../api.ts';
import { Async, ago, Badge, clock, Empty, ErrorBox, PageHeader, Time } from '../components/ui.tsx';
import { useLiveReload, usePolling } from '../live.ts';
import { Link, navigate } from '../router.tsx';

type Subscription = Schemas['Subscription'];
type Entry = Schemas['SubscriptionEntry'];
type Filters = Schemas['SubscriptionFilters'];

/** "exclude /trailer/ · ≤ 1:00:00 · no shorts": the filters as the CLI flags read. */
function describeFilters(f: Filters): string {
  const parts: string[] = [];
  if (f.include) parts.push(`include /${f.include}/`);
  if (f.exclude) parts.push(`exclude /${f.exclude}/`);
  if (f.minDurationSeconds !== undefined) parts.push(`≥ ${clock(f.minDurationSeconds)}`);
  if (f.maxDurationSeconds !== undefined) parts.push(`≤ ${clock(f.maxDurationSeconds)}`);
  if (f.noShorts) parts.push('no shorts');
  if (f.noLive) parts.push('no live');
  return parts.join(' · ');
}

const optionalNumber = (v: string): number | undefined => (v.trim() === '' ? undefined : Number(v));

function SubscribeForm({ onDone }: { onDone: (s: Subscription) => void }) {
  const [url, setUrl] = useState('');
  const [backfill, setBackfill] = useState('0');
  const [include, setInclude] = useState('');
  const [exclude, setExclude] = useState('');
  const [minDuration, setMinDuration] = useState('');
  const [maxDuration, setMaxDuration] = useState('');
  const [noShorts, setNoShorts] = useState(false);
  const [noLive, setNoLive] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body: RequestBody<'postApiSubscriptions'> = {
        url: url.trim(),
        backfill: optionalNumber(backfill) ?? 0,
        ...(include.trim() ? { include: include.trim() } : {}),
        ...(exclude.trim() ? { exclude: exclude.trim() } : {}),
        ...(optionalNumber(minDuration) !== undefined
          ? { minDurationSeconds: optionalNumber(minDuration) }
          : {}),
        ...(optionalNumber(maxDuration) !== undefined
          ? { maxDurationSeconds: optionalNumber(maxDuration) }
          : {}),
        ...(noShorts ? { noShorts: true } : {}),
        ...(noLive ? { noLive: true } : {}),
      };
      const r = await api<Schemas['PostApiSubscriptionsResponse']>('/api/subscriptions', { body });
      setUrl('');
      setInclude('');
      setExclude('');
      onDone(r.subscription);
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="panel subscribe-form" onSubmit={submit} aria-label="Subscribe">
      <label htmlFor="sub-url" style={{ display: 'block' }}>
        Channel, playlist or feed URL
      </label>
      <input
        id="sub-url"
        type="url"
        required
        value={url}
        onChange={(e) => setUrl(e.target.value)}
        placeholder="https://www.youtube.com/@handle, a playlist, or an RSS/Atom feed"
        style={{ width: '100%' }}
      />
      <div className="row" style={{ marginTop: 8 }}>
        <label>
          Backfill{' '}
          <input
            type="number"
            min={0}
            max={10000}
            value={backfill}
            onChange={(e) => setBackfill(e.target.value)}
            style={{ width: 80 }}
          />
        </label>
        <label>
          Include (regex){' '}
          <input value={include} onChange={(e) => setInclude(e.target.value)} placeholder="e.g. lecture" />
        </label>
        <label>
          Exclude (regex){' '}
          <input
            value={exclude}
            onChange={(e) => setExclude(e.target.value)}
            placeholder="e.g. trailer|teaser"
          />
        </label>
        <label>
          Min duration (s){' '}
          <input
            type="number"
            min={0}
            value={minDuration}
            onChange={(e) => setMinDuration(e.target.value)}
            style={{ width: 90 }}
          />
        </label>
        <label>
          Max duration (s){' '}
          <input
            type="number"
            min={0}
            value={maxDuration}
            onChange={(e) => setMaxDuration(e.target.value)}
            style={{ width: 90 }}
          />
        </label>
        <label>
          <input type="checkbox" checked={noShorts} onChange={(e) => setNoShorts(e.target.checked)} /> No
          shorts
        </label>
        <label>
          <input type="checkbox" checked={noLive} onChange={(e) => setNoLive(e.target.checked)} /> No live
        </label>
        <button type="submit" className="primary" disabled={busy || !url.trim()}>
          Subscribe
        </button>
      </div>
      {error && <ErrorBox error={error} />}
    </form>
  );
}

function Entries({ id }: { id: number }) {
  const state = useApi<Schemas['GetApiSubscriptionsIdResponse']>(`/api/subscriptions/${id}`);
  useLiveReload(state.reload, (m) => m.kind === 'run', 1000);
  usePolling(state.reload, 5000);
  return (
    <Async state={state}>
      {({ subscription, entries }) => (
        <section className="panel" aria-label="Entries">
          <h2>
            Entries of #{subscription.id} {subscription.title ?? subscription.url}
          </h2>
          <p className="muted">
            Latest {entries.length} entries. <Link to="/subscriptions">Close</Link>
          </p>
          {entries.length === 0 ? (
            <Empty>Nothing listed yet: the first check has not run.</Empty>
          ) : (
            <table className="entries">
              <thead>
                <tr>
                  <th>Entry</th>
                  <th>Status</th>
                  <th>Published</th>
                  <th>Length</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((e: Entry) => (
                  <tr key={e.entryKey} data-entry-key={e.entryKey}>
                    <td style={{ overflowWrap: 'anywhere', minWidth: '12em' }}>
                      {e.videoId ? (
                        <Link to={`/library/${encodeURIComponent(e.videoId)}`}>{e.title ?? e.url}</Link>
                      ) : (
                        <a href={e.url} target="_blank" rel="noreferrer noopener">
                          {e.title ?? e.url}
                        </a>
                      )}
                      {e.reason && <div className="muted">{e.reason}</div>}
                    </td>
                    <td>
                      <Badge value={e.status} />
                    </td>
                    <td>
                      <Time ms={e.publishedAt} />
                    </td>
                    <td>{e.durationSeconds ? clock(e.durationSeconds) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
    </Async>
  );
}

/** How a subscription made from Telegram tells its chat about new videos. */
const NOTIFY_LABELS: Record<Subscription['notify'], string> = {
  instant: 'Each new video',
  digest: 'Daily digest',
  off: 'No notices',
};

export default function SubscriptionsPage({ selected }: { selected: number | null }) {
  const state = useApi<Schemas['GetApiSubscriptionsResponse']>('/api/subscriptions');
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  // A check is a run, and what it queues finishes in runs: reload when runs move.
  useLiveReload(state.reload, (m) => m.kind === 'run', 700);
  // Entries become 'indexed' in subscription_sensor's ticks, which send no live event.
  usePolling(state.reload, 5000);

  /** Runs one action on a subscription: clears the last message, shows the error, reloads the list. */
  const perform = async (step: () => Promise<void>) => {
    setError(null);
    setNotice(null);
    try {
      await step();
      state.reload();
    } catch (e) {
      setError(e as ApiError);
    }
  };

  const update = (s: Subscription, body: RequestBody<'postApiSubscriptionsIdUpdate'>) =>
    api(`/api/subscriptions/${s.id}/update`, { body });

  const setNotify = (s: Subscription, notify: Subscription['notify']) =>
    perform(async () => {
      await update(s, { notify });
      setNotice(`#${s.id}: ${NOTIFY_LABELS[notify].toLowerCase()}.`);
    });

  const act = (s: Subscription, what: 'check' | 'pause' | 'resume' | 'remove') =>
    perform(async () => {
      if (what === 'remove') {
        await api(`/api/subscriptions/${s.id}/remove`, { method: 'POST', body: {} });
        setConfirming(null);
        setNotice(`Removed #${s.id}; its indexed videos stay in the library.`);
        if (selected === s.id) navigate('/subscriptions');
      } else if (what === 'check') {
        await api(`/api/subscriptions/${s.id}/check`, { method: 'POST', body: {} });
        setNotice(`Checking #${s.id} now.`);
      } else {
        await update(s, { status: what === 'pause' ? 'paused' : 'active' });
      }
    });

  return (
    <>
      <PageHeader title="Subscriptions" />
      <SubscribeForm
        onDone={(s) => {
          setNotice(`Subscribed #${s.id} to ${s.url}; checking it now.`);
          state.reload();
        }}
      />
      {notice && (
        <p className="muted" role="status">
          {notice}
        </p>
      )}
      {error && <ErrorBox error={error} />}
      {selected !== null && <Entries id={selected} key={selected} />}
      <Async state={state}>
        {({ subscriptions }) =>
          subscriptions.length === 0 ? (
            <Empty>No subscriptions yet. Follow a channel, playlist or feed above.</Empty>
          ) : (
            <table className="subscriptions">
              <thead>
                <tr>
                  <th>Source</th>
                  <th>Status</th>
                  <th>Last checked</th>
                  <th>New videos found</th>
                  <th>Next check</th>
                  <th>Error</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {subscriptions.map((s) => (
                  <tr key={s.id} data-subscription-id={s.id}>
                    <td style={{ overflowWrap: 'anywhere', minWidth: '12em' }}>
                      <Link to={`/subscriptions/${s.id}`}>
                        #{s.id} {s.title ?? s.url}
                      </Link>
                      <div className="muted">
                        {s.kind} · {s.url}
                      </div>
                      {describeFilters(s.filters) && (
                        <div className="muted">{describeFilters(s.filters)}</div>
                      )}
                    </td>
                    <td>
                      <Badge value={s.status} />
                      {s.chatId !== null && (
                        // Notices go to the Telegram chat the subscription was made from.
                        <label className="notify muted">
                          Telegram notices
                          <select
                            aria-label={`Telegram notices for #${s.id}`}
                            value={s.notify}
                            onChange={(e) => setNotify(s, e.target.value as Subscription['notify'])}
                          >
                            {(Object.keys(NOTIFY_LABELS) as Subscription['notify'][]).map((m) => (
                              <option key={m} value={m}>
                                {NOTIFY_LABELS[m]}
                              </option>
                            ))}
                          </select>
                        </label>
                      )}
                    </td>
                    <td className="last-checked">
                      {s.lastCheckedAt ? (
                        <Time ms={s.lastCheckedAt} />
                      ) : (
                        <span className="muted">not yet</span>
                      )}
                    </td>
                    <td className="found">
                      <strong>{s.videosFound}</strong>
                      {s.lastCheckedAt !== null && (
                        <span className="muted"> ({s.lastFound} in the last check)</span>
                      )}
                      <div className="muted">
                        {s.entries.indexed} indexed · {s.entries.queued + s.entries.backlog} waiting ·{' '}
                        {s.entries.skipped} filtered out
                        {s.entries.failed ? ` · ${s.entries.failed} failed` : ''}
                      </div>
                    </td>
                    <td className="next-check">
                      {s.status === 'paused' ? (
                        <span className="muted">paused</span>
                      ) : (
                        <span title={new Date(s.nextCheckAt).toISOString()}>{ago(s.nextCheckAt)}</span>
                      )}
                    </td>
                    <td className="error">
                      {s.lastError ? (
                        <div role="note">
                          <span className="badge bad">{s.errorCount}×</span> {s.lastError}
                        </div>
                      ) : (
                        <span className="muted">—</span>
                      )}
                      {s.notice && <div className="muted">{s.notice}</div>}
                    </td>
                    <td>
                      <div className="actions">
                        <button type="button" onClick={() => act(s, 'check')}>
                          Check now
                        </button>
                        {s.status === 'active' ? (
                          <button type="button" onClick={() => act(s, 'pause')}>
                            Pause
                          </button>
                        ) : (
                          <button type="button" onClick={() => act(s, 'resume')}>
                            Resume
                          </button>
                        )}
                        {confirming === s.id ? (
                          <button type="button" className="danger" onClick={() => act(s, 'remove')}>
                            Confirm remove
                          </button>
                        ) : (
                          <button type="button" onClick={() => setConfirming(s.id)}>
                            Remove
                          </button>
                        )}
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Async>
    </>
  );
}
