/*
 * At most N yt-dlp calls per site at once in this process (YTDLP_CONCURRENCY_PER_SITE), across all
 * runs the process executes: sites answer bursts with bot checks and HTTP 429. Waiters are served
 * in arrival order; a waiter whose run is canceled leaves the queue.
 */

/** youtube.com for www./m./music.youtube.com, youtu.be and youtube-nocookie.com; else the host without www./m. */
export function siteOf(url: string): string {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return url.slice(0, 100);
  }
  host = host.replace(/\.$/, '');
  if (host === 'youtu.be' || /(^|\.)youtube(-nocookie)?\.com$/.test(host)) return 'youtube.com';
  return host.replace(/^(www|m)\./, '');
}

export class SiteLimiter {
  private readonly active = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();

  /** limit ≤ 0: no limit. */
  constructor(readonly limit: number) {}

  /** Calls in flight for `site` (for tests and status). */
  inFlight(site: string): number {
    return this.active.get(site) ?? 0;
  }

  async run<T>(url: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.limit <= 0) return fn();
    const site = siteOf(url);
    await this.acquire(site, signal);
    try {
      return await fn();
    } finally {
      this.release(site);
    }
  }

  private acquire(site: string, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const n = this.active.get(site) ?? 0;
    if (n < this.limit) {
      this.active.set(site, n + 1);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const queue = this.waiting.get(site) ?? [];
      this.waiting.set(site, queue);
      const onAbort = () => {
        const i = queue.indexOf(grant);
        if (i >= 0) queue.splice(i, 1);
        reject(signal!.reason);
      };
      // release() hands its slot over directly: the count stays, the waiter runs.
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      queue.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private release(site: string): void {
    const next = this.waiting.get(site)?.shift();
    if (next) {
      next();
      return;
    }
    const n = (this.active.get(site) ?? 1) - 1;
    if (n <= 0) {
      this.active.delete(site);
      this.waiting.delete(site);
    } else this.active.set(site, n);
  }
}
