import type { RunEvent } from '@llm-rag-yt/orchestrator';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import type { AppOptions } from '../types.ts';
import { qInt, readQuery } from '../validation.ts';

/** Events that change a run's status; the stream sends a `run` message for each. */
const RUN_STATUS_EVENTS = new Set([
  'RUN_ENQUEUED',
  'RUN_STARTING',
  'RUN_START',
  'RUN_SUCCESS',
  'RUN_FAILURE',
  'RUN_CANCELING',
  'RUN_CANCELED',
]);
const BATCH = 500;
const ALERT_POLL_EVERY = 7; // × poll interval ≈ 2 s

/**
 * GET /api/events/stream — server-sent events tailing the global event log through storage, so it
 * sees runs executed by any process (daemon, workers). Messages:
 * - `events`: array of new run events (step events, logs, materializations), oldest first;
 * - `run`: `{ runId, type, timestamp }` for each run status change;
 * - `alerts`: `{ open }` whenever the set of open/acknowledged alerts changes.
 * Resumes after `Last-Event-ID` (or `?afterId=`); starts at the newest event otherwise.
 */
export function streamRoutes(opts: AppOptions): Hono {
  const { instance } = opts;
  const pollMs = opts.streamPollMs ?? 300;
  const app = new Hono();

  app.get('/stream', async (c) => {
    const q = readQuery(c, z.object({ afterId: qInt(0, Number.MAX_SAFE_INTEGER).optional() }));
    const lastHeader = c.req.header('last-event-id');
    let cursor =
      lastHeader && /^\d+$/.test(lastHeader)
        ? Number(lastHeader)
        : (q.afterId ?? (await instance.storage.events.maxEventId()));
    return streamSSE(c, async (stream) => {
      let closed = false;
      stream.onAbort(() => {
        closed = true;
      });
      let alertKey = '';
      let tick = 0;
      await stream.writeSSE({ event: 'hello', data: JSON.stringify({ afterId: cursor }) });
      while (!closed) {
        let events: RunEvent[] = [];
        try {
          events = await instance.storage.events.listEventsAfter(cursor, { limit: BATCH });
        } catch (err) {
          opts.logger.warn({ err }, 'event stream: could not read events');
        }
        if (events.length) {
          cursor = events[events.length - 1]!.id;
          await stream.writeSSE({ event: 'events', id: String(cursor), data: JSON.stringify(events) });
          for (const e of events) {
            if (RUN_STATUS_EVENTS.has(e.type)) {
              await stream.writeSSE({
                event: 'run',
                data: JSON.stringify({ runId: e.runId, type: e.type, timestamp: e.timestamp }),
              });
            }
          }
        }
        if (opts.rag && tick % ALERT_POLL_EVERY === 0) {
          try {
            const alerts = await opts.rag.listAlerts({ limit: 200 });
            const active = alerts.filter((a) => a.status !== 'resolved');
            const key = alerts.map((a) => `${a.id}:${a.status}:${a.updatedAt}`).join(',');
            if (key !== alertKey) {
              if (alertKey !== '' || active.length)
                await stream.writeSSE({ event: 'alerts', data: JSON.stringify({ open: active.length }) });
              alertKey = key;
            }
          } catch (err) {
            opts.logger.warn({ err }, 'event stream: could not read alerts');
          }
        }
        tick += 1;
        // A full batch means we are behind: read again at once instead of sleeping.
        if (events.length < BATCH) await stream.sleep(pollMs);
        if (tick % 50 === 0) await stream.writeSSE({ event: 'ping', data: String(Date.now()) });
      }
    });
  });

  return app;
}
