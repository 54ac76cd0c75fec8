import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { type EgressPolicy, EgressRefusedError } from './policy.ts';

/*
 * yt-dlp follows redirects, meta-refresh and manifest URLs itself, so checking the URL we hand it
 * is not enough. Every yt-dlp call is made with `--proxy` pointing at this small proxy on
 * 127.0.0.1: it resolves each target (CONNECT host:port for https, absolute-form requests for
 * http), refuses non-public addresses before any connection is made (so closed and open ports
 * look the same) and connects to the vetted address. An upstream proxy (YTDLP_PROXY) is honoured:
 * the check happens here, then the request is forwarded through it.
 */

export interface EgressProxyOptions {
  policy: EgressPolicy;
  /** Forward allowed traffic through this HTTP proxy (`http://host:port`). */
  upstream?: string | null;
}

export interface EgressProxy {
  /** `http://127.0.0.1:PORT`, for `--proxy`. */
  readonly url: string;
  /** Refusals so far (newest last), to turn yt-dlp's "403 from proxy" into the real reason. */
  readonly refusals: readonly EgressRefusedError[];
  close(): Promise<void>;
}

const REFUSED_BODY = 'Refused by the egress policy: the target is not a public address.\n';

function splitHostPort(authority: string, defaultPort: number): { host: string; port: number } | null {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(authority);
  if (!m) return null;
  const port = m[2] ? Number(m[2]) : defaultPort;
  if (port < 1 || port > 65535) return null;
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

export async function startEgressProxy(opts: EgressProxyOptions): Promise<EgressProxy> {
  const { policy } = opts;
  const upstream = opts.upstream ? new URL(opts.upstream) : null;
  const refusals: EgressRefusedError[] = [];
  const sockets = new Set<Duplex>();

  const vet = async (host: string): Promise<string> => {
    try {
      const [first] = await policy.resolve(host);
      return first!.address;
    } catch (e) {
      const refused =
        e instanceof EgressRefusedError ? e : new EgressRefusedError(host, 'it could not be checked');
      refusals.push(refused);
      throw refused;
    }
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      let target: URL;
      try {
        target = new URL(req.url ?? '');
        if (target.protocol !== 'http:') throw new Error('not http');
      } catch {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('Send absolute-form http:// requests.\n');
        return;
      }
      let address: string;
      try {
        address = await vet(target.hostname.replace(/^\[|\]$/g, ''));
      } catch {
        res.writeHead(403, { 'content-type': 'text/plain' }).end(REFUSED_BODY);
        return;
      }
      const headers = { ...req.headers };
      delete headers['proxy-connection'];
      delete headers['proxy-authorization'];
      const forward = httpRequest(
        upstream
          ? {
              host: upstream.hostname,
              port: Number(upstream.port || 80),
              path: target.href,
              method: req.method,
              headers,
            }
          : {
              host: address,
              port: Number(target.port || 80),
              path: `${target.pathname}${target.search}`,
              method: req.method,
              headers: { ...headers, host: target.host },
            },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      forward.on('error', () => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end('Upstream connection failed.\n');
      });
      req.pipe(forward);
    })();
  });

  server.on('connect', (req: IncomingMessage, client: Duplex, head: Buffer) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    void (async () => {
      const target = splitHostPort(req.url ?? '', 443);
      if (!target) {
        client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
        return;
      }
      let address: string;
      try {
        address = await vet(target.host);
      } catch {
        client.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n\r\n${REFUSED_BODY}`);
        return;
      }
      const onUp = (up: Socket, afterConnect: () => void) => {
        let connected = false;
        sockets.add(up);
        up.on('close', () => sockets.delete(up));
        up.on('error', () => {
          if (!connected) client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
          else client.destroy();
        });
        client.on('close', () => up.destroy());
        up.once('connect', () => {
          connected = true;
          afterConnect();
        });
      };
      if (upstream) {
        const up = connect(Number(upstream.port || 80), upstream.hostname);
        onUp(up, () => {
          // Tunnel through the upstream proxy to the checked host name; its answer goes to the client.
          up.write(`CONNECT ${req.url} HTTP/1.1\r\nHost: ${req.url}\r\n\r\n`);
          if (head.length) up.write(head);
          up.pipe(client);
          client.pipe(up);
        });
      } else {
        const up = connect(target.port, address);
        onUp(up, () => {
          client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
          if (head.length) up.write(head);
          up.pipe(client);
          client.pipe(up);
        });
      }
    })();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    refusals,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
