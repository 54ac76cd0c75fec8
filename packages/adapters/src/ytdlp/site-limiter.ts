import { randomUUID } from 'node:crypto';
import { abortableSleep } from '@llm-rag-yt/orchestrator';

/*
 * At most N yt-dlp calls per site at once (YTDLP_CONCURRENCY_PER_SITE): sites answer bursts with bot
 * checks and HTTP 429. In this process, waiters are served in arrival order and a waiter whose run is
 * canceled leaves the queue. With `shared` leases (the orchestrator's lease table, which every process
 * of an installation reaches: workers on other machines too), the limit holds across processes: a call
 * also holds one of N leases named per site, renewed while it runs and expiring after `ttlMs` when its
 * process dies.
 */

/** Where the cross-process slots live: the orchestrator's DaemonStorage lease calls. */
export interface SiteLeases {
  acquireLease(name: string, holder: string, now: number, ttlMs: number): Promise<boolean>;
  releaseLease(name: string, holder: string): Promise<void>;
}

export interface SharedSiteSlots {
  leases: SiteLeases;
  /** Names this process in lease rows (hostname:pid); each call adds its own suffix. */
  holder: string;
  /** A dead process's slot frees after this long. Default 60 s; renewed every third of it. */
  ttlMs?: number;
  /** How often a waiter retries when every slot is held elsewhere. Default 1 s. */
  pollMs?: number;
  /** The lease store failed: the call goes ahead without a shared slot (downloads must not stop for it). */
  onError?: (error: unknown) => void;
}

export interface SiteWait {
  /** Called once when the call has to wait for a slot held by another process. */
  onWait?: (site: string) => void;
}

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
  constructor(
    readonly limit: number,
    private readonly shared?: SharedSiteSlots,
  ) {}

  /** Calls in flight for `site` in this process (for tests and status). */
  inFlight(site: string): number {
    return this.active.get(site) ?? 0;
  }

  async run<T>(url: string, fn: () => Promise<T>, signal?: AbortSignal, wait?: SiteWait): Promise<T> {
    if (this.limit <= 0) return fn();
    const site = siteOf(url);
    await this.acquire(site, signal);
    try {
      const slot = this.shared ? await this.acquireShared(this.shared, site, signal, wait) : null;
      try {
        return await fn();
      } finally {
        await slot?.release();
      }
    } finally {
      this.release(site);
    }
  }

  /**
   * One of the site's `limit` leases, tried in order; waits `pollMs` between rounds while all are held
   * by other processes. The lease is renewed while the call runs. Null when the lease store failed.
   */
  private async acquireShared(
    shared: SharedSiteSlots,
    site: string,
    signal: AbortSignal | undefined,
    wait: SiteWait | undefined,
  ): Promise<{ release: () => Promise<void> } | null> {
    const ttl = shared.ttlMs ?? 60_000;
    const holder = `${shared.holder}:${randomUUID().slice(0, 8)}`;
    let waited = false;
    for (;;) {
      signal?.throwIfAborted();
      let name: string | null = null;
      try {
        for (let i = 0; i < this.limit && !name; i++) {
          const candidate = `yt-dlp-site:${site}:${i}`;
          if (await shared.leases.acquireLease(candidate, holder, Date.now(), ttl)) name = candidate;
        }
      } catch (e) {
        shared.onError?.(e);
        return null;
      }
      if (name) {
        const held = name;
        const renew = setInterval(() => {
          shared.leases.acquireLease(held, holder, Date.now(), ttl).catch((e) => shared.onError?.(e));
        }, ttl / 3);
        renew.unref?.();
        return {
          release: async () => {
            clearInterval(renew);
            await shared.leases.releaseLease(held, holder).catch((e) => shared.onError?.(e));
          },
        };
      }
      if (!waited) {
        waited = true;
        wait?.onWait?.(site);
      }
      await abortableSleep(shared.pollMs ?? 1000, signal);
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
