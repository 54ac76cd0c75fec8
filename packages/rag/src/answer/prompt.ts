import type { ChatMessage } from '../ports.ts';
import type { Citation, ConversationTurn } from '../service/types.ts';
import { formatRange, formatTime } from './citations.ts';

/** Passage text sent to the model per source; keeps five sources well inside small context windows. */
const MAX_SOURCE_CHARS = 1500;

const SYSTEM = [
  'You answer questions about YouTube videos using only the numbered transcript excerpts provided.',
  'Each source shows the moment its matching sentences are spoken ("evidence at 01:23"), then the excerpt.',
  'Cite every claim with the source number in square brackets, like [1] or [2][3], right after the claim.',
  'If the excerpts do not contain the answer, say so plainly instead of guessing.',
  'Answer in the language of the question, concisely (at most a short paragraph or a few bullet points).',
].join(' ');

/** Earlier turns kept for the model: the last few, each cut, so sources keep most of the context window. */
const MAX_HISTORY_TURNS = 6;
const MAX_TURN_CHARS = 1000;

/** The grounded prompt: earlier turns (if any), then numbered sources with title and time range, then the question. */
export function groundedPrompt(
  question: string,
  citations: readonly Citation[],
  passages: readonly { text: string }[],
  history: readonly ConversationTurn[] = [],
): ChatMessage[] {
  const turns: ChatMessage[] = history.slice(-MAX_HISTORY_TURNS).map((t) => ({
    role: t.role,
    content: t.content.length > MAX_TURN_CHARS ? `${t.content.slice(0, MAX_TURN_CHARS)}…` : t.content,
  }));
  const sources = citations
    .map((c, i) => {
      const full = passages[i]?.text ?? c.snippet;
      const chapter = c.chapter ? `, chapter "${c.chapter}"` : '';
      const text = full.length > MAX_SOURCE_CHARS ? `${full.slice(0, MAX_SOURCE_CHARS)}…` : full;
      const range = c.context ? formatRange(c.context.start, c.context.end) : formatRange(c.start, c.end);
      return `[${i + 1}] "${c.title}"${chapter} (${range}; evidence at ${formatTime(c.start)})\n${text}`;
    })
    .join('\n\n');
  return [
    { role: 'system', content: SYSTEM },
    ...turns,
    { role: 'user', content: `Sources:\n\n${sources}\n\nQuestion: ${question}` },
  ];
}
