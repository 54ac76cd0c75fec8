/** Thrown when user code (a sensor evaluation) does not settle in time. */
export class TimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not finish within ${ms} ms; it was aborted. Make it faster or raise the timeout.`);
    this.name = 'TimeoutError';
  }
}

/**
 * Runs `fn` with an AbortSignal and rejects after `ms` even if `fn` ignores the signal, so a
 * hanging sensor cannot hang the daemon. The abandoned promise is left to settle on its own.
 */
export async function withTimeout<T>(
  what: string,
  ms: number,
  fn: (signal: AbortSignal) => Promise<T> | T,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new TimeoutError(what, ms);
      controller.abort(err);
      reject(err);
    }, ms);
  });
  try {
    return await Promise.race([Promise.resolve().then(() => fn(controller.signal)), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
