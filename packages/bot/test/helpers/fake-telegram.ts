/**
 * A real local stand-in for the Telegram Bot API (node:http on 127.0.0.1, random port), for
 * grammY's `client: { apiRoot }`. It keeps chats and messages, long-polls `getUpdates`, checks
 * what real Telegram checks (HTML that parses, 4,096 characters, 64-byte callback data,
 * identical edits refused) and records every call.
 *
 * @example
 * const tg = await startFakeTelegram({ token: '123456:TEST_TOKEN_abcdef' });
 * const bot = await startTelegramBot({ …, settings: { …, token: tg.token, apiRoot: tg.apiRoot } });
 * tg.sendText(ALICE, 'hello');
 * const reply = await tg.waitForMessage(ALICE.id, (m) => m.plain.includes('Hi'));
 * await tg.close();
 *
 * Methods: getMe, getUpdates (long poll), sendMessage, editMessageText, editMessageReplyMarkup,
 * answerCallbackQuery, sendChatAction, setMyCommands, deleteWebhook, setWebhook. Any other method
 * answers 404 "Not Found: method not found" like Telegram. A wrong token answers 401.
 * `failNext(method, …)` makes the next call(s) of a method fail (e.g. 429 with retry_after).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeUser {
  id: number;
  first_name: string;
  username?: string;
}

export interface ApiCall {
  method: string;
  params: Record<string, any>;
  at: number;
  /** The HTTP status the fake answered with. */
  status: number;
}

export interface StoredMessage {
  message_id: number;
  chat_id: number;
  /** As sent (HTML when parse_mode was HTML). */
  text: string;
  /** What the user sees: tags removed, entities decoded. */
  plain: string;
  reply_markup?: { inline_keyboard: { text: string; callback_data?: string; url?: string }[][] };
  fromBot: boolean;
  /** Every text this message had, oldest first (sendMessage then each edit). */
  history: string[];
}

interface Failure {
  status: number;
  description: string;
  retryAfter?: number;
}

export interface FakeTelegram {
  readonly apiRoot: string;
  readonly token: string;
  readonly bot: { id: number; username: string };
  readonly calls: readonly ApiCall[];
  /** Queues an update from a user; returns its update_id. */
  sendText(from: FakeUser, text: string, extra?: Record<string, unknown>): number;
  /** Queues any message update (stickers, documents…): `message` is merged over a default text-less message. */
  sendMessageUpdate(from: FakeUser, message: Record<string, unknown>): number;
  /** Presses an inline button (by its callback data) on a stored bot message. */
  press(from: FakeUser, message: StoredMessage, data: string): number;
  /** Raw update (update_id is assigned). */
  push(update: Record<string, unknown>): number;
  /** The next `times` calls of `method` fail with this error. */
  failNext(method: string, failure: Failure, times?: number): void;
  messages(chatId: number): StoredMessage[];
  callsOf(method: string): ApiCall[];
  waitForMessage(
    chatId: number,
    pred: (m: StoredMessage) => boolean,
    timeoutMs?: number,
  ): Promise<StoredMessage>;
  waitForCall(method: string, pred?: (c: ApiCall) => boolean, timeoutMs?: number): Promise<ApiCall>;
  close(): Promise<void>;
}

const HTML_TAGS = new Set([
  'b',
  'strong',
  'i',
  'em',
  'u',
  'ins',
  's',
  'strike',
  'del',
  'a',
  'code',
  'pre',
  'blockquote',
  'tg-spoiler',
  'span',
]);

