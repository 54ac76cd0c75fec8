import { DIALECTS, openTestDatabase, type TestDatabase } from '@llm-rag-yt/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createProgressMessageStore } from '../src/progress-store.ts';

for (const dialect of DIALECTS) {
  describe(`bot_progress_messages on ${dialect}`, () => {
    let db: TestDatabase | undefined;
    afterAll(() => db?.cleanup());

    it('stores, replaces, lists and forgets progress messages; survives reopening the database', async () => {
      db = await openTestDatabase(dialect, { prefix: 'bot_progress' });
      let handle = db.handle;
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

        handle = await db.openPeer();
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
