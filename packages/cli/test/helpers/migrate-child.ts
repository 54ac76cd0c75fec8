/*
 * A separate process that migrates an installation: `node --import tsx migrate-child.ts <url> <startAtMs>`.
 * Waits until startAtMs so several of them migrate at the same moment, then prints "migrated".
 */
import { openDatabase } from '@llm-rag-yt/orchestrator';
import { migrateAll } from '../../src/schema.ts';

const [url, startAt] = process.argv.slice(2);
const handle = await openDatabase(url!);
await new Promise((r) => setTimeout(r, Math.max(0, Number(startAt) - Date.now())));
try {
  await migrateAll(handle, { bot: true });
  process.stdout.write('migrated\n');
} finally {
  await handle.close();
}
