import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OFFLINE_CLI_ENV } from '@llm-rag-yt/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAiCompatibleServer } from '../../adapters/test/helpers/openai-server.ts';
import { main } from '../src/main.ts';

/** The real CLI in-process; the user's data folder is `home`, which eval must leave alone. */
function cli(home: string, extraEnv: Record<string, string> = {}) {
  return async (...argv: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await main(argv, {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
      env: {
        ...OFFLINE_CLI_ENV,
        LLM_RAG_YT_HOME: home,
        EMBEDDER: 'none',
        ASR_BACKEND: 'fake',
        LOG_LEVEL: 'error',
        ...extraEnv,
      },
      cwd: home,
    });
    return { code, stdout, stderr };
  };
}

function vtt(cues: [number, number, string][]): string {
  const t = (s: number) => `00:00:${String(s).padStart(2, '0')}.000`;
  return `WEBVTT\n\n${cues.map(([a, b, text]) => `${t(a)} --> ${t(b)}\n${text}`).join('\n\n')}\n`;
}

const PASTA = vtt([
  [0, 5, 'Bring a big pot to the boil first.'],
  [5, 10, 'Today we cook dinner for four people.'],
  [10, 15, 'Add one tablespoon of salt to the water for the pasta.'],
  [15, 20, 'Stir it once so nothing sticks.'],
  [20, 25, 'Boil the spaghetti for nine minutes, not too long.'],
]);
const ROCKET = vtt([
  [0, 6, 'The countdown starts at ten seconds.'],
  [6, 12, 'The engines burn liquid fuel and oxygen.'],
  [12, 20, 'The crowd cheers as it climbs.'],
  [20, 25, 'The rocket reached orbit after nine minutes.'],
]);

function writeSet(dir: string, questions: string, videos?: string): string {
  mkdirSync(join(dir, 'transcripts'), { recursive: true });
  writeFileSync(join(dir, 'transcripts', 'pasta.vtt'), PASTA);
  writeFileSync(join(dir, 'transcripts', 'rocket.vtt'), ROCKET);
  writeFileSync(
    join(dir, 'videos.jsonl'),
    videos ??
      [
        '{"video_id": "pasta-1", "title": "Perfect pasta", "file": "transcripts/pasta.vtt"}',
        '{"video_id": "rocket-1", "title": "Launch day", "file": "transcripts/rocket.vtt"}',
      ].join('\n'),
  );
  writeFileSync(join(dir, 'questions.jsonl'), questions);
  return dir;
}

const QUESTIONS = [
  // found, link at the evidence sentence (10 s, not the passage start 0 s)
  { question: 'how much salt goes into the pasta water?', video_id: 'pasta-1', start: 10, end: 15 },
  { question: 'when did the rocket reach orbit?', video_id: 'rocket-1', start: 20, end: 25 },
  { question: 'how long should the spaghetti boil?', video_id: 'pasta-1', start: 20, end: 25 },
  // the words point at the other video: a miss
  { question: 'what fuel does it burn?', video_id: 'pasta-1', start: 0, end: 5 },
  // shares one common word only: below the threshold, so nothing is cited
  { question: 'what is the chromodynamics of water?', video_id: 'pasta-1', start: 10, end: 15 },
]
  .map((q) => JSON.stringify(q))
  .join('\n');

