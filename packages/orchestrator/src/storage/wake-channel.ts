/**
 * The daemon's wake-up channel on PostgreSQL (LISTEN/NOTIFY): one per schema, so installations sharing
 * a database do not wake each other. Wake requests (a sensor or the run queue, from the CLI, web or bot)
 * notify with an empty payload; a run reaching its end notifies with RUN_ENDED_PAYLOAD (a slot freed),
 * sent by the storage statement that ends it.
 */
export function wakeChannel(schema: string | null): string {
  return `llm_rag_yt_wake_${(schema ?? 'public').toLowerCase()}`.slice(0, 63);
}

export const RUN_ENDED_PAYLOAD = 'run-ended';
