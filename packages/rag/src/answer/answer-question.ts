import type { Chapter, ChatModel } from '../ports.ts';
import type { Citation, ConversationTurn } from '../service/types.ts';
import { type CitableHit, toCitation } from './citations.ts';
import { citeClaims } from './cite-claims.ts';
import { extractiveAnswer } from './extractive.ts';
import { groundedPrompt } from './prompt.ts';

export interface AnswerInput {
  question: string;
  /** Retrieved passages, best first (already cut to top-k), with their evidence when localised. */
  hits: readonly CitableHit[];
  /** Something matched, but too weakly to cite (see RetrieveOptions.minRelevance). */
  belowThreshold?: boolean;
  chat: ChatModel | null;
  retrieval: 'hybrid' | 'lexical';
  /** Why search is lexical although an embedder exists (from hybridSearch); shown to the user. */
  retrievalNotice?: string | null;
  /** Chapters by video id, so each citation names its chapter. */
  chapters?: ReadonlyMap<string, readonly Chapter[]>;
  /** Earlier conversation turns, oldest first; the chat model sees them before the grounded question. */
  history?: readonly ConversationTurn[];
  signal?: AbortSignal;
}

export interface Answer {
  answer: string;
  /** 'llm:<model>' or 'extractive'. */
  mode: string;
  citations: Citation[];
}

/** Shown with every lexical answer so users know why paraphrases may be missed, and how to fix it. */
export const LEXICAL_NOTICE =
  'Note: semantic search is off, so only passages sharing words with the question were found. ' +
  'To turn it on, configure an embedder (transformers.js with a multilingual model, or an OpenAI-compatible ' +
  '/v1/embeddings endpoint) and re-index the videos.';

export const NO_RESULTS =
  'I found nothing about this in the indexed videos. Try other words, or add a video about it.';

export const NOT_RELEVANT =
  'Nothing in the indexed videos answers this closely enough: the best passages share only a few of its words, so I would rather not point you at them. Try other words, or add a video about it.';

/**
 * Answers from retrieved passages: with a chat model, a grounded answer citing [n]; otherwise the
 * best sentences of the top passages. Every answer carries its citations. When the chat model
 * fails, the extractive answer is returned (and says so) rather than no answer.
 *
 * @example
 * const { hits, retrieval } = await hybridSearch(index, embedder, q, { k: 5 });
 * const { answer, citations } = await answerQuestion({ question: q, hits, chat, retrieval });
 */
export async function answerQuestion(input: AnswerInput): Promise<Answer> {
  const citations = input.hits.map((h) => toCitation(h, input.chapters?.get(h.videoId)));
  const notice = lexicalNotice(input);
  if (citations.length === 0)
    return {
      answer: withNotice(input.belowThreshold ? NOT_RELEVANT : NO_RESULTS, notice),
      mode: 'extractive',
      citations,
    };

  if (input.chat) {
    try {
      const messages = groundedPrompt(input.question, citations, input.hits, input.history);
      const raw = await input.chat.complete(messages, { signal: input.signal });
      // Each [n] gets its source's moment; markers naming no source are dropped.
      const text = citeClaims(raw, citations).text;
      return { answer: withNotice(text, notice), mode: `llm:${input.chat.model}`, citations };
    } catch (err) {
      if (input.signal?.aborted) throw err;
      const why = err instanceof Error ? err.message : String(err);
      const text = extractiveAnswer(input.question, input.hits);
      return {
        answer: withNotice(
          `${text}\n\n(The chat model failed, so this is an extract of the sources: ${why})`,
          notice,
        ),
        mode: 'extractive',
        citations,
      };
    }
  }
  return {
    answer: withNotice(extractiveAnswer(input.question, input.hits), notice),
    mode: 'extractive',
    citations,
  };
}

function lexicalNotice(input: AnswerInput): string | null {
  if (input.retrieval !== 'lexical') return null;
  return input.retrievalNotice ? `Note: semantic search is off: ${input.retrievalNotice}.` : LEXICAL_NOTICE;
}

function withNotice(text: string, notice: string | null): string {
  return notice ? `${text}\n\n${notice}` : text;
}
