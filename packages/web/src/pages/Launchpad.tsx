import { useEffect, useState } from 'react';
import { type ApiError, api, type Schemas, useApi } from '../api.ts';
import { Async, Empty, ErrorBox, PageHeader } from '../components/ui.tsx';
import { navigate, setQuery, useLocation } from '../router.tsx';

type Job = Schemas['Job'];
type Validation = Schemas['PostApiJobsNameValidateResponse'] | null;

function template(job: Job): string {
  const withConfig = job.steps.filter((s) => s.hasConfig);
  if (!withConfig.length) return '# This job has no configurable steps.\n';
  return `ops:\n${withConfig.map((s) => `  ${s.key}:\n    config: {}\n`).join('')}`;
}

export default function LaunchpadPage() {
  const state = useApi<{ jobs: Job[] }>('/api/jobs');
  const { query } = useLocation();
  const jobName = query.get('job') ?? state.data?.jobs[0]?.name ?? '';
  const job = state.data?.jobs.find((j) => j.name === jobName);
  const [yaml, setYaml] = useState('');
  const [tags, setTags] = useState('');
  const [validation, setValidation] = useState<Validation>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (job) setYaml(template(job));
  }, [job]);

  // Live validation against the server (debounced) so errors point at the exact path.
  useEffect(() => {
    if (!job) return;
    const ctrl = new AbortController();
    const t = setTimeout(() => {
      api<Validation>(`/api/jobs/${encodeURIComponent(job.name)}/validate`, {
        body: { runConfigYaml: yaml },
        signal: ctrl.signal,
      })
        .then(setValidation)
        .catch((e: ApiError) => {
          if (e.name !== 'AbortError')
            setValidation({
              valid: false,
              issues: e.issues.length ? e.issues : [{ path: '', message: e.message }],
            });
        });
    }, 300);
    return () => {
      clearTimeout(t);
      ctrl.abort();
    };
  }, [yaml, job]);

  const launch = async () => {
    if (!job) return;
    setBusy(true);
    setError(null);
    try {
      const tagMap: Record<string, string> = {};
      for (const part of tags
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)) {
        const [k, ...v] = part.split('=');
        tagMap[k!.trim()] = v.join('=').trim();
      }
      const r = await api<{ run: { runId: string } }>(`/api/jobs/${encodeURIComponent(job.name)}/launch`, {
        body: { runConfigYaml: yaml, tags: tagMap },
      });
      navigate(`/runs/${r.run.runId}`);
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeader title="Launchpad" />
      <Async state={state}>
        {({ jobs }) =>
          jobs.length === 0 ? (
            <Empty>No jobs are defined.</Empty>
          ) : (
            <div className="panel">
              <div className="filters">
                <label>
                  Job
                  <select
                    value={jobName}
                    onChange={(e) => setQuery({ job: e.target.value })}
                    aria-label="Job"
                  >
                    {jobs.map((j) => (
                      <option key={j.name}>{j.name}</option>
                    ))}
                  </select>
                </label>
                <span className="muted">{job?.description}</span>
              </div>
              {job && <p className="muted">Steps: {job.steps.map((s) => s.key).join(' → ')}</p>}
              <label style={{ display: 'block' }} htmlFor="run-config">
                Run config (YAML)
              </label>
              <textarea
                id="run-config"
                rows={14}
                value={yaml}
                onChange={(e) => setYaml(e.target.value)}
                spellCheck={false}
                aria-describedby="config-status"
              />
              <div id="config-status" aria-live="polite">
                {validation === null ? (
                  <span className="muted">Checking…</span>
                ) : validation.valid ? (
                  <span className="badge ok">valid</span>
                ) : (
                  <ul className="issues">
                    {validation.issues.map((i) => (
                      <li key={`${i.path}:${i.message}`}>
                        <code>{i.path || '(root)'}</code>: {i.message}
                      </li>
                    ))}
                  </ul>
                )}
              </div>
              <div className="row" style={{ marginTop: 10 }}>
                <label>
                  Tags
                  <input
                    value={tags}
                    onChange={(e) => setTags(e.target.value)}
                    placeholder="key=value, key2=value2"
                    maxLength={500}
                  />
                </label>
                <button
                  type="button"
                  className="primary"
                  disabled={busy || !validation?.valid}
                  onClick={launch}
                >
                  Launch run
                </button>
              </div>
              {error && <ErrorBox error={error} />}
            </div>
          )
        }
      </Async>
    </>
  );
}