describe('llm-rag-yt eval', () => {
  let root: string;
  let home: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'eval-test-'));
    home = join(root, 'home');
    mkdirSync(home);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('imports the set into a temporary folder, asks every question and reports exact metrics', async () => {
    const set = writeSet(join(root, 'good'), QUESTIONS);
    const r = await cli(home)('eval', set, '--json', '--min-relevance', '0.3');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ questions: 5, totalQuestions: 5, topK: 5, relevanceThreshold: 0.3 });
    expect(report.import.videos).toBe(2);
    const [lexical] = report.modes;
    expect(lexical.mode).toBe('lexical');
    expect(lexical.retrievalUsed).toEqual(['lexical']);
    const { latencyP50Ms, latencyP95Ms, ...m } = lexical.metrics;
    expect(m).toEqual({
      questions: 5,
      hitAt1: 0.6,
      hitAt5: 0.6,
      mrr: 0.6,
      evidenceHitAt1: 0.6,
      rightVideoAt1: 0.6,
      citedStartInSpanAt1: 0.6,
      medianLinkErrorSeconds: 0,
      abstained: 0.2,
    });
    expect(latencyP95Ms).toBeGreaterThanOrEqual(latencyP50Ms);
    // The user's own data folder was never opened.
    expect(readdirSync(home)).toEqual([]);

    const table = await cli(home)('eval', set, '--sample', '2', '--seed', '3');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/2 of 5 questions \(sample of 2 \(seed 3\)\)/);
    expect(table.stdout).toMatch(/relevance threshold 0\.15/);
    expect(table.stdout).toMatch(/HIT@1\s+HIT@5\s+MRR/);
  }, 120_000);

  it('--details writes every question with its citations and how it was judged', async () => {
    const set = writeSet(join(root, 'details'), QUESTIONS);
    const file = join(root, 'details.jsonl');
    const r = await cli(home)('eval', set, '--json', '--min-relevance', '0.3', '--details', file);
    expect(r.code).toBe(0);
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(5);
    for (const d of lines) {
      expect(d.mode).toBe('lexical');
      expect(QUESTIONS).toContain(JSON.stringify(d.question.question));
      expect(d.outcome.rank === null || d.citations[d.outcome.rank - 1].videoId === d.question.videoId).toBe(
        true,
      );
    }
    // The same judgement as the summary: 3 of 5 hit at rank 1, one abstained with no citation.
    expect(lines.filter((d) => d.outcome.rank === 1)).toHaveLength(3);
    expect(lines.filter((d) => d.outcome.abstained && d.citations.length === 0)).toHaveLength(1);
    const bad = await cli(home)('eval', set, '--details', join(root, 'no-such-dir', 'd.jsonl'));
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--details: cannot write .*no-such-dir.*ENOENT/);
  }, 120_000);

  it('puts lexical and hybrid retrieval side by side when an embedder is configured', async () => {
    const embedder = await startOpenAiCompatibleServer({ embeddings: true });
    try {
      const run = cli(home, {
        EMBEDDER: 'openai',
        EMBEDDINGS_BASE_URL: embedder.baseUrl,
        EMBEDDING_MODEL: 'trigram',
      });
      const r = await run('eval', join(root, 'good'), '--retrieval', 'lexical,hybrid', '--json');
      expect(r.stderr).toBe('');
      const report = JSON.parse(r.stdout);
      expect(
        report.modes.map((m: { mode: string; retrievalUsed: string[] }) => [m.mode, m.retrievalUsed]),
      ).toEqual([
        ['lexical', ['lexical']],
        ['hybrid', ['hybrid']],
      ]);
      expect(report.modes[1].metrics.questions).toBe(5);
      expect(readdirSync(home)).toEqual([]);
    } finally {
      await embedder.close();
    }
  }, 120_000);

  it('names the file and line of every bad input, and touches no data folder', async () => {
    const run = cli(home);
    const cases: [string, string, string | undefined, RegExp][] = [
      [
        'broken-json',
        '{"question": "a", "video_id": "pasta-1", "start": 1, "end": 2}\n{not json',
        undefined,
        /questions\.jsonl:2: not valid JSON/,
      ],
      [
        'unknown-video',
        '{"question": "a", "video_id": "nope", "start": 1, "end": 2}',
        undefined,
        /questions\.jsonl:1: video_id 'nope' is not in videos\.jsonl/,
      ],
      [
        'no-span',
        '{"question": "a", "video_id": "pasta-1"}',
        undefined,
        /questions\.jsonl:1: start: gold span start \(seconds\) is missing/,
      ],
      [
        'span-backwards',
        '{"question": "a", "video_id": "pasta-1", "start": 9, "end": 2}',
        undefined,
        /questions\.jsonl:1: gold span end is before its start/,
      ],
      [
        'missing-transcript',
        '{"question": "a", "video_id": "pasta-1", "start": 1, "end": 2}',
        '{"video_id": "pasta-1", "file": "transcripts/pasta.vtt"}\n{"video_id": "x-1", "file": "transcripts/gone.vtt"}',
        /videos\.jsonl:2: transcript file 'transcripts\/gone\.vtt' does not exist/,
      ],
    ];
    for (const [name, questions, videos, message] of cases) {
      const r = await run('eval', writeSet(join(root, name), questions, videos));
      expect(r.code, name).toBe(1);
      expect(r.stderr, name).toMatch(message);
    }
    const missing = await run('eval', join(root, 'no-such-set'));
    expect(missing.stderr).toMatch(/is not a folder/);
    const noQuestions = join(root, 'no-questions');
    writeSet(noQuestions, '');
    rmSync(join(noQuestions, 'questions.jsonl'));
    expect((await run('eval', noQuestions)).stderr).toMatch(/questions\.jsonl does not exist/);
    const hybrid = await run('eval', join(root, 'good'), '--retrieval', 'hybrid');
    expect(hybrid.code).toBe(2);
    expect(hybrid.stderr).toMatch(/--retrieval hybrid needs an embedder/);
    expect((await run('eval', join(root, 'good'), '--retrieval', 'bm25')).stderr).toMatch(
      /--retrieval takes lexical, hybrid/,
    );
    expect(readdirSync(home)).toEqual([]);
  }, 120_000);

  it('imports a folder with a videos.jsonl manifest in one run, then answers from it', async () => {
    const set = writeSet(join(root, 'import'), '');
    const run = cli(join(root, 'import-home'));
    mkdirSync(join(root, 'import-home'));
    const r = await run('import', set);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/✔ imported 2 transcripts in \d+ ms/);
    const ask = await run('ask', 'how much salt goes into the pasta water?', '--json');
    const res = JSON.parse(ask.stdout);
    expect(res.citations[0]).toMatchObject({ videoId: 'pasta-1', start: 10, end: 15, context: { start: 0 } });
    expect(res.citations[0].url).toMatch(/#t=10|t=10/);
    expect(existsSync(join(root, 'import-home', 'llm-rag-yt.db'))).toBe(true);
  }, 120_000);
});
