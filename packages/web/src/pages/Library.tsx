import { useState } from 'react';
import { type ApiError, api, type Schemas, useApi } from '../api.ts';
import { Async, Badge, clock, Empty, ErrorBox, PageHeader, Time } from '../components/ui.tsx';
import { useLiveReload } from '../live.ts';
import { Link } from '../router.tsx';

type Request = Schemas['YoutubeRequest'];
type Video = Schemas['Video'];
type Segment = Schemas['Segment'];

const STAGES = ['downloading', 'transcribing', 'embedding'] as const;
const STAGE_LABEL: Record<(typeof STAGES)[number], string> = {
  downloading: 'download',
  transcribing: 'transcribe',
  embedding: 'embed',
};
const ORDER = ['validating', 'downloading', 'transcribing', 'processing', 'embedding', 'done'];

function Progress({ r }: { r: Request }) {
  const at = ORDER.indexOf(r.stage);
  return (
    <div className="progress" title={`stage ${r.stage}`}>
      {STAGES.map((s) => {
        const i = ORDER.indexOf(s);
        const cls =
          r.status === 'completed' || at > i
            ? 'done'
            : r.status === 'failed' && at <= i
              ? at === i
                ? 'failed'
                : ''
              : at === i
                ? 'current'
                : '';
        return (
          <span key={s} className={cls}>
            {STAGE_LABEL[s]}
          </span>
        );
      })}
    </div>
  );
}

/** Deep link to a moment: YouTube ids get youtu.be/ID?t=N, other sources their URL with #t=N. */
export function timeLink(video: { videoId: string; url: string }, seconds: number): string {
  const t = Math.floor(seconds);
  if (/^[\w-]{11}$/.test(video.videoId) && /youtu/.test(video.url))
    return `https://youtu.be/${video.videoId}?t=${t}`;
  return /^https?:\/\//.test(video.url) ? `${video.url.split('#')[0]}#t=${t}` : '#';
}

type Chapter = Schemas['Chapter'];

function Summary({ videoId }: { videoId: string }) {
  const state = useApi<Schemas['GetApiLibraryVideosVideoIdResponse']>(
    `/api/library/videos/${encodeURIComponent(videoId)}`,
  );
  const summary = state.data?.summary;
  if (!summary) return null;
  return (
    <section className="panel summary" aria-label="Summary">
      <h2>Summary</h2>
      <p>{summary.summary}</p>
      {summary.keyPoints.length > 0 && (
        <ul className="key-points">
          {summary.keyPoints.map((p) => (
            <li key={`${p.start}-${p.text.slice(0, 20)}`}>
              <a href={p.url} target="_blank" rel="noreferrer noopener">
                {clock(p.start)}
              </a>{' '}
              {p.text}
            </li>
          ))}
        </ul>
      )}
      <p className="muted">{summary.label}</p>
    </section>
  );
}

/** The transcript's lines grouped under the chapter each falls in (one group without chapters). */
function byChapter(
  segments: Segment[],
  chapters: Chapter[],
): { chapter: Chapter | null; lines: Segment[] }[] {
  if (chapters.length === 0) return [{ chapter: null, lines: segments }];
  const sorted = [...chapters].sort((a, b) => a.start - b.start);
  const groups: { chapter: Chapter | null; lines: Segment[] }[] = [];
  for (const s of segments) {
    let chapter: Chapter | null = null;
    for (const c of sorted) if (c.start <= s.start + 0.001) chapter = c;
    const last = groups.at(-1);
    if (last && last.chapter === chapter) last.lines.push(s);
    else groups.push({ chapter, lines: [s] });
  }
  return groups;
}

function Transcript({ videoId }: { videoId: string }) {
  const state = useApi<{ video: Video; segments: Segment[]; chapters: Chapter[] }>(
    `/api/library/videos/${encodeURIComponent(videoId)}/transcript`,
  );
  return (
    <Async state={state}>
      {({ video, segments, chapters }) => (
        <div className="panel">
          <h2>{video.title}</h2>
          <p className="muted">
            {video.channel} · {segments.length} lines
            {chapters.length ? ` · ${chapters.length} chapters` : ''} ·{' '}
            <a href={video.url} rel="noreferrer noopener" target="_blank">
              source
            </a>
          </p>
          <Summary videoId={videoId} />
          {segments.length === 0 ? (
            <Empty>No transcript yet.</Empty>
          ) : (
            <div className="transcript">
              {byChapter(segments, chapters).map((g) => (
                <section key={`${g.chapter?.start ?? 'none'}-${g.lines[0]?.start}`}>
                  {g.chapter && (
                    <h3 className="chapter">
                      <a href={timeLink(video, g.chapter.start)} target="_blank" rel="noreferrer noopener">
                        {clock(g.chapter.start)}
                      </a>{' '}
                      {g.chapter.title}
                    </h3>
                  )}
                  {g.lines.map((s) => (
                    <div className="transcript-line" key={`${s.start}-${s.text.slice(0, 10)}`}>
                      <a href={timeLink(video, s.start)} target="_blank" rel="noreferrer noopener">
                        {clock(s.start)}
                      </a>
                      <span>{s.text}</span>
                    </div>
                  ))}
                </section>
              ))}
            </div>
          )}
        </div>
      )}
    </Async>
  );
}

