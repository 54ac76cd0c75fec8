import type { AskResult, Citation } from '../service/types.ts';
import { type EvalQuestion, sampleQuestions } from './eval-set.ts';
import { type EvalMetrics, judge, type QuestionOutcome, summarise } from './metrics.ts';

export type RetrievalMode = 'lexical' | 'hybrid';

export interface EvalRunOptions {
  questions: readonly EvalQuestion[];
  modes: readonly RetrievalMode[];
  topK: number;
  sample?: number;
  seed: number;
  /** The product's own ask (RagService.ask), so eval measures what users get. */
  ask(question: string, mode: RetrievalMode): Promise<AskResult>;
  onProgress?(done: number, total: number, mode: RetrievalMode): void;
  /** Each question's outcome with what was cited (`eval --details`), for reading the failures. */
  onOutcome?(detail: EvalQuestionDetail): void;
}

/** One asked question: the gold span, what was cited (top-k) and how it was judged. */
export interface EvalQuestionDetail {
  mode: RetrievalMode;
  question: EvalQuestion;
  citations: readonly Pick<
    Citation,
    'videoId' | 'start' | 'end' | 'evidence' | 'context' | 'snippet' | 'score'
  >[];
  outcome: QuestionOutcome;
}

export interface EvalModeReport {
  mode: RetrievalMode;
  /** What the search actually used (hybrid falls back to lexical without vectors). */
  retrievalUsed: string[];
  metrics: EvalMetrics;
}

export interface EvalReport {
  questions: number;
  totalQuestions: number;
  sample: number | null;
  seed: number;
  topK: number;
  modes: EvalModeReport[];
}

/** Asks every (sampled) question once per mode and summarises the outcomes. */
export async function runEval(opts: EvalRunOptions): Promise<EvalReport> {
  const chosen = sampleQuestions(opts.questions, opts.sample, opts.seed);
  const modes: EvalModeReport[] = [];
  for (const mode of opts.modes) {
    const outcomes: QuestionOutcome[] = [];
    const used = new Set<string>();
    for (const q of chosen) {
      const t0 = performance.now();
      const res = await opts.ask(q.question, mode);
      const ms = performance.now() - t0;
      used.add(res.retrieval);
      const cited = res.citations.slice(0, opts.topK);
      const outcome = judge(q, cited, ms);
      outcomes.push(outcome);
      opts.onOutcome?.({
        mode,
        question: q,
        citations: cited.map(pickDetail),
        outcome,
      });
      opts.onProgress?.(outcomes.length, chosen.length, mode);
    }
    modes.push({ mode, retrievalUsed: [...used].sort(), metrics: summarise(outcomes) });
  }
  return {
    questions: chosen.length,
    totalQuestions: opts.questions.length,
    sample: opts.sample ?? null,
    seed: opts.seed,
    topK: opts.topK,
    modes,
  };
}

/** What --details keeps of a citation. */
function pickDetail({
  videoId,
  start,
  end,
  evidence,
  context,
  snippet,
  score,
}: Citation): EvalQuestionDetail['citations'][number] {
  return { videoId, start, end, evidence, context, snippet, score };
}
