import type { SearchHit } from '@llm-rag-yt/rag';
import { answerQuestion, citeClaims } from '@llm-rag-yt/rag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAiChatModel } from '../src/openai-chat/openai-chat-model.ts';
import { type ChatRequest, type OpenAiServer, startOpenAiCompatibleServer } from './helpers/openai-server.ts';

let server: OpenAiServer;
const seen: ChatRequest[] = [];
beforeAll(async () => {
  server = await startOpenAiCompatibleServer({
    chat: (req) => {
      seen.push(req);
      const user = req.messages.at(-1)?.content ?? '';
      // A tiny "model": answers from source [1] when the question mentions salt.
      if (/several claims/i.test(user)) return 'Salt the water [1][2]. Stir once [2, 7]. Serve hot [9].';
      return /salt/i.test(user) ? 'Use one tablespoon of salt per litre [1].' : "The sources don't say.";
    },
  });
});
afterAll(() => server.close());

const hits: SearchHit[] = [
  {
    chunkId: 3,
    videoId: 'pastaCook01',
    idx: 1,
    start: 30,
    end: 52.5,
    text: 'Bring the water to a rolling boil and add salt, about one tablespoon per litre.',
    score: 0.03,
    title: 'Perfect pasta at home',
    channel: 'Home Kitchen',
    url: null,
  },
];

describe('OpenAiChatModel', () => {
  it('sends the model, messages and limits, and returns the reply', async () => {
    const chat = new OpenAiChatModel({ baseUrl: server.baseUrl, model: 'llama3.1', maxTokens: 100 });
    const reply = await chat.complete([{ role: 'user', content: 'salt?' }], { temperature: 0 });
    expect(reply).toBe('Use one tablespoon of salt per litre [1].');
    expect(seen.at(-1)).toMatchObject({ model: 'llama3.1', max_tokens: 100, temperature: 0 });
  });

  it('answers a question with cited sources through answerQuestion', async () => {
    const chat = new OpenAiChatModel({ baseUrl: server.baseUrl, model: 'gpt-local' });
    const a = await answerQuestion({
      question: 'How much salt in pasta water?',
      hits,
      chat,
      retrieval: 'hybrid',
    });
    expect(a.mode).toBe('llm:gpt-local');
    // Each [n] carries its source's moment.
    expect(a.answer).toBe('Use one tablespoon of salt per litre [1 · 00:30].');
    expect(a.citations[0]).toMatchObject({
      url: 'https://youtu.be/pastaCook01?t=30',
      title: 'Perfect pasta at home',
    });
    expect(seen.at(-1)?.messages[1].content).toContain(
      '[1] "Perfect pasta at home" (00:30–00:52; evidence at 00:30)',
    );
    expect(seen.at(-1)?.messages[0].content).toMatch(/Cite every claim with the source number/);
  });

  it('gives every [n] its moment and drops numbers that name no source', async () => {
    const chat = new OpenAiChatModel({ baseUrl: server.baseUrl, model: 'gpt-local' });
    const second = {
      ...hits[0]!,
      chunkId: 4,
      idx: 2,
      start: 75,
      end: 90,
      text: 'Stir once so nothing sticks.',
    };
    const a = await answerQuestion({
      question: 'several claims?',
      hits: [hits[0]!, second],
      chat,
      retrieval: 'lexical',
    });
    expect(a.answer.split('\n\n')[0]).toBe(
      'Salt the water [1 · 00:30][2 · 01:15]. Stir once [2 · 01:15]. Serve hot.',
    );
    expect(citeClaims('A [1, 3] b [x] c [2]', a.citations)).toEqual({
      text: 'A [1 · 00:30] b [x] c [2 · 01:15]',
      cited: [1, 2],
      invalid: [3],
    });
  });

  it('retries a 503 and fails clearly on a wrong path', async () => {
    const chat = new OpenAiChatModel({ baseUrl: server.baseUrl, model: 'm', backoffMs: 1 });
    server.failNext(503);
    await expect(chat.complete([{ role: 'user', content: 'salt' }])).resolves.toMatch(/salt/);
    const wrong = new OpenAiChatModel({ baseUrl: `${server.baseUrl}/nope`, model: 'm', backoffMs: 1 });
    await expect(wrong.complete([{ role: 'user', content: 'x' }])).rejects.toThrow(/404.*base URL/);
  });
});