export default function LibraryPage({ videoId }: { videoId: string | null }) {
  const requests = useApi<{ requests: Request[] }>('/api/library/requests?limit=100');
  const videos = useApi<{ videos: Video[] }>('/api/library/videos');
  const [urls, setUrls] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const reloadAll = () => {
    requests.reload();
    videos.reload();
  };
  useLiveReload(reloadAll, (m) => m.kind === 'events' || m.kind === 'run', 700);

  const submit = async () => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const list = urls
        .split(/\s+/)
        .map((u) => u.trim())
        .filter(Boolean);
      const r = await api<{ requests: Request[]; rejected: { url: string; reason: string }[] }>(
        '/api/library/requests',
        { body: { urls: list } },
      );
      setNotice(
        `${r.requests.length} queued${r.rejected.length ? `; rejected: ${r.rejected.map((x) => `${x.url} (${x.reason})`).join(', ')}` : ''}`,
      );
      setUrls('');
      reloadAll();
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setBusy(false);
    }
  };

  const upload = async (file: File) => {
    setError(null);
    const form = new FormData();
    form.set('file', file);
    try {
      await api('/api/library/import', { body: form });
      setNotice(`Imported ${file.name}`);
      reloadAll();
    } catch (e) {
      setError(e as ApiError);
    }
  };

  return (
    <>
      <PageHeader title="Library" />
      <div className="panel">
        <label htmlFor="urls" style={{ display: 'block' }}>
          Video URLs (one per line)
        </label>
        <textarea
          id="urls"
          rows={3}
          value={urls}
          onChange={(e) => setUrls(e.target.value)}
          placeholder="https://www.youtube.com/watch?v=…"
        />
        <div className="row" style={{ marginTop: 8 }}>
          <button type="button" className="primary" disabled={busy || !urls.trim()} onClick={submit}>
            Submit
          </button>
          <label>
            Import transcript (.vtt, .srt, .json3)
            <input
              type="file"
              accept=".vtt,.srt,.json3,.json"
              onChange={(e) => e.target.files?.[0] && upload(e.target.files[0])}
            />
          </label>
          {notice && (
            <span className="muted" role="status">
              {notice}
            </span>
          )}
        </div>
        {error && <ErrorBox error={error} />}
      </div>
      {videoId && <Transcript videoId={videoId} />}
      <h2>Requests</h2>
      <Async state={requests}>
        {({ requests: rows }) =>
          rows.length === 0 ? (
            <Empty>No requests yet. Submit a URL above.</Empty>
          ) : (
            <table className="requests">
              <thead>
                <tr>
                  <th>URL</th>
                  <th>Status</th>
                  <th>Progress</th>
                  <th>Run</th>
                  <th>Created</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.id} data-request-id={r.id}>
                    <td style={{ overflowWrap: 'anywhere' }}>
                      {r.videoId ? (
                        <Link to={`/library/${encodeURIComponent(r.videoId)}`}>{r.url}</Link>
                      ) : (
                        r.url
                      )}
                      {r.error && <div className="muted">{r.error}</div>}
                    </td>
                    <td>
                      <Badge value={r.status} />
                    </td>
                    <td style={{ minWidth: 220 }}>
                      <Progress r={r} />
                    </td>
                    <td>
                      {r.runId ? (
                        <Link to={`/runs/${r.runId}`}>
                          <code>{r.runId.slice(0, 8)}</code>
                        </Link>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td>
                      <Time ms={r.createdAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Async>
      <h2>Videos</h2>
      <Async state={videos}>
        {({ videos: rows }) =>
          rows.length === 0 ? (
            <Empty>No videos indexed yet.</Empty>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>Title</th>
                  <th>Channel</th>
                  <th>Length</th>
                  <th>Status</th>
                  <th>Chunks</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((v) => (
                  <tr key={v.videoId}>
                    <td>
                      <Link to={`/library/${encodeURIComponent(v.videoId)}`}>{v.title}</Link>
                    </td>
                    <td>{v.channel ?? '—'}</td>
                    <td>{v.durationSeconds ? clock(v.durationSeconds) : '—'}</td>
                    <td>
                      <Badge value={v.status} />
                    </td>
                    <td>{v.chunkCount}</td>
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
