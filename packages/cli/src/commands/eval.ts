import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type EvalReport, loadEvalSet, type RetrievalMode, runEval } from '@llm-rag-yt/rag';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { type AppContext, openApp } from '../app.ts';
import { withDataDir } from '../config.ts';
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
    .option('--home <dir>', 'use (and keep) this data folder instead of a temporary one')
    .option('--with-chat', 'also generate answers with the configured chat model (slow)')
    .option('--json', 'machine-readable output')
    .action(async (setDir: string, o) => {
      const report = await evalCommand(env, resolve(env.io.cwd, setDir), o);
      if (o.json) return json(env, report);
      out(env, formatReport(report));
    });
}

interface EvalFlags {
  sample?: number;
  seed: number;
  topK: number;
  retrieval: RetrievalMode[];
  home?: string;
  withChat?: boolean;
  minRelevance?: number;
}

export async function evalCommand(
  env: CommandEnv,
  setDir: string,
  o: EvalFlags,
): Promise<
  EvalReport & {
    import: { videos: number; ms: number };
    relevanceThreshold: number | null;
    home: string | null;
  }
> {
  const set = await loadEvalSet(setDir); // every file and line checked before anything is created
  const base = env.config();
  const home = o.home ? resolve(env.io.cwd, o.home) : await mkdtemp(join(tmpdir(), 'llm-rag-yt-eval-'));
  await mkdir(home, { recursive: true });
  // The embedding model is cached under the user's data folder; reuse it rather than download again.
  const models = join(base.dataDir, 'models');
  if (!o.home && existsSync(models)) await symlink(models, join(home, 'models')).catch(() => {});
  const lexicalOnly = !o.retrieval.includes('hybrid');
  const config = withDataDir(
    {
      ...base,
      ...(lexicalOnly ? { embeddings: { ...base.embeddings, backend: 'none' as const } } : {}),
      ...(o.minRelevance !== undefined ? { retrieval: { minRelevance: o.minRelevance } } : {}),
    },
    home,
    { keepChat: !!o.withChat },
  );
  if (o.retrieval.includes('hybrid') && config.embeddings.backend === 'none')
    throw new UsageError(
      '--retrieval hybrid needs an embedder: set EMBEDDER=transformers (or openai with EMBEDDINGS_BASE_URL).',
    );
  const app = await openApp(config, { role: 'cli', io: env.io });
  try {
    const t0 = performance.now();
    await importSet(app, set.videos);
    const importMs = Math.round(performance.now() - t0);
    const bar = env.io.stderr.isTTY
      ? new SingleBar({
          format: ' {mode} {bar} {value}/{total} questions',
          stream: env.io.stderr as NodeJS.WritableStream,
          hideCursor: true,
        })
      : null;
    let current: RetrievalMode | null = null;
    const report = await runEval({
      questions: set.questions,
      modes: o.retrieval,
      topK: o.topK,
      sample: o.sample,
      seed: o.seed,
      ask: (q, mode) => app.rag.ask(q, { topK: o.topK, retrieval: mode, source: 'eval' }),
      onProgress: (done, total, mode) => {
        if (!bar) return;
        if (mode !== current) {
          if (current) bar.stop();
          current = mode;
          bar.start(total, 0, { mode });
        }
        bar.update(done, { mode });
        if (done === total) {
          bar.stop();
          current = null;
        }
      },
    });
    return {
      ...report,
      import: { videos: set.videos.length, ms: importMs },
      relevanceThreshold: app.resources.settings.retrieval?.minRelevance ?? null,
      home: o.home ? home : null,
    };
  } finally {
    await app.close();
    if (!o.home) await rm(home, { recursive: true, force: true });
  }
}

async function importSet(app: AppContext, videos: Parameters<AppContext['rag']['importTranscripts']>[0]) {
  const stop = await app.ensureExecutor();
  try {
    const { runId } = await app.rag.importTranscripts(videos);
    if (!runId) return;
    const run = await app.instance.waitForRun(runId);
    if (run.status !== 'SUCCESS')
      throw new Error(`Importing the eval set failed: run ${runId} ended ${run.status}.`);
  } finally {
    await stop();
  }
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
