import { OpenAiChatModel } from '@llm-rag-yt/adapters';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenAiServer, startOpenAiCompatibleServer } from '../../adapters/test/helpers/openai-server.ts';
import { startVideoPageServer, type VideoPageServer } from '../../adapters/test/helpers/video-page-server.ts';
import { EXTRACTIVE_LABEL } from '../src/store/summaries.ts';
import { extractiveSummary, parseModelSummary, summarize } from '../src/summaries/summarize.ts';
import { startRagEnv, waitFor } from './helpers-rag-env.ts';

const LINES = [
  'Today we talk about how bread is baked at home.',
  'Flour, water, salt and yeast are all that bread needs.',
  'The dough rests for an hour so the yeast can make it rise.',
  'Kneading the dough builds gluten, which gives bread its structure.',
  'My cat walked across the keyboard earlier, sorry about that.',
  'Bake the bread in a hot oven until the crust is brown.',
  'Let the bread cool before cutting, or the crumb turns gummy.',
  'Sourdough bread uses a starter instead of dried yeast.',
  'A starter is flour and water that wild yeast lives in.',
  'Thanks for watching and happy baking.',
];
const VTT = `WEBVTT\n\n${LINES.map((l, i) => `00:${String(i * 3).padStart(2, '0')}.000 --> 00:${String(i * 3 + 3).padStart(2, '0')}.000\n${l}\n`).join('\n')}`;
const segments = LINES.map((text, i) => ({ start: i * 3, end: i * 3 + 3, text }));

/** A chat stand-in answering in the requested JSON: the first sentence and every 2nd line, with their [m:ss]. */
function standIn(req: { messages: { content: string }[] }): string {
  const lines = (req.messages.at(-1)?.content ?? '').split('\n').filter((l) => /^\[\d+:\d{2}\]/.test(l));
  const points = lines
    .filter((_, i) => i % 2 === 0)
    .map((l) => ({
      time: /^\[(\d+:\d{2})\]/.exec(l)![1],
      text: l.replace(/^\[[^\]]+\]\s*(key point: )?/, ''),
    }));
  return `Here you go:\n\`\`\`json\n${JSON.stringify({ summary: `About: ${points[0]?.text ?? ''}`, key_points: points })}\n\`\`\``;
}

describe('summaries', () => {
  let site: VideoPageServer;
  let llm: OpenAiServer;
  beforeAll(async () => {
    site = await startVideoPageServer({ videos: [{ id: 'bread', title: 'Baking bread', vttText: VTT }] });
    llm = await startOpenAiCompatibleServer({ chat: standIn });
  });
  afterAll(async () => {
    await site?.close();
    await llm?.close();
  });

  it('extractive: the central sentences, in time order, without the aside', () => {
    const s = extractiveSummary(segments);
    expect(s.mode).toBe('extractive');
    expect(s.keyPoints.length).toBeGreaterThanOrEqual(5);
    expect(s.keyPoints.length).toBeLessThanOrEqual(10);
    const starts = s.keyPoints.map((p) => p.start);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(s.keyPoints.map((p) => p.text)).not.toContain(
      'My cat walked across the keyboard earlier, sorry about that.',
    );
    expect(s.summary).toMatch(/bread/i);
  });

  it('long transcripts: chapter by chapter, then combined', async () => {
    const chat = new OpenAiChatModel({ baseUrl: llm.baseUrl, model: 'gpt-local' });
    const before = llm.requests.length;
    const chapters = [
      { start: 0, end: 15, title: 'Basics' },
      { start: 15, end: 30, title: 'Sourdough' },
    ];
    const s = await summarize({ segments, chapters, chat, contextChars: 400 });
    expect(s.mode).toBe('llm:gpt-local');
    expect(s.chapters.map((c) => c.title)).toEqual(expect.arrayContaining(['Basics', 'Sourdough']));
    // One request per part that fits, plus the combining one.
    expect(llm.requests.length - before).toBe(s.chapters.length + 1);
    expect(s.keyPoints.length).toBeGreaterThan(0);
    expect(() => parseModelSummary('no json here')).toThrow(/did not answer with JSON/);
  });

  it('made after indexing: extractive without a chat model, re-made when the transcript changes', async () => {
    const env = await startRagEnv();
    try {
      const { requests } = await env.service.submitUrls([site.pageUrl('bread')]);
      const done = await waitFor(
        'indexing',
        async () => {
          const r = await env.store.requests.get(requests[0]!.id);
          return r?.status === 'completed' ? r : null;
        },
        45_000,
      );
      const summary = await waitFor('the summary', () => env.service.summary(done.videoId!), 20_000);
      expect(summary).toMatchObject({ mode: 'extractive', label: EXTRACTIVE_LABEL });
      expect(summary.keyPoints.length).toBeGreaterThanOrEqual(5);
      expect(summary.keyPoints[0]!.url).toMatch(new RegExp(`#t=${Math.floor(summary.keyPoints[0]!.start)}$`));

      // The transcript changes: the next materialization makes a new summary.
      await env.store.videos.replaceSegments(done.videoId!, segments.slice(5));
      const run = await env.instance.materialize(['video_summaries'], { partitionKey: done.videoId! });
      expect((await env.instance.waitForRun(run.runId)).status).toBe('SUCCESS');
      const again = await env.service.summary(done.videoId!);
      expect(again!.transcriptHash).not.toBe(summary.transcriptHash);
      expect(again!.keyPoints.every((p) => p.start >= 15)).toBe(true);
    } finally {
      await env.close();
    }
  }, 90_000);

  it('with a local OpenAI-compatible chat model: summary and key points with timestamp links', async () => {
    const chat = new OpenAiChatModel({ baseUrl: llm.baseUrl, model: 'gpt-local' });
    const env = await startRagEnv({ resources: { chat } });
    try {
      const { requests } = await env.service.submitUrls([site.pageUrl('bread')]);
      const done = await waitFor(
        'indexing',
        async () => {
          const r = await env.store.requests.get(requests[0]!.id);
          return r?.status === 'completed' ? r : null;
        },
        45_000,
      );
      const summary = await waitFor('the summary', () => env.service.summary(done.videoId!), 20_000);
      expect(summary.mode).toBe('llm:gpt-local');
      expect(summary.label).toBe('Summary by gpt-local.');
      expect(summary.summary).toMatch(/^About: Today we talk about how bread/);
      expect(summary.keyPoints.length).toBe(5);
      expect(summary.keyPoints[1]).toMatchObject({ start: 6, text: LINES[2] });
      expect(summary.keyPoints[1]!.url).toMatch(/#t=6$/);
    } finally {
      await env.close();
    }
  }, 90_000);
});
