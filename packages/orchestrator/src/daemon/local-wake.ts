import type { Storage } from '../storage/types.ts';

type Listener = (sensorName: string | null) => void;

// Keyed by the Storage object: an Instance and a Daemon built over the same storage in one process
// reach each other without a database round trip.
const listeners = new WeakMap<Storage, Set<Listener>>();

/** Subscribes to in-process wake-ups for this storage. Returns the unsubscribe function. */
export function onLocalWake(storage: Storage, listener: Listener): () => void {
  let set = listeners.get(storage);
  if (!set) {
    set = new Set();
    listeners.set(storage, set);
  }
  set.add(listener);
  return () => {
    set.delete(listener);
  };
}

/** Wakes daemons running in this process over this storage. Returns how many listened. */
export function emitLocalWake(storage: Storage, sensorName: string | null): number {
  const set = listeners.get(storage);
  for (const l of set ?? []) l(sensorName);
  return set?.size ?? 0;
}
