import { formatClock, formatDuration as sharedFormatDuration } from '@llm-rag-yt/format';
import type { ReactNode } from 'react';
import type { ApiError } from '../api.ts';

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <div className="state loading" role="status">
      {what}…
    </div>
  );
}

export function ErrorBox({ error, retry }: { error: ApiError | Error; retry?: () => void }) {
  return (
    <div className="state error" role="alert">
      <strong>Something went wrong.</strong> {error.message}
      {retry && (
        <button type="button" onClick={retry}>
          Retry
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state empty">{children}</div>;
}

/** Renders loading / error / content for a useApi result. */
export function Async<T>(props: {
  state: { data: T | undefined; error: ApiError | null; reload: () => void };
  children: (data: T) => ReactNode;
}) {
  const { data, error, reload } = props.state;
  if (error && data === undefined) return <ErrorBox error={error} retry={reload} />;
  if (data === undefined) return <Loading />;
  return <>{props.children(data)}</>;
}

const STATUS_CLASS: Record<string, string> = {
  SUCCESS: 'ok',
  MATERIALIZED: 'ok',
  completed: 'ok',
  indexed: 'ok',
  healthy: 'ok',
  stale: 'bad',
  RUNNING: 'run',
  STARTED: 'run',
  STARTING: 'run',
  processing: 'run',
  QUEUED: 'wait',
  pending: 'wait',
  SKIPPED: 'muted',
  STOPPED: 'muted',
  NEVER: 'muted',
  MISSING: 'muted',
  CANCELED: 'muted',
  CANCELING: 'warn',
  acknowledged: 'warn',
  warning: 'warn',
  RETRYING: 'warn',
  FAILURE: 'bad',
  FAILED: 'bad',
  failed: 'bad',
  open: 'bad',
  critical: 'bad',
  resolved: 'ok',
  active: 'ok',
  paused: 'muted',
  queued: 'wait',
  backlog: 'wait',
  skipped: 'muted',
  seen: 'muted',
};

export function Badge({ value }: { value: string }) {
  return <span className={`badge ${STATUS_CLASS[value] ?? 'muted'}`}>{value}</span>;
}

export function Time({ ms }: { ms: number | null | undefined }) {
  if (!ms) return <span className="muted">—</span>;
  const d = new Date(ms);
  return (
    <time dateTime={d.toISOString()} title={d.toISOString()}>
      {formatTime(ms)}
    </time>
  );
}

export function formatTime(ms: number): string {
  const d = new Date(ms);
  const today = new Date().toDateString() === d.toDateString();
  return today ? d.toLocaleTimeString() : d.toLocaleString();
}

/** A duration ('—' when unknown); the wording is @llm-rag-yt/format's, as in the CLI and the bot. */
export function formatDuration(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '—' : sharedFormatDuration(ms);
}

export function ago(ms: number | null | undefined): string {
  if (!ms) return 'never';
  const d = Date.now() - ms;
  if (d < 0) return `in ${formatDuration(-d)}`;
  return `${formatDuration(d)} ago`;
}

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <header className="page-header">
      <h1>{title}</h1>
      <div className="actions">{children}</div>
    </header>
  );
}

/** m:ss or h:mm:ss for video times. */
export function clock(seconds: number): string {
  return formatClock(seconds);
}