/** Parses Telegram's HTML subset; returns the visible text or throws Telegram's error. */
export function parseTelegramHtml(html: string): string {
  const stack: string[] = [];
  let out = '';
  let i = 0;
  while (i < html.length) {
    const ch = html[i]!;
    if (ch === '<') {
      const m = /^<(\/?)([a-z-]+)((?:\s+[a-z-]+="[^"<>]*")*)\s*>/i.exec(html.slice(i));
      if (!m || !HTML_TAGS.has(m[2]!.toLowerCase()))
        throw new Error(`Bad Request: can't parse entities: Unsupported start tag at byte offset ${i}`);
      const tag = m[2]!.toLowerCase();
      if (m[1]) {
        if (stack.pop() !== tag)
          throw new Error(
            `Bad Request: can't parse entities: Unmatched end tag at byte offset ${i}, expected "</${stack.at(-1)}>"`,
          );
      } else stack.push(tag);
      i += m[0].length;
    } else if (ch === '&') {
      const m = /^&(lt|gt|amp|quot|#\d+|#x[0-9a-f]+);/i.exec(html.slice(i));
      if (!m) throw new Error(`Bad Request: can't parse entities: Unsupported entity at byte offset ${i}`);
      const name = m[1]!.toLowerCase();
      out +=
        name === 'lt'
          ? '<'
          : name === 'gt'
            ? '>'
            : name === 'amp'
              ? '&'
              : name === 'quot'
                ? '"'
                : String.fromCodePoint(
                    Number.parseInt(
                      name.startsWith('#x') ? name.slice(2) : name.slice(1),
                      name.startsWith('#x') ? 16 : 10,
                    ),
                  );
      i += m[0].length;
    } else if (ch === '>') {
      throw new Error(`Bad Request: can't parse entities: Unexpected ">" at byte offset ${i}`);
    } else {
      out += ch;
      i++;
    }
  }
  if (stack.length)
    throw new Error(
      `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "${stack.at(-1)}"`,
    );
  return out;
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    description: string,
    readonly retryAfter?: number,
  ) {
    super(description);
  }
}

export async function startFakeTelegram(
  opts: { token?: string; botUsername?: string } = {},
): Promise<FakeTelegram> {
  const token = opts.token ?? '123456:TEST_TOKEN_abcdefghij';
  const bot = { id: Number(token.split(':')[0]), username: opts.botUsername ?? 'rag_test_bot' };
  const calls: ApiCall[] = [];
  const updates: { update_id: number; [k: string]: unknown }[] = [];
  const chats = new Map<number, StoredMessage[]>();
  const failures = new Map<string, Failure[]>();
  const waiters = new Set<() => void>();
  let nextUpdateId = 1;
  let nextMessageId = 1;
  let closed = false;

  const notify = () => {
    for (const w of [...waiters]) w();
  };
  const chatOf = (chatId: number) => {
    let c = chats.get(chatId);
    if (!c) {
      c = [];
      chats.set(chatId, c);
    }
    return c;
  };
  const findMessage = (chatId: number, messageId: number) =>
    chats.get(chatId)?.find((m) => m.message_id === messageId);

  function checkMarkup(markup: unknown): StoredMessage['reply_markup'] {
    if (markup === undefined) return undefined;
    const m = (typeof markup === 'string' ? JSON.parse(markup) : markup) as StoredMessage['reply_markup'];
    for (const row of m?.inline_keyboard ?? [])
      for (const b of row)
        if (b.callback_data !== undefined && Buffer.byteLength(b.callback_data) > 64)
          throw new ApiError(400, 'Bad Request: BUTTON_DATA_INVALID');
    return m;
  }

  function render(params: Record<string, any>): { text: string; plain: string } {
    const text = String(params.text ?? '');
    let plain = text;
    if (params.parse_mode === 'HTML') {
      try {
        plain = parseTelegramHtml(text);
      } catch (e) {
        throw new ApiError(400, (e as Error).message);
      }
    }
    if (!plain.trim()) throw new ApiError(400, 'Bad Request: message text is empty');
    if (plain.length > 4096) throw new ApiError(400, 'Bad Request: message is too long');
    return { text, plain };
  }

  const toMessage = (m: StoredMessage) => ({
    message_id: m.message_id,
    date: Math.floor(Date.now() / 1000),
    chat: { id: m.chat_id, type: m.chat_id > 0 ? 'private' : 'group' },
    from: m.fromBot ? { id: bot.id, is_bot: true, first_name: 'RAG bot', username: bot.username } : undefined,
    text: m.plain,
    ...(m.reply_markup ? { reply_markup: m.reply_markup } : {}),
  });

  async function getUpdates(params: Record<string, any>, req: IncomingMessage): Promise<unknown[]> {
    const offset = Number(params.offset ?? 0);
    if (offset > 0) while (updates.length && updates[0]!.update_id < offset) updates.shift();
    const limit = Math.min(100, Number(params.limit ?? 100));
    const timeoutMs = Math.min(Number(params.timeout ?? 0), 50) * 1000;
    if (!updates.length && timeoutMs > 0 && !closed) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          waiters.delete(done);
          req.off('close', done);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        waiters.add(done);
        req.on('close', done);
      });
    }
    return updates.slice(0, limit);
  }

  async function call(method: string, params: Record<string, any>, req: IncomingMessage): Promise<unknown> {
    switch (method) {
      case 'getMe':
        return {
          id: bot.id,
          is_bot: true,
          first_name: 'RAG bot',
          username: bot.username,
          can_join_groups: true,
        };
      case 'getUpdates':
        return getUpdates(params, req);
      case 'deleteWebhook':
      case 'setWebhook':
      case 'setMyCommands':
      case 'sendChatAction':
      case 'answerCallbackQuery':
        return true;
      case 'sendMessage': {
        const chatId = Number(params.chat_id);
        if (!Number.isFinite(chatId)) throw new ApiError(400, 'Bad Request: chat not found');
        const { text, plain } = render(params);
        const m: StoredMessage = {
          message_id: nextMessageId++,
          chat_id: chatId,
          text,
          plain,
          reply_markup: checkMarkup(params.reply_markup),
          fromBot: true,
          history: [plain],
        };
        chatOf(chatId).push(m);
        notify();
        return toMessage(m);
      }
      case 'editMessageText': {
        const m = findMessage(Number(params.chat_id), Number(params.message_id));
        if (!m) throw new ApiError(400, 'Bad Request: message to edit not found');
        const { text, plain } = render(params);
        const markup = checkMarkup(params.reply_markup);
        if (plain === m.plain && JSON.stringify(markup ?? null) === JSON.stringify(m.reply_markup ?? null))
          throw new ApiError(
            400,
            'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
          );
        Object.assign(m, { text, plain, reply_markup: markup });
        m.history.push(plain);
        notify();
        return toMessage(m);
      }
      case 'editMessageReplyMarkup': {
        const m = findMessage(Number(params.chat_id), Number(params.message_id));
        if (!m) throw new ApiError(400, 'Bad Request: message to edit not found');
        m.reply_markup = checkMarkup(params.reply_markup);
        notify();
        return toMessage(m);
      }
      default:
        throw new ApiError(404, 'Not Found: method not found');
    }
  }

  const server: Server = createServer(async (req, res) => {
    const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec((req.url ?? '').split('?')[0]!);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    let params: Record<string, any> = {};
    try {
      params = body ? JSON.parse(body) : {};
    } catch {
      params = Object.fromEntries(new URLSearchParams(body));
    }
    const method = m?.[2] ?? '?';
    let status = 200;
    let payload: unknown;
    try {
      if (!m) throw new ApiError(404, 'Not Found');
      if (m[1] !== token) throw new ApiError(401, 'Unauthorized');
      const injected = failures.get(method)?.shift();
      if (injected) throw new ApiError(injected.status, injected.description, injected.retryAfter);
      payload = { ok: true, result: await call(method, params, req) };
    } catch (e) {
      const err =
        e instanceof ApiError ? e : new ApiError(500, `Internal Server Error: ${(e as Error).message}`);
      status = err.status;
      payload = {
        ok: false,
        error_code: err.status,
        description: err.message,
        ...(err.retryAfter !== undefined ? { parameters: { retry_after: err.retryAfter } } : {}),
      };
    }
    calls.push({ method, params, at: Date.now(), status });
    notify();
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;

  function push(update: Record<string, unknown>): number {
    const update_id = nextUpdateId++;
    updates.push({ ...update, update_id });
    notify();
    return update_id;
  }

  /** Like Telegram: a leading /command and http(s) links become entities (UTF-16 offsets). */
  function entitiesOf(text: string) {
    const out: { type: string; offset: number; length: number }[] = [];
    const cmd = /^\/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]+)?/.exec(text);
    if (cmd) out.push({ type: 'bot_command', offset: 0, length: cmd[0].length });
    for (const m of text.matchAll(/https?:\/\/[^\s]+/g))
      out.push({ type: 'url', offset: m.index, length: m[0].length });
    return out;
  }

  function userMessage(from: FakeUser, fields: Record<string, unknown>) {
    const message_id = nextMessageId++;
    if (typeof fields.text === 'string' && !fields.entities) {
      const entities = entitiesOf(fields.text);
      if (entities.length) fields = { ...fields, entities };
    }
    const msg = {
      message_id,
      date: Math.floor(Date.now() / 1000),
      chat: { id: from.id, type: 'private', first_name: from.first_name, username: from.username },
      from: { ...from, is_bot: false },
      ...fields,
    };
    if (typeof fields.text === 'string')
      chatOf(from.id).push({
        message_id,
        chat_id: from.id,
        text: fields.text,
        plain: fields.text,
        fromBot: false,
        history: [fields.text],
      });
    return push({ message: msg });
  }

  async function waitUntil<T>(what: () => string, fn: () => T | undefined, timeoutMs: number): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = fn();
      if (v !== undefined) return v;
      const left = end - Date.now();
      if (left <= 0) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what()}.`);
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(t);
          waiters.delete(done);
          resolve();
        };
        const t = setTimeout(done, Math.min(left, 200));
        waiters.add(done);
      });
    }
  }

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    token,
    bot,
    calls,
    sendText: (from, text, extra = {}) => userMessage(from, { text, ...extra }),
    sendMessageUpdate: (from, message) => userMessage(from, message),
    press(from, message, data) {
      return push({
        callback_query: {
          id: String(Math.floor(Math.random() * 1e12)),
          from: { ...from, is_bot: false },
          chat_instance: String(message.chat_id),
          message: toMessage(message),
          data,
        },
      });
    },
    push,
    failNext(method, failure, times = 1) {
      const list = failures.get(method) ?? [];
      for (let i = 0; i < times; i++) list.push(failure);
      failures.set(method, list);
    },
    messages: (chatId) => (chats.get(chatId) ?? []).filter((m) => m.fromBot),
    callsOf: (method) => calls.filter((c) => c.method === method),
    waitForMessage(chatId, pred, timeoutMs = 10_000) {
      return waitUntil(
        () =>
          `a bot message in chat ${chatId} matching ${pred.toString().slice(0, 120)} (have: ${JSON.stringify((chats.get(chatId) ?? []).filter((m) => m.fromBot).map((m) => m.plain.slice(0, 80)))})`,
        () => (chats.get(chatId) ?? []).find((m) => m.fromBot && pred(m)),
        timeoutMs,
      );
    },
    waitForCall(method, pred = () => true, timeoutMs = 10_000) {
      return waitUntil(
        () => `a ${method} call`,
        () => calls.find((c) => c.method === method && pred(c)),
        timeoutMs,
      );
    },
    async close() {
      closed = true;
      notify();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
