import type { AssetMaterialization, NewRunEvent } from '../runs/types.ts';
import type { EventStorage } from '../storage/types.ts';

type Materialization = Omit<AssetMaterialization, 'id'>;

/**
 * Collects a run's events and materializations and writes them in batches, so a short run costs one
 * `appendEvents` statement instead of one per event. Writes are serialized, keeping event order.
 * Events pushed after `close()` (from abandoned user code) are dropped on purpose: the run has ended.
 */
export class EventBuffer {
  private events: NewRunEvent[] = [];
  private materializations: Materialization[] = [];
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

  push(event: NewRunEvent, materialization?: Materialization): void {
    if (this.closed) return;
    this.events.push(event);
    if (materialization) this.materializations.push(materialization);
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
    const materializations = this.materializations;
    this.events = [];
    this.materializations = [];
    this.chain = this.chain.then(async () => {
      try {
        if (events.length) await this.storage.appendEvents(events);
        for (const m of materializations) await this.storage.addMaterialization(m);
      } catch (e) {
        this.failure ??= e;
        this.onError(e);
      }
    });
    return this.chain.then(() => {
      if (this.failure) throw this.failure;
    });
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
