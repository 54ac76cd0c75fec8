import { useState } from 'react';
import { type ApiError, api } from '../api.ts';
import { clock, ErrorBox, Loading, PageHeader } from '../components/ui.tsx';

interface Citation {
  videoId: string;
  title: string;
  channel: string | null;
  start: number;
  end: number;
  url: string;
  snippet: string;
}
interface Answer {
  question: string;
  answer: string;
  mode: string;
  retrieval: string;
  citations: Citation[];
  latencyMs: number;
  queryId: number;
}

const safeHref = (u: string) => (/^https?:\/\//.test(u) ? u : '#');

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
              👍
            </button>
            <button
              type="button"
              aria-pressed={rated === -1}
              disabled={rated !== null}
              onClick={() => rate(-1)}
              aria-label="Not helpful"
            >
              👎
            </button>
            {rated !== null && <span className="muted">Thanks for the feedback.</span>}
          </div>
        </div>
      )}
    </>
  );
}
