import { randomUUID } from 'node:crypto';
import type { AskResult, Citation, ConversationTurn, RagService } from '@llm-rag-yt/rag';
import { formatRange, formatSources } from '@llm-rag-yt/rag';
import { type Context, Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { tokenChecker } from '../auth.ts';
import { HttpError, toHttpError } from '../http-error.ts';
import type { AppOptions, ServerLogger } from '../types.ts';
import { readJson } from '../validation.ts';

/*
 * The knowledge base as an OpenAI-compatible "model" (GET /v1/models, POST /v1/chat/completions),
 * so chat front ends (Open WebUI, LibreChat, the openai npm client) can use it unchanged. A thin
 * adapter over RagService.ask: the last user message is the question, earlier turns the context.
 */

export const MODEL_ID = 'llm-rag-yt';

const textPart = z.looseObject({ type: z.string().max(50), text: z.string().optional() });
const message = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: z.union([z.string(), z.array(textPart).max(100), z.null()]).optional(),
});

export const chatCompletionBody = z.looseObject({
  model: z.string().min(1, 'name the model (see GET /v1/models)').max(200),
  messages: z.array(message).min(1, 'send at least one message').max(500, 'at most 500 messages'),
  stream: z.boolean().nullable().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullable().optional(),
});

/** One cited source, in the response's structured `sources` field (and as `[n] …` lines in the text). */
export interface ChatSource {
  index: number;
  videoId: string;
  title: string;
  channel: string | null;
  start: number;
  end: number;
  timeRange: string;
  chapter: string | null;
  url: string;
  snippet: string;
  /** The sentences that match, when known (start/end and url point at them). */
  evidence: string | null;
}

type OpenAiErrorType = 'invalid_request_error' | 'authentication_error' | 'not_found_error' | 'server_error';

/** OpenAI's error shape, which its clients turn into typed exceptions. */
export function openAiError(
  c: Context,
  status: number,
  message: string,
  extra: { type?: OpenAiErrorType; param?: string | null; code?: string | null } = {},
) {
  const type: OpenAiErrorType =
    extra.type ??
    (status === 401
      ? 'authentication_error'
      : status === 404
        ? 'not_found_error'
        : status >= 500
          ? 'server_error'
          : 'invalid_request_error');
  return c.json(
    { error: { message, type, param: extra.param ?? null, code: extra.code ?? null } },
    status as 400,
  );
}

let errorCounter = 0;

function errorResponse(err: unknown, c: Context, logger: ServerLogger) {
  const http = toHttpError(err);
  if (http) return openAiError(c, http.status, http.message);
  const ref = `${Date.now().toString(36)}-${(++errorCounter).toString(36)}`;
  logger.error({ err, ref, path: c.req.path }, 'unhandled error in /v1 request');
  return openAiError(c, 500, `Internal server error (reference ${ref}); the server log has the details.`);
}

export function openAiRoutes(opts: AppOptions): Hono {
  const app = new Hono();
  const check = tokenChecker(opts.auth.tokens);
  const created = Math.floor(Date.now() / 1000);
  const model = { id: MODEL_ID, object: 'model', created, owned_by: 'llm-rag-yt' } as const;

  app.onError((err, c) => errorResponse(err, c, opts.logger));
  app.use('*', async (c, next) => {
    const problem = check(c.req.header('authorization'));
    if (problem) return openAiError(c, 401, problem, { code: 'invalid_api_key' });
    await next();
    c.header('cache-control', 'no-store');
  });

  app.get('/models', (c) => c.json({ object: 'list', data: [model] }));
  app.get('/models/:id', (c) => {
    if (c.req.param('id') !== MODEL_ID) throw unknownModel(c.req.param('id'));
    return c.json(model);
  });

  app.post('/chat/completions', async (c) => {
    const body = await readJson(c, chatCompletionBody);
    if (body.model !== MODEL_ID) throw unknownModel(body.model);
    if (!opts.rag)
      throw new HttpError(
        503,
        'The RAG service is not configured on this server (start it with `llm-rag-yt dev`).',
      );
    const { question, history } = conversation(body.messages);
    const rag: RagService = opts.rag;
    const id = `chatcmpl-${randomUUID().replaceAll('-', '')}`;
    const now = Math.floor(Date.now() / 1000);

    if (!body.stream) {
      const result = await rag.ask(question, { history, source: 'api', signal: c.req.raw.signal });
      const content = answerText(result);
      return c.json({
        id,
        object: 'chat.completion',
        created: now,
        model: MODEL_ID,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content, refusal: null },
            logprobs: null,
            finish_reason: 'stop',
          },
        ],
        usage: usage(body.messages, content),
        ...extras(result),
      });
    }

    return streamSSE(
      c,
      async (stream) => {
        const abort = new AbortController();
        stream.onAbort(() => abort.abort());
        const chunk = (delta: object, finish: 'stop' | null, more: object = {}) =>
          stream.writeSSE({
            data: JSON.stringify({
              id,
              object: 'chat.completion.chunk',
              created: now,
              model: MODEL_ID,
              choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
              ...more,
            }),
          });
        // The role first, at once: clients show "typing" while retrieval and the chat model work.
        await chunk({ role: 'assistant', content: '' }, null);
        let result: AskResult;
        try {
          result = await rag.ask(question, { history, source: 'api', signal: abort.signal });
        } catch (err) {
          if (abort.signal.aborted) return;
          const res = errorResponse(err, c, opts.logger);
          await stream.writeSSE({ data: await res.text() });
          return;
        }
        const content = answerText(result);
        for (const piece of pieces(content)) {
          if (abort.signal.aborted) return;
          await chunk({ content: piece }, null);
        }
        if (abort.signal.aborted) return;
        await chunk({}, 'stop', extras(result));
        if (body.stream_options?.include_usage) {
          await stream.writeSSE({
            data: JSON.stringify({
              id,
              object: 'chat.completion.chunk',
              created: now,
              model: MODEL_ID,
              choices: [],
              usage: usage(body.messages, content),
            }),
          });
        }
        await stream.writeSSE({ data: '[DONE]' });
      },
      async (err, stream) => {
        // A write to a client that went away: nothing to tell it; anything else goes to the log.
        if (!stream.aborted) opts.logger.warn({ err }, 'chat completion stream failed');
      },
    );
  });

  app.all('*', (c) => {
    throw new HttpError(
      404,
      `No route for ${c.req.method} /v1${c.req.path.replace(/^\/v1/, '')}: this server has GET /v1/models and POST /v1/chat/completions.`,
    );
  });
  return app;
}

