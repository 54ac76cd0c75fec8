import { applyMigrationSet, type DatabaseHandle, type MigrationSet } from '@llm-rag-yt/orchestrator';
import type { Kysely, Migration } from 'kysely';

/*
 * Where each request's progress message lives in Telegram, kept in the database so a restarted
 * bot goes on editing the same messages. The bot's own migration set ('bot_migrations') beside
 * the orchestrator's and the RAG store's, on the same handle; works on SQLite and PostgreSQL.
 */

/** One progress message: the request it follows and its place in Telegram. */
export interface ProgressMessage {
  readonly requestId: number;
  readonly chatId: number;
  readonly messageId: number;
  readonly userId: number;
  /** The request is a playlist/channel/page link whose videos get their own messages. */
  readonly expands: boolean;
  /** viewKey of the last rendering Telegram accepted ('' = unknown: edit on the next pass). */
  readonly shown: string;
}

export interface ProgressMessageStore {
  /** Creates the table when missing; idempotent, and every other method awaits it first. */
  migrate(): Promise<void>;
  /** Inserts or replaces the message of a request (Retry re-uses the old message). */
  save(m: ProgressMessage): Promise<void>;
  /** Records what the message shows now, so a restart does not repeat the edit. */
  setShown(requestId: number, shown: string): Promise<void>;
  get(requestId: number): Promise<ProgressMessage | null>;
  /** Every stored message, oldest request first (the bot resumes them on start). */
  list(): Promise<ProgressMessage[]>;
  remove(requestId: number): Promise<void>;
}

const TABLE = 'bot_progress_messages';

function init(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable(TABLE)
        .addColumn('request_id', 'bigint', (c) => c.primaryKey())
        .addColumn('chat_id', 'bigint', (c) => c.notNull())
        .addColumn('message_id', 'bigint', (c) => c.notNull())
        .addColumn('user_id', 'bigint', (c) => c.notNull())
        .addColumn('expands', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('shown', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}

/** The bot's table: where each request's progress message lives in Telegram. */
export const BOT_MIGRATIONS: MigrationSet = Object.freeze({
  owner: 'Telegram bot',
  migrationTable: 'bot_migrations',
  tables: [TABLE],
  hint: 'The database may be from a newer version or partly migrated; check the bot_migrations table.',
  migrations: () => ({ '0001_bot_progress_messages': init() }),
});

interface Row {
  request_id: number | string;
  chat_id: number | string;
  message_id: number | string;
  user_id: number | string;
  expands: number | string;
  shown: string;
}

// Postgres returns bigint as a string; ids here fit in a double.
const fromRow = (r: Row): ProgressMessage => ({
  requestId: Number(r.request_id),
  chatId: Number(r.chat_id),
  messageId: Number(r.message_id),
  userId: Number(r.user_id),
  expands: Number(r.expands) === 1,
  shown: r.shown,
});

/**
 * @example
 * const messages = createProgressMessageStore(ragStore.handle);
 * await messages.save({ requestId: 7, chatId: 1001, messageId: 42, userId: 1001, expands: false, shown: '' });
 * (await messages.list()).map((m) => m.messageId); // [42]
 */
export function createProgressMessageStore(handle: DatabaseHandle, now = Date.now): ProgressMessageStore {
  const db = handle.db;
  let ready: Promise<void> | null = null;
  const migrate = (): Promise<void> => {
    ready ??= applyMigrationSet(handle, BOT_MIGRATIONS).catch((e) => {
      ready = null; // let a later call try again (e.g. the database was briefly unreachable)
      throw e;
    });
    return ready;
  };
  return {
    migrate,
    async save(m) {
      await migrate();
      const values = {
        request_id: m.requestId,
        chat_id: m.chatId,
        message_id: m.messageId,
        user_id: m.userId,
        expands: m.expands ? 1 : 0,
        shown: m.shown,
        created_at: now(),
      };
      const { request_id: _id, created_at: _at, ...update } = values;
      await db
        .insertInto(TABLE)
        .values(values)
        .onConflict((oc) => oc.column('request_id').doUpdateSet(update))
        .execute();
    },
    async setShown(requestId, shown) {
      await migrate();
      await db.updateTable(TABLE).set({ shown }).where('request_id', '=', requestId).execute();
    },
    async get(requestId) {
      await migrate();
      const row = await db
        .selectFrom(TABLE)
        .selectAll()
        .where('request_id', '=', requestId)
        .executeTakeFirst();
      return row ? fromRow(row as Row) : null;
    },
    async list() {
      await migrate();
      const rows = await db.selectFrom(TABLE).selectAll().orderBy('request_id').execute();
      return rows.map((r) => fromRow(r as Row));
    },
    async remove(requestId) {
      await migrate();
      await db.deleteFrom(TABLE).where('request_id', '=', requestId).execute();
    },
  };
}
