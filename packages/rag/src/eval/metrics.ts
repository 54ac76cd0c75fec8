import type { Citation } from '../service/types.ts';
import type { EvalQuestion } from './eval-set.ts';

/*
 * Retrieval quality of one question and of a whole run. A hit is a cited source of the right
 * video whose time range overlaps the gold span; the link is "in the span" when the top
 * citation's link start lies within [gold start − 5 s, gold end] (a link a few seconds early
 * still plays into the answer).
 */

export const LINK_SLACK_SECONDS = 5;

export interface QuestionOutcome {
  /** 1-based rank of the first hit (passage overlaps the gold span); null when none is. */
  rank: number | null;
  /** The same, judged on the evidence span (the matched sentences) instead of the passage. */
  evidenceRank: number | null;
  rightVideoAt1: boolean;
  linkInSpanAt1: boolean;
  /** |link start − gold start| when the top citation is of the right video; null otherwise. */
  linkErrorSeconds: number | null;
  /** The answer cited nothing (nothing relevant enough was found). */
  abstained: boolean;
  latencyMs: number;
}

export interface EvalMetrics {
  questions: number;
  hitAt1: number;
  hitAt5: number;
  mrr: number;
  /** hit@1 judged on the evidence span instead of the passage. */
  evidenceHitAt1: number;
  rightVideoAt1: number;
  citedStartInSpanAt1: number;
  /** Median over questions whose top citation is of the right video. */
  medianLinkErrorSeconds: number | null;
  /** Share of questions answered with "nothing relevant found". */
  abstained: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
}

/** Where a citation's link starts: the evidence when the source carries one, else the passage. */
export function linkStart(c: Pick<Citation, 'start'> & { evidence?: { start: number } | null }): number {
  return c.evidence?.start ?? c.start;
}

function overlaps(c: { start: number; end: number }, g: { start: number; end: number }): boolean {
  if (g.end <= g.start) return c.start <= g.start && c.end >= g.start;
  return Math.min(c.end, g.end) - Math.max(c.start, g.start) > 0;
}

export function judge(q: EvalQuestion, citations: readonly Citation[], latencyMs: number): QuestionOutcome {
  // The passage the search found (context) is what a hit is judged on, as for sliding windows.
  const idx = citations.findIndex((c) => c.videoId === q.videoId && overlaps(c.context ?? c, q));
  const ev = citations.findIndex((c) => c.videoId === q.videoId && overlaps(c.evidence ?? c, q));
  const top = citations[0];
  const right = top !== undefined && top.videoId === q.videoId;
  const link = top ? linkStart(top) : null;
  return {
    rank: idx >= 0 ? idx + 1 : null,
    evidenceRank: ev >= 0 ? ev + 1 : null,
    rightVideoAt1: right,
    linkInSpanAt1: right && link !== null && link >= q.start - LINK_SLACK_SECONDS && link <= q.end,
    linkErrorSeconds: right && link !== null ? Math.abs(link - q.start) : null,
    abstained: citations.length === 0,
    latencyMs,
  };
}

function share(outcomes: readonly QuestionOutcome[], pred: (o: QuestionOutcome) => boolean): number {
  return round(outcomes.filter(pred).length / Math.max(1, outcomes.length));
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function summarise(outcomes: readonly QuestionOutcome[]): EvalMetrics {
  const errors = outcomes.flatMap((o) => (o.linkErrorSeconds === null ? [] : [o.linkErrorSeconds]));
  const med = median(errors);
  const latencies = outcomes.map((o) => o.latencyMs);
  return {
    questions: outcomes.length,
    hitAt1: share(outcomes, (o) => o.rank === 1),
    hitAt5: share(outcomes, (o) => o.rank !== null && o.rank <= 5),
    mrr: round(outcomes.reduce((a, o) => a + (o.rank ? 1 / o.rank : 0), 0) / Math.max(1, outcomes.length)),
    evidenceHitAt1: share(outcomes, (o) => o.evidenceRank === 1),
    rightVideoAt1: share(outcomes, (o) => o.rightVideoAt1),
    citedStartInSpanAt1: share(outcomes, (o) => o.linkInSpanAt1),
    medianLinkErrorSeconds: med === null ? null : Math.round(med * 10) / 10,
    abstained: share(outcomes, (o) => o.abstained),
    latencyP50Ms: round(percentile(latencies, 50)),
    latencyP95Ms: round(percentile(latencies, 95)),
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
