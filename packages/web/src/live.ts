import { useEffect, useRef } from 'react';
import { authHeaders } from './api.ts';

export interface LiveEvent {
  id: number;
  runId: string;
  timestamp: number;
  type: string;
  level: string;
  stepKey: string | null;
  message: string;
  data: Record<string, unknown> | null;
}

export type LiveMessage =
  | { kind: 'events'; events: LiveEvent[] }
  | { kind: 'run'; runId: string; type: string }
  | { kind: 'alerts'; open: number };

type Listener = (m: LiveMessage) => void;
const listeners = new Set<Listener>();
let started = false;
let lastId: string | null = null;

/**
 * One shared SSE connection to /api/events/stream, read with fetch so the Bearer token goes in a
 * header (EventSource cannot send headers, and tokens must not appear in URLs). Reconnects with
 * Last-Event-ID after errors.
 */
function start(): void {
  if (started) return;
  started = true;
  const loop = async () => {
    for (;;) {
      try {
        const headers: Record<string, string> = { ...authHeaders(), accept: 'text/event-stream' };
        if (lastId) headers['last-event-id'] = lastId;
        const res = await fetch('/api/events/stream', { headers });
        if (!res.ok || !res.body) throw new Error(`stream HTTP ${res.status}`);
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buf = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value;
          let i = buf.indexOf('\n\n');
          while (i >= 0) {
            dispatch(buf.slice(0, i));
            buf = buf.slice(i + 2);
            i = buf.indexOf('\n\n');
          }
        }
      } catch {
        // fall through to retry
      }
      await new Promise((r) => setTimeout(r, 2000));
    }
  };
  void loop();
}

function dispatch(block: string): void {
  let event = 'message';
  let data = '';
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data += line.slice(5).trimStart();
    else if (line.startsWith('id:')) lastId = line.slice(3).trim();
  }
  let msg: LiveMessage | null = null;
  try {
    if (event === 'events') msg = { kind: 'events', events: JSON.parse(data) };
    else if (event === 'run') msg = { kind: 'run', ...JSON.parse(data) };
    else if (event === 'alerts') msg = { kind: 'alerts', ...JSON.parse(data) };
  } catch {
    msg = null;
  }
  if (msg) for (const l of listeners) l(msg);
}

/** Calls `onMessage` for every live message while the component is mounted. */
export function useLive(onMessage: Listener): void {
  const ref = useRef(onMessage);
  ref.current = onMessage;
  useEffect(() => {
    start();
    const l: Listener = (m) => ref.current(m);
    listeners.add(l);
    return () => {
      listeners.delete(l);
    };
  }, []);
}

/** Debounced reload on matching live messages (e.g. refresh a list when any run changes). */
export function useLiveReload(reload: () => void, match: (m: LiveMessage) => boolean, delayMs = 250): void {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useLive((m) => {
    if (!match(m) || timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      reload();
    }, delayMs);
  });
}

/**
 * Calls `reload` every `everyMs` while the tab is visible: for state that changes without a run
 * event (a sensor tick marks subscription entries indexed), and times shown relative to now.
 */
export function usePolling(reload: () => void, everyMs: number): void {
  const ref = useRef(reload);
  ref.current = reload;
  useEffect(() => {
    const t = setInterval(() => {
      if (document.visibilityState === 'visible') ref.current();
    }, everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
}
