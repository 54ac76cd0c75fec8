import { describe, expect, it } from 'vitest';
import { answerQuestion, LEXICAL_NOTICE, NO_RESULTS } from '../src/answer/answer-question.ts';
import { formatRange, formatTime, toCitation } from '../src/answer/citations.ts';
import { extractiveAnswer, splitSentences } from '../src/answer/extractive.ts';
import type { ChatMessage, ChatModel } from '../src/ports.ts';
import type { SearchHit } from '../src/search/types.ts';

function hit(over: Partial<SearchHit>): SearchHit {
  return {
    chunkId: 1,
    videoId: 'dQw4w9WgXcQ',
    idx: 0,
    start: 0,
    end: 30,
    text: '',
    score: 0.5,
    title: 'A video',
    channel: 'A channel',
    url: null,
    ...over,
  };
}

const HITS = [
  hit({
    chunkId: 7,
    start: 83.7,
    end: 112.2,
    text: 'Welcome back. Bring the water to a boil and add salt, one tablespoon per litre. Then wait.',
    title: 'Perfect pasta',
    score: 0.0325,
  }),
  hit({
    chunkId: 9,
    videoId: 'abcdefghijk',
    start: 3725,
    end: 3760,
    text: 'Grate parmesan on top and serve.',
    title: null,
  }),
];

/** A chat model that records prompts: the production adapter is tested against a server in adapters/test. */
class RecordingChat implements ChatModel {
  readonly model = 'recording';
  prompts: (readonly ChatMessage[])[] = [];
  constructor(private readonly reply: string | Error) {}
  async complete(messages: readonly ChatMessage[]): Promise<string> {
    this.prompts.push(messages);
    if (this.reply instanceof Error) throw this.reply;
    return this.reply;
  }
}

describe('citations', () => {
  it('formats times as mm:ss or h:mm:ss', () => {
    expect(formatTime(0)).toBe('00:00');
    expect(formatTime(83.7)).toBe('01:23');
    expect(formatTime(3725)).toBe('1:02:05');
    expect(formatRange(59.9, 61)).toBe('00:59–01:01');
  });

  it('cites title, times, a deep link at the floored start second, snippet and score', () => {
    expect(toCitation(HITS[0])).toEqual({
      videoId: 'dQw4w9WgXcQ',
      title: 'Perfect pasta',
      channel: 'A channel',
      start: 83.7,
      end: 112.2,
      url: 'https://youtu.be/dQw4w9WgXcQ?t=83',
      snippet: HITS[0].text,
      score: 0.0325,
      chunkId: 7,
      chapter: null,
      context: { start: 83.7, end: 112.2 },
    });
    // With chapters, the citation names the one its start falls in.
    const chapters = [
      { start: 0, end: 80, title: 'Intro' },
      { start: 80, end: 200, title: 'Boiling water' },
    ];
    expect(toCitation(HITS[0], chapters).chapter).toBe('Boiling water');
    // No title known: the id stands in; long text is cut at a word with an ellipsis.
    const long = toCitation(hit({ title: null, text: 'word '.repeat(200) }));
    expect(long.title).toBe('dQw4w9WgXcQ');
    expect(long.snippet.length).toBeLessThanOrEqual(241);
    expect(long.snippet.endsWith('…')).toBe(true);
  });
});

