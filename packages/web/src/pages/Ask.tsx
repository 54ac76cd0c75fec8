import { useState } from 'react';
import { type ApiError, api, type Schemas } from '../api.ts';
import { clock, ErrorBox, Loading, PageHeader } from '../components/ui.tsx';

type Answer = Schemas['AskResult'];

const safeHref = (u: string) => (/^https?:\/\//.test(u) ? u : '#');

/** Drawn, not an emoji: machines without an emoji font showed empty boxes. */
function Thumb({ down = false }: { down?: boolean }) {
  return (
    <svg
      width="16"
      height="16"
      viewBox="0 0 24 24"
      aria-hidden="true"
      style={{ verticalAlign: '-3px', transform: down ? 'rotate(180deg)' : undefined }}
    >
      <path
        fill="currentColor"
        d="M2 21h4V9H2v12zm20-11a2 2 0 0 0-2-2h-6.3l1-4.6v-.3c0-.4-.2-.8-.4-1.1L13.2 1 6.6 7.6C6.2 8 6 8.5 6 9v10a2 2 0 0 0 2 2h9c.8 0 1.5-.5 1.8-1.2l3-7.1c.1-.2.2-.5.2-.7v-2z"
      />
    </svg>
  );
}

export default function AskPage() {
  const [question, setQuestion] = useState('');
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [rated, setRated] = useState<number | null>(null);
  const ask = async () => {
    setBusy(true);
    setError(null);
    setAnswer(null);
    setRated(null);
    try {
      setAnswer(await api<Answer>('/api/ask', { body: { question: question.trim() } }));
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setBusy(false);
    }
  };
  const rate = async (rating: 1 | -1) => {
    if (!answer) return;
    try {
      await api('/api/feedback', { body: { queryId: answer.queryId, rating } });
      setRated(rating);
    } catch (e) {
      setError(e as ApiError);
    }
  };
  return (
    <>
      <PageHeader title="Ask" />
      <form
        className="panel"
        onSubmit={(e) => {
          e.preventDefault();
          void ask();
        }}
      >
        <label htmlFor="question" style={{ display: 'block' }}>
          Question about your videos
        </label>
        <textarea
          id="question"
          rows={3}
          value={question}
          maxLength={2000}
          onChange={(e) => setQuestion(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void ask();
          }}
        />
        <div className="row" style={{ marginTop: 8 }}>
          <button type="submit" className="primary" disabled={busy || !question.trim()}>
            Ask
          </button>
          <span className="muted">Ctrl+Enter to send</span>
        </div>
      </form>
      {busy && <Loading what="Searching and answering" />}
      {error && <ErrorBox error={error} />}
      {answer && (
        <div className="panel" data-testid="answer">
          <div className="answer">{answer.answer}</div>
          <p className="muted">
            {answer.mode} · {answer.retrieval} retrieval
            {answer.retrieval === 'lexical' ? ' (no embedder configured)' : ''} · {answer.latencyMs} ms
          </p>
          <h2>Sources</h2>
          {answer.citations.length === 0 && <p className="muted">No sources found.</p>}
          {answer.citations.map((c, i) => (
            <div className="citation" key={`${c.videoId}-${c.start}-${c.end}`}>
              <div>
                [{i + 1}]{' '}
                <a href={safeHref(c.url)} target="_blank" rel="noreferrer noopener" className="citation-link">
                  {c.title} · {clock(c.start)}–{clock(c.end)}
                </a>{' '}
                {c.channel && <span className="muted">{c.channel}</span>}
                {c.context && (c.context.start !== c.start || c.context.end !== c.end) && (
                  <span className="muted">
                    {' '}
                    (in the passage {clock(c.context.start)}–{clock(c.context.end)})
                  </span>
                )}
              </div>
              <div className="muted">{c.snippet}</div>
            </div>
          ))}
          <div className="row">
            <span>Was this helpful?</span>
            <button
              type="button"
              aria-pressed={rated === 1}
              disabled={rated !== null}
              onClick={() => rate(1)}
              aria-label="Helpful"
            >
              <Thumb /> Yes
            </button>
            <button
              type="button"
              aria-pressed={rated === -1}
              disabled={rated !== null}
              onClick={() => rate(-1)}
              aria-label="Not helpful"
            >
              <Thumb down /> No
            </button>
            {rated !== null && <span className="muted">Thanks for the feedback.</span>}
          </div>
        </div>
      )}
    </>
  );
}
