import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { trigramEmbedding } from './trigram-embedding.ts';

/*
 * A local OpenAI-compatible server for tests and benchmarks (the real API is unreachable here).
 * Each endpoint is a handler; add new ones through `routes` (e.g. the ASR engineer's
 * /v1/audio/transcriptions) without changing this file's callers.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
  /** Parsed JSON body, when the body was JSON. */
  json: unknown;
}

/** Returns the JSON response body, or { status, body } for an error/other status. */
export type RouteHandler = (
  req: RecordedRequest,
) => unknown | { status: number; body: unknown } | Promise<unknown | { status: number; body: unknown }>;

export interface ChatRequest {
  model: string;
  messages: { role: string; content: string }[];
  max_tokens?: number;
  temperature?: number;
}

export interface OpenAiServerOptions {
  /** true = trigram embeddings (384 dims); a function maps one input text to its vector. */
  embeddings?: boolean | ((text: string, model: string) => Float32Array | number[]);
  /** Returns the assistant's reply. */
  chat?: (req: ChatRequest) => string | Promise<string>;
  /** Handles POST /v1/audio/transcriptions (multipart body in req.body). */
  transcriptions?: RouteHandler;
  /** Extra routes keyed by 'METHOD /path'. */
  routes?: Record<string, RouteHandler>;
  /** When set, requests without `Authorization: Bearer <apiKey>` get 401. */
  apiKey?: string;
}

export interface OpenAiServer {
  /** Base URL including /v1, e.g. http://127.0.0.1:41234/v1 */
  readonly baseUrl: string;
  readonly requests: RecordedRequest[];
  /** The next `count` requests answer with `status` (e.g. 429, 503) — to test retries. */
  failNext(status: number, count?: number, headers?: Record<string, string>): void;
  close(): Promise<void>;
}

export async function startOpenAiCompatibleServer(opts: OpenAiServerOptions = {}): Promise<OpenAiServer> {
  const requests: RecordedRequest[] = [];
  const failures: { status: number; headers: Record<string, string> }[] = [];
  const routes = new Map<string, RouteHandler>(Object.entries(opts.routes ?? {}));
  if (opts.embeddings) routes.set('POST /v1/embeddings', embeddingsRoute(opts.embeddings));
  if (opts.chat) routes.set('POST /v1/chat/completions', chatRoute(opts.chat));
  if (opts.transcriptions) routes.set('POST /v1/audio/transcriptions', opts.transcriptions);

  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const path = (req.url ?? '/').split('?')[0];
    let json: unknown = null;
    if ((req.headers['content-type'] ?? '').includes('json')) {
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch {
        return send(res, 400, { error: { message: 'invalid JSON body' } });
      }
    }
    const recorded: RecordedRequest = { method: req.method ?? 'GET', path, headers: req.headers, body, json };
    requests.push(recorded);
    const failure = failures.shift();
    if (failure)
      return send(res, failure.status, { error: { message: `injected ${failure.status}` } }, failure.headers);
    if (opts.apiKey && req.headers.authorization !== `Bearer ${opts.apiKey}`) {
      return send(res, 401, { error: { message: 'Incorrect API key provided.' } });
    }
    const handler = routes.get(`${recorded.method} ${path}`);
    if (!handler) return send(res, 404, { error: { message: `no route ${recorded.method} ${path}` } });
    try {
      const out = await handler(recorded);
      if (isStatusBody(out)) return send(res, out.status, out.body);
      return send(res, 200, out);
    } catch (err) {
      return send(res, 500, { error: { message: err instanceof Error ? err.message : String(err) } });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    failNext(status, count = 1, headers = {}) {
      for (let i = 0; i < count; i++) failures.push({ status, headers });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

function embeddingsRoute(
  impl: true | ((text: string, model: string) => Float32Array | number[]),
): RouteHandler {
  const embed = impl === true ? (t: string) => trigramEmbedding(t) : impl;
  return (req) => {
    const body = req.json as { model?: string; input?: string | string[] } | null;
    const inputs = typeof body?.input === 'string' ? [body.input] : body?.input;
    if (!Array.isArray(inputs))
      return { status: 400, body: { error: { message: "'input' must be a string or array" } } };
    const model = body?.model ?? 'local-trigram';
    return {
      object: 'list',
      model,
      data: inputs.map((t, index) => ({
        object: 'embedding',
        index,
        embedding: Array.from(embed(t, model)),
      })),
      usage: { prompt_tokens: 0, total_tokens: 0 },
    };
  };
}

function chatRoute(reply: (req: ChatRequest) => string | Promise<string>): RouteHandler {
  return async (req) => {
    const body = req.json as ChatRequest;
    const content = await reply(body);
    return {
      id: 'chatcmpl-local',
      object: 'chat.completion',
      model: body.model,
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    };
  };
}

function isStatusBody(x: unknown): x is { status: number; body: unknown } {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as { status?: unknown }).status === 'number' &&
    'body' in x
  );
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
