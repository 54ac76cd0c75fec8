import { InvalidInputError } from '@llm-rag-yt/orchestrator';
import type { RagStore } from '../store/rag-store.ts';
import type {
  EntryStatus,
  NotifyMode,
  Subscription,
  SubscriptionEntry,
  SubscriptionFilters,
} from '../store/subscriptions.ts';
import { validateFilters } from './filters.ts';
import { resolveSubscriptionUrl } from './resolve.ts';

export interface SubscribeOptions {
  /** Index this many of the entries already there (newest first). Default 0: only new uploads. */
  backfill?: number;
  filters?: SubscriptionFilters;
  userId?: number;
  /** Telegram chat to tell about new videos. */
  chatId?: number;
  /** 'instant' (default with a chat), 'digest' (daily) or 'off'. */
  notify?: NotifyMode;
}

/** A subscription with counts of its entries by status. */
export interface SubscriptionView extends Subscription {
  entries: Record<EntryStatus, number>;
}

/** Subscribing to what is already subscribed. `existing` is that subscription. */
export class DuplicateSubscriptionError extends InvalidInputError {
  readonly existing: Subscription;
  constructor(existing: Subscription) {
    super(
      `Already subscribed to ${existing.url} as #${existing.id}. Check it now with: subscriptions check ${existing.id}`,
    );
    this.name = 'DuplicateSubscriptionError';
    this.existing = existing;
  }
}

export interface SubscriptionService {
  /** Validates, stores and checks at once (wakes subscription_sensor). @throws InvalidInputError, DuplicateSubscriptionError */
  subscribe(url: string, opts?: SubscribeOptions): Promise<SubscriptionView>;
  list(opts?: { chatId?: number; userId?: number }): Promise<SubscriptionView[]>;
  get(id: number): Promise<SubscriptionView | undefined>;
  entries(id: number, opts?: { statuses?: EntryStatus[]; limit?: number }): Promise<SubscriptionEntry[]>;
  /** Removes the subscription and its cursor; indexed videos stay. */
  remove(id: number): Promise<boolean>;
  /** Checks now instead of at the next interval. */
  check(id: number): Promise<SubscriptionView>;
  pause(id: number): Promise<SubscriptionView>;
  resume(id: number): Promise<SubscriptionView>;
  setNotify(id: number, mode: NotifyMode, chatId?: number): Promise<SubscriptionView>;
}

const MAX_BACKFILL = 10_000;
const NOTIFY_MODES: readonly NotifyMode[] = ['instant', 'digest', 'off'];

/**
 * @example
 * const subs = createSubscriptionService({ store, wake: (s) => instance.wake(s) });
 * const sub = await subs.subscribe('https://www.youtube.com/@veritasium', { backfill: 5, filters: { noShorts: true } });
 */
export function createSubscriptionService(deps: {
  store: RagStore;
  wake?: (sensorName: string) => Promise<void>;
  now?: () => number;
}): SubscriptionService {
  const { store } = deps;
  const now = deps.now ?? Date.now;
  const wake = async () => {
    await deps.wake?.('subscription_sensor').catch(() => {});
  };
  const view = async (s: Subscription): Promise<SubscriptionView> => ({
    ...s,
    entries: await store.subscriptions.countEntries(s.id),
  });
  const must = async (id: number): Promise<Subscription> => {
    const s = await store.subscriptions.get(id);
    if (!s) throw new InvalidInputError(`No subscription #${id}. List them with: subscriptions list`);
    return s;
  };

  return {
    async subscribe(url, opts = {}) {
      const resolved = resolveSubscriptionUrl(url);
      const filters = validateFilters(opts.filters ?? {});
      const backfill = opts.backfill ?? 0;
      if (!Number.isInteger(backfill) || backfill < 0 || backfill > MAX_BACKFILL)
        throw new InvalidInputError(
          `--backfill must be a whole number from 0 to ${MAX_BACKFILL}, got '${backfill}'.`,
        );
      const notify = opts.notify ?? 'instant';
      if (!NOTIFY_MODES.includes(notify))
        throw new InvalidInputError(`notify must be one of ${NOTIFY_MODES.join(', ')}, got '${notify}'.`);
      const existing = await store.subscriptions.findByUrl(resolved.url);
      if (existing) throw new DuplicateSubscriptionError(existing);
      let sub: Subscription;
      try {
        sub = await store.subscriptions.create(
          {
            ...resolved,
            filters,
            backfill,
            notify,
            ...(opts.userId !== undefined ? { userId: opts.userId } : {}),
            ...(opts.chatId !== undefined ? { chatId: opts.chatId } : {}),
          },
          now(),
        );
      } catch (e) {
        // Two subscribers at once: the unique index decided.
        const raced = await store.subscriptions.findByUrl(resolved.url);
        if (raced) throw new DuplicateSubscriptionError(raced);
        throw e;
      }
      await wake();
      return view(sub);
    },
    async list(opts = {}) {
      return Promise.all((await store.subscriptions.list(opts)).map(view));
    },
    async get(id) {
      const s = await store.subscriptions.get(id);
      return s ? view(s) : undefined;
    },
    async entries(id, opts = {}) {
      await must(id);
      return store.subscriptions.entries({ subscriptionId: id, ...opts });
    },
    async remove(id) {
      return store.subscriptions.remove(id);
    },
    async check(id) {
      const s = await must(id);
      const updated = await store.subscriptions.update(s.id, { nextCheckAt: now(), status: 'active' });
      await wake();
      return view(updated);
    },
    async pause(id) {
      await must(id);
      return view(await store.subscriptions.update(id, { status: 'paused' }));
    },
    async resume(id) {
      await must(id);
      const s = await store.subscriptions.update(id, { status: 'active' });
      if (s.nextCheckAt <= now()) await wake();
      return view(s);
    },
    async setNotify(id, mode, chatId) {
      await must(id);
      if (!NOTIFY_MODES.includes(mode))
        throw new InvalidInputError(`notify must be one of ${NOTIFY_MODES.join(', ')}, got '${mode}'.`);
      return view(
        await store.subscriptions.update(id, { notify: mode, ...(chatId !== undefined ? { chatId } : {}) }),
      );
    },
  };
}