function unknownModel(name: string): HttpError {
  return new HttpError(
    404,
    `The model '${name.slice(0, 100)}' does not exist here; this server serves '${MODEL_ID}' (GET /v1/models).`,
  );
}

type Message = z.infer<typeof message>;

function textOf(m: Message): string {
  if (typeof m.content === 'string') return m.content;
  return (m.content ?? [])
    .filter((p) => p.type === 'text' && typeof p.text === 'string')
    .map((p) => p.text)
    .join('\n');
}

/** The last user message is the question; user and assistant turns before it are the context. */
export function conversation(messages: readonly Message[]): {
  question: string;
  history: ConversationTurn[];
} {
  let last = -1;
  for (let i = messages.length - 1; i >= 0; i--)
    if (messages[i]!.role === 'user') {
      last = i;
      break;
    }
  if (last < 0)
    throw new HttpError(
      400,
      "The conversation has no user message: send at least one { role: 'user', content: '…' }; the last one is the question.",
    );
  const question = textOf(messages[last]!).trim();
  if (!question)
    throw new HttpError(400, 'The last user message has no text; write the question as its content.');
  const history = messages
    .slice(0, last)
    .filter((m): m is Message & { role: 'user' | 'assistant' } => m.role === 'user' || m.role === 'assistant')
    .map((m) => ({ role: m.role, content: textOf(m) }))
    .filter((t) => t.content.trim().length > 0);
  return { question, history };
}

function answerText(r: AskResult): string {
  return r.citations.length ? `${r.answer}\n\nSources:\n${formatSources(r.citations)}` : r.answer;
}

function toSource(c: Citation, i: number): ChatSource {
  return {
    index: i + 1,
    videoId: c.videoId,
    title: c.title,
    channel: c.channel,
    start: c.start,
    end: c.end,
    timeRange: formatRange(c.start, c.end),
    chapter: c.chapter ?? null,
    url: c.url,
    snippet: c.snippet,
    evidence: c.evidence?.text ?? null,
  };
}

/** Fields beyond OpenAI's: the sources as data, their links (Perplexity's `citations`), and how it was answered. */
function extras(r: AskResult) {
  return {
    sources: r.citations.map(toSource),
    citations: r.citations.map((c) => c.url),
    rag: { mode: r.mode, retrieval: r.retrieval, queryId: r.queryId, latencyMs: r.latencyMs },
  };
}

/** Token counts are estimated (≈ 4 characters a token): there is no tokenizer for an extractive answer. */
function usage(messages: readonly Message[], content: string) {
  const prompt = Math.ceil(messages.reduce((n, m) => n + textOf(m).length, 0) / 4);
  const completion = Math.ceil(content.length / 4);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** The finished answer in word groups, so clients render it progressively like a streamed model. */
function pieces(text: string): string[] {
  const words = text.match(/\S+\s*|\s+/g) ?? [];
  const out: string[] = [];
  for (let i = 0; i < words.length; i += 4) out.push(words.slice(i, i + 4).join(''));
  return out;
}
