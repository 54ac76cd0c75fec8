import type { AskResult, Citation } from '@llm-rag-yt/rag';
import { encodeCallback } from './callback-data.ts';
import { escapeHtml, formatDuration, formatTimestamp, packMessages, truncate } from './format.ts';
import type { InlineKeyboard } from './progress-view.ts';

/** Citation fields the views use (stored citations from the query log are read back as this). */
export type CitationView = Pick<Citation, 'title' | 'start' | 'url' | 'score' | 'snippet'>;

function sourceLine(c: CitationView, i: number): string {
  const href = escapeHtml(c.url);
  const title = escapeHtml(truncate(c.title || 'Untitled', 120));
  return `${i + 1}. <a href="${href}">${title}</a> · ${formatTimestamp(c.start)} · relevance ${formatScore(c.score)}`;
}

function formatScore(score: number): string {
  if (!Number.isFinite(score)) return 'n/a';
  // Scores are raw (BM25 or rank-fusion), often far below 1; keep two significant digits then.
  return Math.abs(score) >= 0.01 || score === 0 ? score.toFixed(2) : score.toPrecision(2);
}

/**
 * The answer as one or more HTML messages (split under 4,096 characters) with the sources,
 * their relevance and the response time; the 👍 👎 / More details buttons go on the last one.
 */
export function renderAnswer(r: AskResult): { messages: string[]; replyMarkup: InlineKeyboard } {
  const blocks = [escapeHtml(r.answer.trim() || 'I found nothing to answer with.')];
  if (r.citations.length) blocks.push(['📚 <b>Sources</b>', ...r.citations.map(sourceLine)].join('\n'));
  const best = r.citations.length ? Math.max(...r.citations.map((c) => c.score)) : null;
  blocks.push(
    `<i>⏱ ${formatDuration(r.latencyMs)}${best !== null ? ` · best relevance ${formatScore(best)}` : ''} · ${escapeHtml(r.retrieval)} search · ${escapeHtml(r.mode)}</i>`,
  );
  return {
    messages: packMessages(blocks),
    replyMarkup: {
      inline_keyboard: [
        [
          { text: '👍', callback_data: encodeCallback({ kind: 'feedback', queryId: r.queryId, rating: 1 }) },
          { text: '👎', callback_data: encodeCallback({ kind: 'feedback', queryId: r.queryId, rating: -1 }) },
          { text: 'More details', callback_data: encodeCallback({ kind: 'more', queryId: r.queryId }) },
        ],
      ],
    },
  };
}

/** "More details": every source with its quoted passage, read back from the query log. */
export function renderDetails(
  query: { query: string; mode: string | null; retrieval: string | null; latencyMs: number | null },
  citations: readonly CitationView[],
): string[] {
  const blocks = [
    `🔎 <b>${escapeHtml(truncate(query.query, 300))}</b>\n<i>${escapeHtml(query.retrieval ?? '?')} search · ${escapeHtml(query.mode ?? '?')}${query.latencyMs !== null ? ` · ${formatDuration(query.latencyMs)}` : ''}</i>`,
  ];
  if (!citations.length) blocks.push('No sources were found for this question.');
  citations.forEach((c, i) => {
    blocks.push(
      `${sourceLine(c, i)}\n<blockquote>${escapeHtml(truncate(c.snippet ?? '', 1200))}</blockquote>`,
    );
  });
  return packMessages(blocks);
}

/** Reads citations stored as JSON in user_queries, skipping malformed entries. */
export function toCitationViews(stored: readonly unknown[]): CitationView[] {
  return stored.flatMap((x) => {
    const c = x as Partial<CitationView> | null;
    if (!c || typeof c.url !== 'string' || typeof c.start !== 'number') return [];
    return [
      {
        title: typeof c.title === 'string' ? c.title : 'Untitled',
        start: c.start,
        url: c.url,
        score: typeof c.score === 'number' ? c.score : Number.NaN,
        snippet: typeof c.snippet === 'string' ? c.snippet : '',
      },
    ];
  });
}
