import type { NewRunEvent } from '../runs/types.ts';
import type { EventStorage } from '../storage/types.ts';

/**
 * Collects a run's events and writes them in batches, so a short run costs one `appendEvents` statement
 * instead of one per event. Writes are serialized, keeping event order. ASSET_MATERIALIZATION events with
 * `data.assetKey` are indexed as materializations by `appendEvents` itself (same transaction).
 * Events pushed after `close()` (from abandoned user code) are dropped on purpose: the run has ended.
 */
export class EventBuffer {
  private events: NewRunEvent[] = [];
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown = null;
  private closed = false;

  constructor(
    private readonly storage: EventStorage,
    /** Longest an event waits before it is written, so live views stay current during long steps. */
    private readonly flushDelayMs = 100,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  push(...events: NewRunEvent[]): void {
    if (this.closed) return;
    this.events.push(...events);
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.flush().catch(() => {});
      }, this.flushDelayMs);
      this.timer.unref?.();
    }
  }

  /** Writes everything pushed so far. Rejects if this or an earlier background write failed. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const events = this.events;
    this.events = [];
    this.chain = this.chain.then(async () => {
      try {
        if (events.length) await this.storage.appendEvents(events);
      } catch (e) {
        this.failure ??= e;
        this.onError(e);
      }
    });
    return this.chain.then(() => {
      if (this.failure) throw this.failure;
    });
  }

  /**
   * Stops accepting events and returns those not yet written, once earlier writes have settled, so the
   * caller can write them together with something else (the run's final status). Never rejects: a failed
   * earlier write was already reported through `onError`.
   */
  async takeRest(): Promise<NewRunEvent[]> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    await this.chain;
    this.closed = true;
    const rest = this.events;
    this.events = [];
    return rest;
  }

  /** Flushes and stops accepting events. */
  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      this.closed = true;
    }
  }
}
