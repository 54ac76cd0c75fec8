import { errorMessage } from '@llm-rag-yt/orchestrator';
import type { RagService, RagStore, YoutubeRequest } from '@llm-rag-yt/rag';
import type { BotHost } from './host.ts';
import type { ProgressMessageStore } from './progress-store.ts';
import { isFinished, renderProgress, viewKey } from './progress-view.ts';
import { type ChatApi, isNotModified, isUneditable } from './telegram-api.ts';

interface Tracked {
  readonly requestId: number;
  readonly chatId: number;
  readonly messageId: number;
  readonly userId: number;
  /** A playlist/channel/page link: the pipeline may add one request per video to the same run. */
  readonly expands: boolean;
  lastShown: string;
  failures: number;
  title: string | null;
}

export interface ProgressTracker {
  /**
   * Starts following a request whose progress message was sent (or re-used, for Retry) and
   * stores where that message is, so a restarted bot goes on editing it.
   */
  track(t: {
    requestId: number;
    chatId: number;
    messageId: number;
    userId: number;
    expands?: boolean;
    shown?: string;
  }): Promise<void>;
  /**
   * Follows every stored progress message again (after a restart): requests still pending or
   * processing, and those that finished while the bot was down (their final state is shown
   * once). Returns how many it follows.
   */
  resume(): Promise<number>;
  setVerbose(userId: number, verbose: boolean): void;
  /** Requests being followed (tests, /status). */
  readonly size: number;
  /** One pass over every followed request; edits only what changed. */
  tick(): Promise<void>;
  start(): void;
  stop(): Promise<void>;
}

const MAX_EDIT_FAILURES = 5;

/**
 * Follows requests by polling their rows (so it works when the daemon is another process) and
 * edits each request's one progress message when its rendering changes. Identical edits are
 * never sent (Telegram rejects them), and a message that can no longer be edited is dropped.
 */
export function createProgressTracker(deps: {
  rag: RagService;
  store: RagStore;
  api: ChatApi;
  /** Where each progress message is, across restarts. */
  messages: ProgressMessageStore;
  logger: BotHost['logger'];
  intervalMs?: number;
}): ProgressTracker {
  const { rag, store, api, messages, logger } = deps;
  const intervalMs = deps.intervalMs ?? 1000;
  const tracked = new Map<number, Tracked>();
  const known = new Set<number>();
  const verbose = new Map<number, boolean>();
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let stopped = false;

  async function isVerbose(userId: number): Promise<boolean> {
    if (!verbose.has(userId)) verbose.set(userId, (await store.users.get(userId))?.verbose ?? false);
    return verbose.get(userId)!;
  }

  async function show(t: Tracked, r: YoutubeRequest): Promise<void> {
    let chunkCount: number | null = null;
    if (r.videoId && (!t.title || r.status === 'completed')) {
      const v = await rag.getVideo(r.videoId);
      t.title = v?.title ?? t.title;
      chunkCount = v?.chunkCount ?? null;
    }
    const view = renderProgress(r, { verbose: await isVerbose(t.userId), title: t.title, chunkCount });
    const key = viewKey(view);
    if (key === t.lastShown) return;
    try {
      await api.edit(t.chatId, t.messageId, view.text, view.replyMarkup);
    } catch (e) {
      if (!isNotModified(e)) throw e;
    }
    t.lastShown = key;
    await messages
      .setShown(t.requestId, key)
      .catch((e) =>
        logger.warn({ requestId: t.requestId, err: errorMessage(e) }, 'could not store the shown progress'),
      );
  }

  /** Stops following a request; `forget` also drops its stored message (finished or gone). */
  async function drop(requestId: number, forget: boolean): Promise<void> {
    tracked.delete(requestId);
    if (forget)
      await messages
        .remove(requestId)
        .catch((e) =>
          logger.warn({ requestId, err: errorMessage(e) }, 'could not forget a progress message'),
        );
  }

  function remember(t: {
    requestId: number;
    chatId: number;
    messageId: number;
    userId: number;
    expands?: boolean;
    shown?: string;
  }): void {
    known.add(t.requestId);
    tracked.set(t.requestId, {
      requestId: t.requestId,
      chatId: t.chatId,
      messageId: t.messageId,
      userId: t.userId,
      expands: t.expands ?? false,
      lastShown: t.shown ?? '',
      failures: 0,
      title: null,
    });
  }

  async function adoptSiblings(t: Tracked, r: YoutubeRequest): Promise<void> {
    if (!t.expands || !r.runId) return;
    const siblings = await store.requests.list({ runId: r.runId, limit: 500 });
    for (const s of siblings) {
      if (known.has(s.id) || s.chatId !== t.chatId || s.userId !== t.userId) continue;
      known.add(s.id);
      // A restarted bot does not know what its predecessor already posted.
      if (await messages.get(s.id)) continue;
      const view = renderProgress(s, { verbose: await isVerbose(t.userId) });
      const sent = await api.send(t.chatId, view.text, view.replyMarkup);
      await tracker.track({
        requestId: s.id,
        chatId: t.chatId,
        messageId: sent.message_id,
        userId: t.userId,
        shown: viewKey(view),
      });
    }
  }

  async function follow(t: Tracked): Promise<void> {
    const r = await rag.getRequest(t.requestId);
    if (!r) {
      await drop(t.requestId, true);
      return;
    }
    try {
      await adoptSiblings(t, r);
      await show(t, r);
      t.failures = 0;
      if (isFinished(r)) await drop(t.requestId, true);
    } catch (e) {
      t.failures++;
      if (isUneditable(e) || t.failures >= MAX_EDIT_FAILURES) {
        // A message Telegram will not edit is forgotten; after passing failures (Telegram
        // unreachable) it stays stored and the next start tries again.
        await drop(t.requestId, isUneditable(e));
        logger.warn(
          { requestId: t.requestId, chatId: t.chatId, err: errorMessage(e) },
          'stopped updating a progress message',
        );
      } else {
        logger.warn(
          { requestId: t.requestId, err: errorMessage(e) },
          'progress message update failed; will retry',
        );
      }
    }
  }

  async function tickOnce(): Promise<void> {
    for (const t of [...tracked.values()]) {
      if (stopped) return;
      await follow(t);
    }
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tickOnce()
        .catch((e) => logger.error({ err: errorMessage(e) }, 'progress tracker tick failed'))
        .finally(() => {
          running = null;
          schedule();
        });
    }, intervalMs);
    timer.unref?.();
  }

  const tracker: ProgressTracker = {
    async track(t) {
      remember(t);
      try {
        await messages.save({ ...t, expands: t.expands ?? false, shown: t.shown ?? '' });
      } catch (e) {
        // Still followed in memory; only a restart would lose it.
        logger.warn(
          { requestId: t.requestId, err: errorMessage(e) },
          'could not store the progress message; it will not be resumed after a restart',
        );
      }
    },
    async resume() {
      const stored = await messages.list();
      for (const m of stored) if (!tracked.has(m.requestId)) remember(m);
      return stored.length;
    },
    setVerbose(userId, v) {
      verbose.set(userId, v);
    },
    get size() {
      return tracked.size;
    },
    tick: () => tickOnce(),
    start() {
      stopped = false;
      if (!timer) schedule();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
    },
  };
  return tracker;
}
