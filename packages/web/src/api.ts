import { useCallback, useEffect, useRef, useState } from 'react';
import type { components, operations } from './api-types.ts';

/**
 * The API's shapes (Run, Alert, AskResult, …, and `<OperationId>Response` per operation), generated
 * from the server's zod contract through its OpenAPI document: pages use these, never their own copies.
 */
export type Schemas = components['schemas'];

/** The JSON body an operation takes, e.g. `RequestBody<'postApiSubscriptions'>`. */
export type RequestBody<Op extends keyof operations> = operations[Op] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;

const TOKEN_KEY = 'llm-rag-yt.token';

export const tokenStore = {
  get: (): string | null => localStorage.getItem(TOKEN_KEY),
  set: (t: string) => localStorage.setItem(TOKEN_KEY, t),
  clear: () => localStorage.removeItem(TOKEN_KEY),
};

/** An API error with the server's message (which says what to fix) and issues when given. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

type Listener = () => void;
const authListeners = new Set<Listener>();
/** Called when the server says 401 so the app can ask for a token. */
export function onUnauthorized(l: Listener): () => void {
  authListeners.add(l);
  return () => authListeners.delete(l);
}

export function authHeaders(): Record<string, string> {
  const t = tokenStore.get();
  return t ? { authorization: `Bearer ${t}` } : {};
}

export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown; signal?: AbortSignal } = {},
): Promise<T> {
  const headers: Record<string, string> = { ...authHeaders() };
  let body: BodyInit | undefined;
  if (init.body instanceof FormData) body = init.body;
  else if (init.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.body);
  }
  let res: Response;
  try {
    res = await fetch(path, {
      method: init.method ?? (body ? 'POST' : 'GET'),
      headers,
      body,
      signal: init.signal,
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'Cannot reach the server. Is it running?');
  }
  const text = await res.text();
  let data: any = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    if (res.status === 401) for (const l of authListeners) l();
    throw new ApiError(res.status, data?.error?.message ?? `HTTP ${res.status}`, data?.error?.issues ?? []);
  }
  return data as T;
}

/**
 * Data a page needs, requested while its code chunk is still downloading (see main.tsx): the first
 * `useApi` of that path takes the response instead of asking again. Entries older than this are stale.
 */
const PREFETCH_MAX_AGE_MS = 10_000;
const prefetched = new Map<string, { at: number; promise: Promise<unknown> }>();

export function prefetch(path: string): void {
  const promise = api(path);
  promise.catch(() => {}); // the page's own useApi reports errors
  prefetched.set(path, { at: Date.now(), promise });
}

function takePrefetched<T>(path: string): Promise<T> | null {
  const hit = prefetched.get(path);
  prefetched.delete(path);
  return hit && Date.now() - hit.at < PREFETCH_MAX_AGE_MS ? (hit.promise as Promise<T>) : null;
}

export interface Loadable<T> {
  data: T | undefined;
  error: ApiError | null;
  loading: boolean;
  reload: () => void;
}

/** Fetches `path` (null = skip), keeping the last data while reloading so live refreshes do not flash. */
export function useApi<T>(path: string | null, deps: unknown[] = []): Loadable<T> {
  const [state, setState] = useState<{ data?: T; error: ApiError | null; loading: boolean }>({
    error: null,
    loading: true,
  });
  const [nonce, setNonce] = useState(0);
  const seq = useRef(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: deps are the caller's.
  useEffect(() => {
    if (!path) return;
    const ctrl = new AbortController();
    const my = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    (takePrefetched<T>(path) ?? api<T>(path, { signal: ctrl.signal }))
      .then((data) => my === seq.current && setState({ data, error: null, loading: false }))
      .catch((e) => {
        if ((e as Error).name === 'AbortError') return;
        if (my === seq.current) setState((s) => ({ ...s, error: e as ApiError, loading: false }));
      });
    return () => ctrl.abort();
  }, [path, nonce, ...deps]);
  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}
