/**
 * The daemon loop's pause between iterations. Ends early when there is something to do:
 * an in-process wake, a wake request row in the database (polled), or — while runs are waiting
 * for a slot — a local run finishing. Only a pause: all decisions stay in runIteration.
 */
export interface IdleWaitOptions {
  readonly maxMs: number;
  /** Polled every `pollMs`; true ends the wait (e.g. a wake request row exists). */
  readonly poll?: () => Promise<boolean>;
  readonly pollMs: number;
  /** Checked often and cheaply (in memory); true ends the wait (e.g. a local slot freed up). */
  readonly fastCheck?: () => boolean;
  readonly fastCheckMs: number;
}

export class IdleWait {
  #wake: (() => void) | null = null;
  #woken = false;

  /** Ends the current wait (or the next one, if none is in progress). */
  wake(): void {
    this.#woken = true;
    this.#wake?.();
  }

  async wait(opts: IdleWaitOptions): Promise<void> {
    if (this.#woken) {
      this.#woken = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timers: NodeJS.Timeout[] = [];
      let polling = false;
      const done = () => {
        for (const t of timers) clearTimeout(t);
        this.#wake = null;
        this.#woken = false;
        resolve();
      };
      this.#wake = done;
      timers.push(setTimeout(done, opts.maxMs));
      if (opts.poll) {
        const poll = opts.poll;
        timers.push(
          setInterval(() => {
            if (polling) return;
            polling = true;
            poll()
              .then((yes) => yes && done())
              .catch(() => {})
              .finally(() => {
                polling = false;
              });
          }, opts.pollMs),
        );
      }
      if (opts.fastCheck) {
        const check = opts.fastCheck;
        timers.push(setInterval(() => check() && done(), opts.fastCheckMs));
      }
    });
  }
}
