/**
 * Retrieval benchmark: `npm run bench -- retrieval [--sample N] [--seed S] [--set DIR]` →
 * bench/results/retrieval.json. Runs `llm-rag-yt eval` (lexical, no embedding model) on
 *  1. the dev set (default ../shared/eval/pstuts-dev: manual transcripts, one cue per sentence);
 *  2. the same videos re-written the way YouTube's automatic captions look — rolling two-line
 *     WebVTT with inline word timings, json3 with `segs`, srv3 XML, a third of the videos each,
 *     lower-cased without punctuation — generated into a temporary folder (nothing of the dev set
 *     is kept or shipped).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '@llm-rag-yt/cli';
import { parseCaptions, readVideoManifest } from '@llm-rag-yt/rag';
import { rollingJson3, rollingSrv3, rollingVtt } from './lib/auto-captions.ts';

const here = dirname(fileURLToPath(import.meta.url));

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function evalSet(dir: string, args: string[]): Promise<any> {
  let stdout = '';
  let stderr = '';
  const home = mkdtempSync(join(tmpdir(), 'bench-retrieval-home-'));
  try {
    const code = await main(['eval', dir, '--json', ...args], {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s), isTTY: process.stderr.isTTY },
      env: { ...process.env, LLM_RAG_YT_HOME: home, EMBEDDER: 'none', LOG_LEVEL: 'error' },
      cwd: home,
    });
    if (code !== 0) throw new Error(`eval ${dir} failed (${code}): ${stderr}`);
    return JSON.parse(stdout);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** The dev set's videos as YouTube auto-captions, in a temp folder with the same questions. */
async function buildAutoCaptionSet(devDir: string, out: string): Promise<string> {
  const videos = await readVideoManifest(join(devDir, 'videos.jsonl'));
  mkdirSync(join(out, 'transcripts'), { recursive: true });
  const makers = [
    ['vtt', rollingVtt],
    ['json3', rollingJson3],
    ['srv3', rollingSrv3],
  ] as const;
  const lines: string[] = [];
  videos.forEach((v, i) => {
    const { segments } = parseCaptions(readFileSync(v.path, 'utf8'), { filename: v.path });
    const [ext, make] = makers[i % makers.length]!;
    const file = `transcripts/${v.videoId}.${ext}`;
    writeFileSync(join(out, file), make(segments));
    // Auto-captions come without the uploader's title words in the text; the title stays, as on YouTube.
    lines.push(JSON.stringify({ video_id: v.videoId, title: v.title, file, language: 'en' }));
  });
  writeFileSync(join(out, 'videos.jsonl'), `${lines.join('\n')}\n`);
  writeFileSync(join(out, 'questions.jsonl'), readFileSync(join(devDir, 'questions.jsonl')));
  return out;
}

export default async function run(args: string[]): Promise<void> {
  // shared/ sits beside the repository (../shared from its root; one level more from a worktree).
  const guesses = [join(here, '..', '..', 'shared'), join(here, '..', '..', '..', 'shared')].map((d) =>
    join(d, 'eval', 'pstuts-dev'),
  );
  const devDir = resolve(flag(args, '--set') ?? guesses.find((d) => existsSync(d)) ?? guesses[0]!);
  if (!existsSync(join(devDir, 'videos.jsonl'))) {
    console.error(`No eval set at ${devDir} (videos.jsonl missing). Pass --set DIR.`);
    process.exit(2);
  }
  const evalArgs = [
    ...(flag(args, '--sample') ? ['--sample', flag(args, '--sample')!] : []),
    '--seed',
    flag(args, '--seed') ?? '1',
  ];
  const tmp = mkdtempSync(join(tmpdir(), 'bench-retrieval-'));
  try {
    const t0 = Date.now();
    console.log(`eval ${devDir} ${evalArgs.join(' ')}`);
    const dev = await evalSet(devDir, evalArgs);
    const auto = await evalSet(await buildAutoCaptionSet(devDir, join(tmp, 'auto-captions')), evalArgs);
    const result = {
      benchmark: 'retrieval',
      at: new Date().toISOString(),
      sets: {
        [devDir.split('/').pop()!]: dev,
        'auto-captions (generated from the dev set: rolling WebVTT, json3, srv3)': auto,
      },
      wall_seconds: Math.round((Date.now() - t0) / 1000),
      load_average_at_end: loadavg().map((l) => Math.round(l * 100) / 100),
    };
    for (const [name, r] of Object.entries(result.sets)) {
      const m = (r as any).modes[0].metrics;
      console.log(
        `${name}: ${m.questions} questions  hit@1 ${m.hitAt1}  hit@5 ${m.hitAt5}  MRR ${m.mrr}  video@1 ${m.rightVideoAt1}  link-in-span@1 ${m.citedStartInSpanAt1}  link err ${m.medianLinkErrorSeconds} s  p50 ${m.latencyP50Ms} ms  p95 ${m.latencyP95Ms} ms`,
      );
    }
    mkdirSync(join(here, 'results'), { recursive: true });
    writeFileSync(join(here, 'results', 'retrieval.json'), `${JSON.stringify(result, null, 2)}\n`);
    console.log(`wrote ${join(here, 'results', 'retrieval.json')}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
