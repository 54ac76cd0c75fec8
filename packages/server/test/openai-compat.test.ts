/*
 * The OpenAI-compatible endpoint (/v1) on the real RAG stack, driven by the `openai` npm client:
 * models, plain and streamed chat completions (extractive, and through a chat model served by a
 * local OpenAI-compatible stand-in), a client that disconnects mid-stream, and the bad inputs —
 * each answered in OpenAI's error shape, without leaks, while the server keeps serving.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OpenAiChatModel } from '@llm-rag-yt/adapters';
import type { ChatModel } from '@llm-rag-yt/rag';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenAiServer, startOpenAiCompatibleServer } from '../../adapters/test/helpers/openai-server.ts';
import { waitFor } from '../../rag/test/helpers-rag-env.ts';
import { type RagServer, startRagServer } from './helpers/rag-server.ts';

const TOKEN = 'v1-test-token-91bc';
const VIDEO = 'xyz987uvw65';
const VTT = `WEBVTT

00:00.000 --> 00:05.000
Today we explain how volcanoes form above subduction zones.

00:05.000 --> 00:10.000
Magma rises through the crust because it is lighter than the rock around it.

00:10.000 --> 00:15.000
When pressure builds up, the volcano erupts and lava flows down its sides.
`;

let env: RagServer;
let llm: OpenAiServer;
let openai: OpenAI;
let llmDelayMs = 0;

type Source = { index: number; title: string; url: string; timeRange: string; start: number; end: number };

beforeAll(async () => {
  [env, llm] = await Promise.all([
    startRagServer({ tokens: [TOKEN] }),
    startOpenAiCompatibleServer({
      chat: async (req) => {
        if (llmDelayMs) await new Promise((r) => setTimeout(r, llmDelayMs));
        return `Magma rises because it is lighter than the surrounding rock [1]. (${req.messages.length} messages)`;
      },
    }),
  ]);
  const file = join(env.dir, `${VIDEO}.vtt`);
  writeFileSync(file, VTT);
  await env.rag.importFile(file, { videoId: VIDEO, title: 'How volcanoes work' });
  await waitFor(
    'the imported transcript to be indexed',
    async () => (await env.rag.getVideo(VIDEO))?.status === 'indexed',
  );
  openai = new OpenAI({ baseURL: `${env.server.url}/v1`, apiKey: TOKEN, maxRetries: 0 });
}, 60_000);

afterAll(async () => {
  await env?.close();
  await llm?.close();
});

function withChatModel<T>(fn: () => Promise<T>): Promise<T> {
  // The service reads resources.chat per call; the field is readonly for production code only.
  const resources = env.resources as { chat: ChatModel | null };
  resources.chat = new OpenAiChatModel({ baseUrl: llm.baseUrl, model: 'stub-llm' });
  return fn().finally(() => {
    resources.chat = null;
  });
}

describe('OpenAI-compatible /v1', () => {
  it('lists the knowledge base as a model', async () => {
    const models = await openai.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['llm-rag-yt']);
    expect((await openai.models.retrieve('llm-rag-yt')).owned_by).toBe('llm-rag-yt');
  });

  it('answers a plain completion extractively with [n] markers and sources in text and data', async () => {
    const res = await openai.chat.completions.create({
      model: 'llm-rag-yt',
      messages: [
        { role: 'system', content: 'You are helpful.' },
        { role: 'user', content: 'Why does magma rise through the crust?' },
      ],
    });
    expect(res.object).toBe('chat.completion');
    const content = res.choices[0]!.message.content!;
    expect(res.choices[0]!.finish_reason).toBe('stop');
    expect(content).toMatch(/\[1\]/);
    expect(content).toMatch(
      /Sources:\n\[1\] How volcanoes work \(\d\d:\d\d–\d\d:\d\d\) https:\/\/youtu\.be\/xyz987uvw65\?t=\d+/,
    );
    const sources = (res as unknown as { sources: Source[] }).sources;
    expect(sources[0]).toMatchObject({ index: 1, title: 'How volcanoes work' });
    expect(sources[0]!.url).toMatch(/^https:\/\/youtu\.be\/xyz987uvw65\?t=\d+$/);
    expect((res as unknown as { rag: { mode: string } }).rag.mode).toBe('extractive');
    expect(res.usage!.total_tokens).toBeGreaterThan(0);
  });

  it('streams chat.completion.chunk events ending in [DONE], with sources on the last chunk', async () => {
    const res = await fetch(`${env.server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'llm-rag-yt',
        stream: true,
        messages: [{ role: 'user', content: 'What happens when pressure builds up in a volcano?' }],
      }),
    });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const raw = await res.text();
    const events = raw.split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.replace(/^data: /, '')));
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    const text = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
    expect(text).toMatch(/erupts/);
    expect(text).toMatch(/Sources:\n\[1\] How volcanoes work/);
    expect(chunks.at(-1).choices[0].finish_reason).toBe('stop');
    expect(chunks.at(-1).sources[0].title).toBe('How volcanoes work');

    // The same through the openai client, with a usage chunk.
    const stream = await openai.chat.completions.create({
      model: 'llm-rag-yt',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'What happens when pressure builds up in a volcano?' }],
    });
    let streamed = '';
    let usage = 0;
    for await (const chunk of stream) {
      streamed += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usage = chunk.usage.total_tokens;
    }
    expect(streamed).toBe(text);
    expect(usage).toBeGreaterThan(0);
  });

  it('answers through the configured chat model, with earlier turns as context', async () => {
    await withChatModel(async () => {
      const before = llm.requests.length;
      const res = await openai.chat.completions.create({
        model: 'llm-rag-yt',
        messages: [
          { role: 'user', content: 'Tell me about volcanoes.' },
          { role: 'assistant', content: 'They form above subduction zones.' },
          { role: 'user', content: [{ type: 'text', text: 'Why does magma rise?' }] },
        ],
      });
      const content = res.choices[0]!.message.content!;
      expect(content).toMatch(
        /^Magma rises because it is lighter than the surrounding rock \[1( · \d\d:\d\d)?\]/,
      );
      expect(content).toMatch(/Sources:\n\[1\] How volcanoes work/);
      expect((res as unknown as { rag: { mode: string } }).rag.mode).toBe('llm:stub-llm');
      const sent = llm.requests.slice(before).at(-1)!.json as {
        messages: { role: string; content: string }[];
      };
      // system, the two earlier turns, then the grounded question.
      expect(sent.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
      expect(sent.messages[1]!.content).toBe('Tell me about volcanoes.');
      expect(sent.messages[3]!.content).toMatch(/Question: Why does magma rise\?$/);
    });
  });

  it('a follow-up that names nothing is searched together with the earlier question', async () => {
    const res = await openai.chat.completions.create({
      model: 'llm-rag-yt',
      messages: [
        { role: 'user', content: 'How do volcanoes erupt?' },
        { role: 'assistant', content: 'Pressure builds up.' },
        { role: 'user', content: 'Tell me more?' },
      ],
    });
    expect((res as unknown as { sources: Source[] }).sources.length).toBeGreaterThan(0);
  });

  it('a client that disconnects mid-stream cancels the answer, and the server keeps serving', async () => {
    // Extractive: stop reading after the first content piece.
    const s1 = await openai.chat.completions.create({
      model: 'llm-rag-yt',
      stream: true,
      messages: [{ role: 'user', content: 'Why does magma rise through the crust?' }],
    });
    let pieces = 0;
    for await (const chunk of s1) {
      if (chunk.choices[0]?.delta?.content) pieces++;
      if (pieces === 1) {
        s1.controller.abort();
        break;
      }
    }
    expect(pieces).toBe(1);

    // With a slow chat model: disconnect while it is still thinking; the abort reaches the model
    // call, so no answer is recorded for that question.
    await withChatModel(async () => {
      llmDelayMs = 1500;
      const question = 'Disconnect test: why does lava flow down?';
      const s2 = await openai.chat.completions.create({
        model: 'llm-rag-yt',
        stream: true,
        messages: [{ role: 'user', content: question }],
      });
      for await (const chunk of s2) {
        expect(chunk.choices[0]!.delta.role).toBe('assistant');
        s2.controller.abort();
        break;
      }
      await waitFor('the chat model to be called', async () => llm.requests.length > 0);
      await new Promise((r) => setTimeout(r, 2000));
      const recorded = await env.handle.db
        .selectFrom('user_queries')
        .select('query')
        .where('query', '=', question)
        .execute();
      expect(recorded).toEqual([]);
    }).finally(() => {
      llmDelayMs = 0;
    });

    const after = await openai.chat.completions.create({
      model: 'llm-rag-yt',
      messages: [{ role: 'user', content: 'volcano' }],
    });
    expect(after.choices[0]!.message.content).toMatch(/volcano/i);
  });

  it('bad input gets OpenAI-shaped errors without leaks', async () => {
    const expectError = async (p: Promise<unknown>, status: number, re: RegExp) => {
      const err = (await p.then(
        () => null,
        (e: unknown) => e,
      )) as InstanceType<typeof OpenAI.APIError> | null;
      expect(err).toBeInstanceOf(OpenAI.APIError);
      expect(err!.status).toBe(status);
      expect(err!.message).toMatch(re);
      expect(err!.message).not.toMatch(/\n\s+at\s|node_modules|\.ts:\d+/);
      expect(err!.message).not.toContain(env.dir);
      const body = err!.error as { type: string; message: string };
      expect(typeof body.type).toBe('string');
      return err!;
    };
    await expectError(
      openai.chat.completions.create({
        model: 'llm-rag-yt',
        messages: [{ role: 'system', content: 'Be brief.' }],
      }),
      400,
      /no user message/,
    );
    await expectError(
      openai.chat.completions.create({ model: 'llm-rag-yt', messages: [{ role: 'user', content: '   ' }] }),
      400,
      /no text/,
    );
    await expectError(
      openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }),
      404,
      /model 'gpt-4o' does not exist here; this server serves 'llm-rag-yt'/,
    );
    await expectError(
      openai.chat.completions.create({
        model: 'llm-rag-yt',
        messages: [{ role: 'user', content: 'x'.repeat(5000) }],
      }),
      400,
      /at most 2000/,
    );
    await expectError(
      openai.chat.completions.create({
        model: 'llm-rag-yt',
        messages: [{ role: 'user', content: 'x'.repeat(2_000_000) }],
      }),
      413,
      /too large/i,
    );
    await expectError(
      openai.chat.completions.create({ model: 'llm-rag-yt', messages: 'hello' as never }),
      400,
      /messages/,
    );
    for (const key of ['wrong-key', '']) {
      const bad = new OpenAI({ baseURL: `${env.server.url}/v1`, apiKey: key || 'x', maxRetries: 0 });
      if (!key) bad.apiKey = '';
      const err = await expectError(bad.models.list(), 401, /API token/);
      expect(JSON.stringify(err.error)).not.toContain('wrong-key');
    }
    const noAuth = await fetch(`${env.server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(noAuth.status).toBe(401);
    expect(await noAuth.json()).toMatchObject({
      error: { type: 'authentication_error', code: 'invalid_api_key' },
    });
    const malformed = await fetch(`${env.server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: '{"model": "llm-rag-yt", "messages": [',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
    const unknownRoute = await fetch(`${env.server.url}/v1/embeddings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(unknownRoute.status).toBe(404);
    expect(((await unknownRoute.json()) as { error: { message: string } }).error.message).toMatch(
      /chat\/completions/,
    );
    // Still serving.
    expect((await openai.models.list()).data.length).toBe(1);
  });
});
