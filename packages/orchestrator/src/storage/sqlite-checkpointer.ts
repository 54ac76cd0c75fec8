import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * WAL checkpoints on a worker thread, so the event loop never waits for them.
 *
 * SQLite's automatic checkpoint runs inside whichever commit pushes the WAL past its threshold: that
 * commit copies pages back and fsyncs (synchronous=NORMAL syncs only at checkpoints) — 5–40 ms during
 * which this process's event loop (daemon, executor, web server) stands still. Here a second connection
 * on a worker thread runs PASSIVE checkpoints (they never wait for readers or writers) every
 * `intervalMs`; the main connection keeps a high automatic threshold only as a safety net, restored to
 * SQLite's default if the worker fails.
 */
export interface WalCheckpointer {
  /** Stops the worker and closes its connection. Idempotent. */
  stop(): Promise<void>;
}

export const WAL_SAFETY_NET_PAGES = 20_000;
export const SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES = 1000;

// Plain CommonJS so the worker needs no TypeScript loader; the driver path comes from this package.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.filename, { fileMustExist: true });
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (e) { parentPort.postMessage({ error: String(e && e.message || e) }); }
}, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

let driverPath: string | undefined;

export function startWalCheckpointer(
  filename: string,
  onFailure: (message: string) => void,
  intervalMs = 200,
): WalCheckpointer {
  driverPath ??= createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { driver: driverPath, filename, intervalMs },
  });
  worker.unref();
  let stopping: Promise<void> | undefined;
  let failed = false;
  const fail = (message: string) => {
    if (failed || stopping) return;
    failed = true;
    onFailure(message);
  };
  worker.on('message', (m: { error?: string }) => {
    // A single failed checkpoint (e.g. the file is locked for a moment) is retried next interval.
    if (m.error && /no such table|not a database|unable to open/i.test(m.error)) fail(m.error);
  });
  worker.on('error', (e) => fail(e.message));
  worker.on('exit', (code) => fail(`checkpoint worker exited with code ${code}`));
  return {
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        if (failed) return resolve();
        worker.once('exit', () => resolve());
        worker.ref(); // keep the process alive until the worker has closed its connection
        worker.postMessage('stop');
        // A worker stuck in a checkpoint is terminated rather than holding up close().
        setTimeout(() => void worker.terminate(), 2000).unref();
      });
      return stopping;
    },
  };
}
