import type { SearchHit } from '@llm-rag-yt/rag';
import { answerQuestion } from '@llm-rag-yt/rag';
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
    expect(a.answer).toBe('Use one tablespoon of salt per litre [1].');
    expect(a.citations[0]).toMatchObject({
      url: 'https://youtu.be/pastaCook01?t=30',
      title: 'Perfect pasta at home',
    });
    expect(seen.at(-1)?.messages[1].content).toContain('[1] "Perfect pasta at home" (00:30–00:52)');
  });

  it('retries a 503 and fails clearly on a wrong path', async () => {
    const chat = new OpenAiChatModel({ baseUrl: server.baseUrl, model: 'm', backoffMs: 1 });
    server.failNext(503);
    await expect(chat.complete([{ role: 'user', content: 'salt' }])).resolves.toMatch(/salt/);
    const wrong = new OpenAiChatModel({ baseUrl: `${server.baseUrl}/nope`, model: 'm', backoffMs: 1 });
    await expect(wrong.complete([{ role: 'user', content: 'x' }])).rejects.toThrow(/404.*base URL/);
  });
});
