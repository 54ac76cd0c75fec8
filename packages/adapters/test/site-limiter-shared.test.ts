import { createSqlStorage, type Storage } from '@llm-rag-yt/orchestrator';
import { DIALECTS, openTestDatabase, type TestDatabase } from '@llm-rag-yt/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SiteLimiter } from '../src/ytdlp/site-limiter.ts';

/*
 * YTDLP_CONCURRENCY_PER_SITE across processes: two limiters on two database handles (as two workers
 * on two machines would have) share the orchestrator's lease table of a real database.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(DIALECTS)('per-site slots shared through leases (%s)', (dialect) => {
  let db: TestDatabase;
  let a: Storage;
  let b: Storage;
  beforeAll(async () => {
    db = await openTestDatabase(dialect, { prefix: 'site_slots' });
    a = createSqlStorage(db.handle);
    await a.migrate();
    b = createSqlStorage(await db.openPeer());
  });
  afterAll(() => db.cleanup());

  it('at most N calls per site run at once across both processes; other sites are not held up', async () => {
    const one = new SiteLimiter(2, { leases: a.daemon, holder: 'host-a:1', pollMs: 20 });
    const two = new SiteLimiter(2, { leases: b.daemon, holder: 'host-b:2', pollMs: 20 });
    let running = 0;
    let most = 0;
    const work = async () => {
      running++;
      most = Math.max(most, running);
      await sleep(60);
      running--;
    };
    const waits: string[] = [];
    const calls = Array.from({ length: 8 }, (_, i) =>
      (i % 2 ? one : two).run(`https://youtu.be/v${i}`, work, undefined, { onWait: (s) => waits.push(s) }),
    );
    await sleep(30);
    // youtube.com is full; another site goes ahead at once.
    const t0 = Date.now();
    await one.run('https://vimeo.com/1', async () => {});
    expect(Date.now() - t0).toBeLessThan(1000);
    await Promise.all(calls);
    expect(most).toBe(2);
    expect(waits.length).toBeGreaterThan(0);
    expect(waits.every((s) => s === 'youtube.com')).toBe(true);
    // Every slot was given back.
    expect(await a.daemon.acquireLease('yt-dlp-site:youtube.com:0', 'probe', Date.now(), 1000)).toBe(true);
    expect(await a.daemon.acquireLease('yt-dlp-site:youtube.com:1', 'probe', Date.now(), 1000)).toBe(true);
    await a.daemon.releaseLease('yt-dlp-site:youtube.com:0', 'probe');
    await a.daemon.releaseLease('yt-dlp-site:youtube.com:1', 'probe');
  });

  it("a dead process's slot frees when its lease expires; a waiter canceled meanwhile holds nothing", async () => {
    // A worker that died mid-download: its lease stays until it expires.
    expect(await a.daemon.acquireLease('yt-dlp-site:example.org:0', 'dead-host:9:x', Date.now(), 400)).toBe(
      true,
    );
    const limiter = new SiteLimiter(1, { leases: b.daemon, holder: 'host-b:2', pollMs: 25 });
    const ac = new AbortController();
    const canceled = limiter.run('https://example.org/a', async () => 'ran', ac.signal);
    await sleep(50);
    ac.abort(new Error('run canceled'));
    await expect(canceled).rejects.toThrow('run canceled');
    const t0 = Date.now();
    await expect(limiter.run('https://example.org/b', async () => 'after expiry')).resolves.toBe(
      'after expiry',
    );
    const waited = Date.now() - t0;
    expect(waited).toBeGreaterThan(200);
    expect(waited).toBeLessThan(3000);
  });

  it('a lease store that fails lets the call go ahead and says so', async () => {
    // A database without the orchestrator's tables: every lease call fails for real.
    const empty = await openTestDatabase(dialect, { prefix: 'site_slots_empty' });
    try {
      const errors: unknown[] = [];
      const limiter = new SiteLimiter(1, {
        leases: createSqlStorage(empty.handle).daemon,
        holder: 'h',
        onError: (e) => errors.push(e),
      });
      await expect(limiter.run('https://youtu.be/x', async () => 'ran')).resolves.toBe('ran');
      expect(errors.length).toBe(1);
      expect(String(errors[0])).toMatch(/leases/);
    } finally {
      await empty.cleanup();
    }
  });
});
