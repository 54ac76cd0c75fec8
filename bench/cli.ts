/**
 * CLI start-up benchmark (`npm run bench -- cli [--bin PATH] [--runs N]`): wall time of fresh
 * `llm-rag-yt` processes, side by side with `node -e 0` measured in the same run (interleaved, so
 * machine load affects both alike). Targets (issue 13):
 *  - `--help` ≤ max(0.4 s, 4 × bare node);
 *  - `ask` on an index of 1,000 chunks ≤ 0.8 s (lexical retrieval: EMBEDDER=none, no model weights);
 *  - `import` of one VTT (≈ 84 chunks, waiting until it is searchable) ≤ 1 s.
 * The compiled CLI is rebuilt first unless `--bin` points at another executable (e.g. the one
 * `npm install -g ./dist/llm-rag-yt-*.tgz` put on PATH). Medians of N runs (default 9).
 * Writes bench/results/cli.json.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const WORDS =
  'pipeline sensor asset schedule deployment video caption transcript embedding search answer question daemon worker queue storage retry backoff partition metrics alert'.split(
    ' ',
  );

/** A 50-minute caption file of 600 five-second cues (≈ 84 chunks once indexed). */
function makeVtt(seed: number): string {
  let x = seed * 7919 + 1;
  const rand = () => {
    x = (x * 48271) % 2147483647;
    return x / 2147483647;
  };
  const ts = (s: number) =>
    `${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}.000`;
  const cues = Array.from({ length: 600 }, (_, i) => {
    const text = Array.from({ length: 14 }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ');
    return `${ts(i * 5)} --> ${ts(i * 5 + 5)}\n${text}\n`;
  });
  return `WEBVTT\n\n${cues.join('\n')}`;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round = (ms: number) => Math.round(ms);

export default async function run(args: string[]): Promise<void> {
  const binArg = args.indexOf('--bin');
  const runsArg = args.indexOf('--runs');
  const runs = runsArg >= 0 ? Number(args[runsArg + 1]) : 9;
  const bin = binArg >= 0 ? args[binArg + 1]! : join(root, 'packages/cli/bin/llm-rag-yt.js');
  if (binArg < 0) execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
  // A .js path runs under this node; anything else (an installed `llm-rag-yt`) is executed directly.
  const command = (cliArgs: string[]): [string, string[]] =>
    bin.endsWith('.js') ? [process.execPath, [bin, ...cliArgs]] : [bin, cliArgs];

  const dir = mkdtempSync(join(tmpdir(), 'bench-cli-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LLM_RAG_YT_HOME: join(dir, 'home'),
    EMBEDDER: 'none',
    ASR_BACKEND: 'fake',
    LOG_LEVEL: 'error',
  };
  const time = (file: string, argv: string[]): number => {
    const t0 = performance.now();
    const r = spawnSync(file, argv, { env, cwd: dir, encoding: 'utf8' });
    const ms = performance.now() - t0;
    if (r.status !== 0)
      throw new Error(`${file} ${argv.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
    return ms;
  };
  const cli = (cliArgs: string[]) => time(...command(cliArgs));
  const bare = () => time(process.execPath, ['-e', '0']);

  try {
    const loadAtStart = loadavg().map((l) => +l.toFixed(2));
    const samples = {
      node: [] as number[],
      help: [] as number[],
      import: [] as number[],
      ask: [] as number[],
    };
    // Build the 1,000-chunk index with twelve imports, each one a timed sample of `import`.
    for (let v = 0; v < 12; v++) {
      const file = join(dir, `talk-${v}.vtt`);
      writeFileSync(file, makeVtt(v));
      const id = `benchvid${String(v).padStart(3, '0')}`;
      samples.import.push(cli(['import', file, '--video-id', id, '--title', `Talk ${v}`]));
      samples.node.push(bare());
    }
    const list = spawnSync(...command(['videos', 'list', '--json']), { env, cwd: dir, encoding: 'utf8' });
    const chunks = (JSON.parse(list.stdout) as { chunkCount: number }[]).reduce(
      (s, v) => s + v.chunkCount,
      0,
    );
    cli(['--help']); // warm the file cache once
    for (let i = 0; i < runs; i++) {
      samples.node.push(bare());
      samples.help.push(cli(['--help']));
      samples.ask.push(cli(['ask', `how does the ${WORDS[i % WORDS.length]} retry with backoff`]));
    }
    const node = median(samples.node);
    const results = {
      bin,
      runs,
      indexChunks: chunks,
      retrieval: 'lexical (EMBEDDER=none)',
      medianMs: {
        nodeBare: round(node),
        help: round(median(samples.help)),
        ask: round(median(samples.ask)),
        importOneVtt: round(median(samples.import)),
      },
      targetsMs: { help: round(Math.max(400, 4 * node)), ask: 800, importOneVtt: 1000 },
      samplesMs: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, v.map(round)])),
      loadAverageAtStart: loadAtStart,
      loadAverageAtEnd: loadavg().map((l) => +l.toFixed(2)),
    };
    const m = results.medianMs;
    const t = results.targetsMs;
    const mark = (v: number, target: number) => (v <= target ? 'ok' : 'OVER');
    console.log(`node -e 0        ${m.nodeBare} ms`);
    console.log(`--help           ${m.help} ms   (target ≤ ${t.help} ms: ${mark(m.help, t.help)})`);
    console.log(`ask, ${chunks} chunks  ${m.ask} ms   (target ≤ ${t.ask} ms: ${mark(m.ask, t.ask)})`);
    console.log(
      `import one VTT   ${m.importOneVtt} ms   (target ≤ ${t.importOneVtt} ms: ${mark(m.importOneVtt, t.importOneVtt)})`,
    );
    console.log(
      `load average ${results.loadAverageAtStart.join(' ')} → ${results.loadAverageAtEnd.join(' ')}`,
    );
    mkdirSync(join(here, 'results'), { recursive: true });
    writeFileSync(join(here, 'results', 'cli.json'), `${JSON.stringify(results, null, 2)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
