import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type EvalReport, loadEvalSet, type RetrievalMode, runEval } from '@llm-rag-yt/rag';
import { SingleBar } from 'cli-progress';
import { type AppContext, openApp } from '../app.ts';
import { withDataDir } from '../config.ts';
import { UsageError } from '../io.ts';
import type { CommandEnv } from './env.ts';

export interface EvalFlags {
  sample?: number;
  seed: number;
  topK: number;
  retrieval: RetrievalMode[];
  home?: string;
  withChat?: boolean;
  minRelevance?: number;
  /** JSON lines, one per asked question (EvalQuestionDetail). */
  details?: string;
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
  let details: WriteStream | null = null;
  try {
    if (o.details) details = await openDetails(resolve(env.io.cwd, o.details));
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
      onOutcome: details ? (d) => details!.write(`${JSON.stringify(d)}\n`) : undefined,
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
    if (details) await new Promise<void>((done) => details!.end(done));
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

/** Opens the --details file for writing; a folder that does not exist or a read-only place is a usage error. */
async function openDetails(path: string): Promise<WriteStream> {
  const stream = createWriteStream(path);
  await new Promise<void>((ok, fail) => {
    stream.once('open', () => ok());
    stream.once('error', (e: NodeJS.ErrnoException) =>
      fail(
        new UsageError(
          `--details: cannot write '${path}' (${e.code ?? e.message}); give a file in a folder that exists.`,
        ),
      ),
    );
  });
  return stream;
}
