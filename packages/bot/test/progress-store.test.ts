import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DatabaseHandle, openDatabase } from '@llm-rag-yt/orchestrator';
import { TEST_DATABASE_URL } from '@llm-rag-yt/testing';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createProgressMessageStore } from '../src/progress-store.ts';

const PG_ADMIN = TEST_DATABASE_URL;
const PG_SCHEMA = `bot_progress_test_${process.pid}`;
const tmp = mkdtempSync(join(tmpdir(), 'bot-progress-'));

const targets: { name: string; open(): Promise<DatabaseHandle>; cleanup(): Promise<void> }[] = [
  {
    name: 'sqlite',
    open: () => openDatabase(`sqlite:${join(tmp, 'state.db')}`),
    cleanup: async () => rmSync(tmp, { recursive: true, force: true }),
  },
  {
    name: 'postgres',
    open: () => openDatabase(`${PG_ADMIN}?schema=${PG_SCHEMA}`),
    cleanup: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS "${PG_SCHEMA}" CASCADE`);
      await c.end();
    },
  },
];

for (const target of targets) {
  describe(`bot_progress_messages on ${target.name}`, () => {
    afterAll(() => target.cleanup());

    it('stores, replaces, lists and forgets progress messages; survives reopening the database', async () => {
      let handle = await target.open();
      try {
        const store = createProgressMessageStore(handle, () => 1000);
        await store.migrate();
        await store.migrate(); // idempotent
        // Telegram ids beyond 2^31 (supergroups, big message ids) must round-trip.
        const group = -1001234567890;
        await store.save({
          requestId: 7,
          chatId: group,
          messageId: 3_000_000_001,
          userId: 42,
          expands: true,
          shown: '',
        });
        await store.save({ requestId: 3, chatId: 42, messageId: 5, userId: 42, expands: false, shown: 'a' });
        // Retry re-uses a request's row with the message it now lives in.
        await store.save({ requestId: 3, chatId: 42, messageId: 6, userId: 42, expands: false, shown: 'b' });
        await store.setShown(7, 'shown-key');
        expect(await store.list()).toEqual([
          { requestId: 3, chatId: 42, messageId: 6, userId: 42, expands: false, shown: 'b' },
          {
            requestId: 7,
            chatId: group,
            messageId: 3_000_000_001,
            userId: 42,
            expands: true,
            shown: 'shown-key',
          },
        ]);
        await handle.close();

        handle = await target.open();
        const again = createProgressMessageStore(handle);
        expect((await again.list()).map((m) => m.requestId)).toEqual([3, 7]);
        await again.remove(3);
        await again.remove(3); // removing twice is harmless
        expect(await again.get(3)).toBeNull();
        expect(await again.get(7)).toMatchObject({ messageId: 3_000_000_001, expands: true });
      } finally {
        await handle.close();
      }
    });
  });
}