describe('extractive answers', () => {
  it('picks the sentences that share words with the question and marks their source', () => {
    const text = extractiveAnswer('how much salt goes into the water?', HITS);
    expect(text).toContain('Bring the water to a boil and add salt, one tablespoon per litre. [1]');
    expect(text).not.toContain('Welcome back');
  });

  it('keeps only the sentences that best match the question (the demo passage), at most three, cited', () => {
    const passage = hit({
      text:
        'Welcome to the llm-rag-yt demo. Sensors watch the database for new video links and start the processing job. ' +
        'Captions are used first; speech recognition only runs when a video has no subtitles. ' +
        'Every answer cites the video and the second where the passage starts.',
    });
    const text = extractiveAnswer('When does speech recognition run?', [passage]);
    expect(text).toBe(
      'Captions are used first; speech recognition only runs when a video has no subtitles. [1]',
    );
    expect(text).not.toMatch(/Welcome|Sensors|Every answer/);
    // A sentence matching only half as many terms as the best is left out as well.
    const weaker = hit({ text: `${passage.text} Speech is fun to hear.` });
    expect(extractiveAnswer('When does speech recognition run?', [weaker])).not.toMatch(/fun/);
    // Ties on matching terms: the earlier source, then the earlier sentence, win; never more than 3.
    const many = [1, 2].map((n) =>
      hit({
        chunkId: n,
        text: Array.from({ length: 4 }, (_, i) => `Salt note ${n}-${i} about water here.`).join(' '),
      }),
    );
    const picked = extractiveAnswer('salt water', many);
    expect(picked).toBe(
      'Salt note 1-0 about water here. [1] Salt note 1-1 about water here. [1] Salt note 1-2 about water here. [1]',
    );
    // Nothing shares a word: the top passage's first sentence, cited, rather than nothing.
    expect(extractiveAnswer('zeppelins', [passage])).toBe('Welcome to the llm-rag-yt demo. [1]');
  });

  it('splits unpunctuated captions into pieces', () => {
    expect(splitSentences(Array.from({ length: 100 }, (_, i) => `w${i}`).join(' '))).toHaveLength(4);
    expect(splitSentences('One. Two? Three!')).toEqual(['One.', 'Two?', 'Three!']);
  });
});

describe('answerQuestion', () => {
  it('answers extractively, cites every hit and says when semantic search is off', async () => {
    const a = await answerQuestion({
      question: 'salt in water',
      hits: HITS,
      chat: null,
      retrieval: 'lexical',
    });
    expect(a.mode).toBe('extractive');
    expect(a.citations.map((c) => c.url)).toEqual([
      'https://youtu.be/dQw4w9WgXcQ?t=83',
      'https://youtu.be/abcdefghijk?t=3725',
    ]);
    expect(a.answer).toContain('[1]');
    expect(a.answer).toContain(LEXICAL_NOTICE);
    const hybrid = await answerQuestion({
      question: 'salt in water',
      hits: HITS,
      chat: null,
      retrieval: 'hybrid',
    });
    expect(hybrid.answer).not.toContain('semantic search is off');
  });

  it('says when nothing was found', async () => {
    const a = await answerQuestion({
      question: 'quantum',
      hits: [],
      chat: new RecordingChat('x'),
      retrieval: 'hybrid',
    });
    expect(a).toEqual({ answer: NO_RESULTS, mode: 'extractive', citations: [] });
  });

  it('asks the chat model with numbered sources and returns its cited answer', async () => {
    const chat = new RecordingChat('Add one tablespoon of salt per litre [1].');
    const a = await answerQuestion({ question: 'How much salt?', hits: HITS, chat, retrieval: 'hybrid' });
    expect(a).toMatchObject({
      answer: 'Add one tablespoon of salt per litre [1 · 01:23].',
      mode: 'llm:recording',
    });
    const [system, user] = chat.prompts[0];
    expect(system.content).toMatch(/only the numbered transcript excerpts/);
    expect(user.content).toContain('[1] "Perfect pasta" (01:23–01:52; evidence at 01:23)');
    expect(user.content).toContain('[2] "abcdefghijk" (1:02:05–1:02:40; evidence at 1:02:05)');
    expect(user.content).toMatch(/Question: How much salt\?$/);
  });

  it('falls back to an extract when the chat model fails', async () => {
    const chat = new RecordingChat(new Error('connection refused'));
    const a = await answerQuestion({ question: 'salt water', hits: HITS, chat, retrieval: 'hybrid' });
    expect(a.mode).toBe('extractive');
    expect(a.answer).toMatch(/chat model failed.*connection refused/);
    expect(a.citations).toHaveLength(2);
  });
});
