import net from 'node:net';

const ignored = new WeakSet<object>();

/**
 * Counts socket writes by remote port (5432 PostgreSQL, 6379 Redis…): each is one syscall and, for a
 * request/response protocol, about one round trip — on loopback the most expensive thing a run does.
 * Patches net.Socket for this process; call once at start-up.
 */
export function countSocketWrites(): () => Record<string, number> {
  const counts: Record<string, number> = {};
  const proto = net.Socket.prototype as unknown as {
    _writeGeneric: (this: net.Socket, ...args: unknown[]) => unknown;
  };
  const original = proto._writeGeneric;
  proto._writeGeneric = function (this: net.Socket, ...args: unknown[]) {
    if (!ignored.has(this)) {
      const port = String(this.remotePort ?? 'other');
      counts[port] = (counts[port] ?? 0) + 1;
    }
    return original.apply(this, args);
  };
  return () => ({ ...counts });
}

/** Leaves a socket out of the counts (the benchmark's own watching). */
export function ignoreSocket(socket: object): void {
  ignored.add(socket);
}

/** The port of a postgres:// or redis:// URL, as countSocketWrites keys it. */
export function portOf(url: string, fallback: string): string {
  return new URL(url).port || fallback;
}
