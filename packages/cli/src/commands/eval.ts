import { resolve } from 'node:path';
import type { EvalReport, RetrievalMode } from '@llm-rag-yt/rag';
import type { Command } from 'commander';
import { table, UsageError } from '../io.ts';
import { type CommandEnv, json, out } from './env.ts';

const MODES: readonly RetrievalMode[] = ['lexical', 'hybrid'];

/**
 * `llm-rag-yt eval SET_DIR`: imports an evaluation set into a temporary data folder (or --home),
 * asks every question through RagService.ask — the code path of `ask` and POST /api/ask — and
 * prints hit@1/5, MRR, right video, link-in-span, link error and latency per retrieval mode.
 */
export function registerEvalCommand(program: Command, env: CommandEnv): void {
  program
    .command('eval <setDir>')
    .description('Measure retrieval on an eval set (videos.jsonl + transcripts + questions.jsonl)')
    .option('-n, --sample <n>', 'ask a seeded random sample of N questions', (v) => posInt(v, '--sample'))
    .option('--seed <s>', 'seed of the sample', (v) => posInt(v, '--seed', 0), 1)
    .option('-k, --top-k <k>', 'citations per answer', (v) => posInt(v, '--top-k'), 5)
    .option(
      '--retrieval <modes>',
      'lexical, hybrid, or both comma-separated (side by side)',
      (v) => modes(v),
      ['lexical'] as RetrievalMode[],
    )
    .option('--min-relevance <x>', 'relevance threshold 0..1 (default: RETRIEVAL_MIN_RELEVANCE)', (v) =>
      share(v),
    )
    .option('--details <file>', 'write every question with its citations and outcome to FILE (JSON lines)')
    .option('--home <dir>', 'use (and keep) this data folder instead of a temporary one')
    .option('--with-chat', 'also generate answers with the configured chat model (slow)')
    .option('--json', 'machine-readable output')
    .action(async (setDir: string, o) => {
      // Loaded on use: the eval machinery brings the whole app (see main.ts on startup cost).
      const { evalCommand } = await import('./eval-run.ts');
      const report = await evalCommand(env, resolve(env.io.cwd, setDir), o);
      if (o.json) return json(env, report);
      out(env, formatReport(report));
    });
}

export function formatReport(
  r: EvalReport & { relevanceThreshold: number | null; import: { videos: number; ms: number } },
): string {
  const rows = r.modes.map((m) => ({
    retrieval:
      m.mode === m.retrievalUsed.join('+') ? m.mode : `${m.mode} (used ${m.retrievalUsed.join('+')})`,
    'hit@1': m.metrics.hitAt1.toFixed(3),
    'hit@5': m.metrics.hitAt5.toFixed(3),
    mrr: m.metrics.mrr.toFixed(3),
    'evidence-hit@1': m.metrics.evidenceHitAt1.toFixed(3),
    'video@1': m.metrics.rightVideoAt1.toFixed(3),
    'link-in-span@1': m.metrics.citedStartInSpanAt1.toFixed(3),
    'link-err-s': m.metrics.medianLinkErrorSeconds ?? '',
    abstained: m.metrics.abstained.toFixed(3),
    'p50-ms': m.metrics.latencyP50Ms.toFixed(1),
    'p95-ms': m.metrics.latencyP95Ms.toFixed(1),
  }));
  const sample =
    r.sample !== null && r.sample < r.totalQuestions ? `sample of ${r.questions} (seed ${r.seed})` : 'all';
  return [
    `${r.questions} of ${r.totalQuestions} questions (${sample}), top-k ${r.topK}; ${r.import.videos} videos imported in ${r.import.ms} ms; relevance threshold ${r.relevanceThreshold ?? 'none'}`,
    table(rows),
  ].join('\n');
}

function modes(v: string): RetrievalMode[] {
  const list = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = list.find((m) => !MODES.includes(m as RetrievalMode));
  if (bad || list.length === 0)
    throw new UsageError(`--retrieval takes lexical, hybrid or 'lexical,hybrid', got '${v}'.`);
  return [...new Set(list)] as RetrievalMode[];
}

function share(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1)
    throw new UsageError(`--min-relevance must be a number from 0 to 1, got '${v}'.`);
  return n;
}

function posInt(v: string, flag: string, min = 1): number {
  if (!/^\d+$/.test(v) || Number(v) < min)
    throw new UsageError(`${flag} must be a whole number ≥ ${min}, got '${v}'.`);
  return Number(v);
}
