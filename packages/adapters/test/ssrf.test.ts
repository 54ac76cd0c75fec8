/*
 * SSRF suite: user URLs must not reach loopback, private, link-local or other non-public
 * addresses — neither directly (IP literals in any notation, IPv6, names that resolve inward)
 * nor through redirects, meta-refresh or media URLs that the real yt-dlp follows itself.
 * A canary HTTP server on loopback records every request; it must receive nothing.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EgressPolicy, guardedFetch, startEgressProxy } from '../src/egress/index.ts';
import { FfmpegAudioConverter } from '../src/ffmpeg/index.ts';
import { DownloadFailedError, YtDlpDownloader } from '../src/ytdlp/index.ts';

let canary: Server;
let canary6: Server | null = null;
let canaryPort: number;
const canaryHits: string[] = [];
/** The "outside" site on 127.0.0.2 — allowed by CIDR, like a host on the internet. */
let outside: Server;
let outsideUrl: string;
let dir: string;

const listen = (s: Server, host: string, port = 0) =>
  new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.listen(port, host, () => resolve());
  });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ssrf-'));
  const record = (req: { url?: string }, res: { end(s: string): void }) => {
    canaryHits.push(req.url ?? '');
    res.end('<html><video src="/secret.mp4"></video></html>');
  };
  canary = createServer(record);
  await listen(canary, '127.0.0.1');
  canaryPort = (canary.address() as AddressInfo).port;
  try {
    canary6 = createServer(record);
    await listen(canary6, '::1', canaryPort);
  } catch {
    canary6 = null; // no IPv6 loopback on this machine; the IPv6 cases still must be refused
  }
  const inward = `http://127.0.0.1:${canaryPort}`;
  outside = createServer((req, res) => {
    const url = req.url ?? '';
    if (url === '/redirect') res.writeHead(302, { location: `${inward}/from-redirect` }).end();
    else if (url === '/redirect-localhost')
      res.writeHead(301, { location: `http://localhost:${canaryPort}/from-redirect-name` }).end();
    else if (url === '/redirect-decimal')
      res.writeHead(302, { location: `http://2130706433:${canaryPort}/from-redirect-decimal` }).end();
    else if (url === '/refresh.html')
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(
          `<html><head><meta http-equiv="refresh" content="0; url=${inward}/from-refresh.html"></head></html>`,
        );
    else if (url === '/media.html')
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(
          `<html><head><title>t</title></head><body><video controls><source src="${inward}/from-media.mp4" type="video/mp4"></video></body></html>`,
        );
    else res.writeHead(404).end();
  });
  await listen(outside, '127.0.0.2');
  outsideUrl = `http://127.0.0.2:${(outside.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const s of [canary, canary6, outside]) if (s) await new Promise((r) => s.close(r));
  rmSync(dir, { recursive: true, force: true });
});

const policy = new EgressPolicy({ allow: ['127.0.0.2/32'] });
const dl = new YtDlpDownloader({ converter: new FfmpegAudioConverter(), egressPolicy: policy });
const opts = () => ({ languages: ['en'], forceAudio: false, maxDurationSeconds: 3600, outputDir: dir });

async function downloadError(url: string): Promise<DownloadFailedError> {
  const err = await dl.download(url, opts()).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, url).toBeInstanceOf(DownloadFailedError);
  return err as DownloadFailedError;
}

describe('direct URLs to the inside are refused before anything connects', () => {
  it('loopback, private, link-local, CGNAT, IPv6 and IPv4 in hex/decimal/octal, and names resolving inward', async () => {
    const p = canaryPort;
    const urls = [
      `http://127.0.0.1:${p}/`,
      `http://localhost:${p}/`,
      `http://0x7f000001:${p}/`,
      `http://2130706433:${p}/`,
      `http://0177.0.0.1:${p}/`,
      `http://127.1:${p}/`,
      `http://[::1]:${p}/`,
      `http://[::ffff:127.0.0.1]:${p}/`,
      `http://[::ffff:7f00:1]:${p}/`,
      'http://10.0.0.1/',
      'http://192.168.1.1/',
      'http://172.16.0.1/',
      'http://169.254.169.254/latest/meta-data/',
      'http://100.64.0.1/',
      'http://0.0.0.0/',
      'http://[fe80::1]/',
      'http://[fc00::1]/',
      'http://224.0.0.1/',
    ];
    for (const url of urls) {
      const err = await downloadError(url);
      expect(err.reason, url).toBe('blocked_address');
      expect(err.message, url).toMatch(/Refused to fetch .* FETCH_ALLOW_HOSTS/);
      await expect(guardedFetch(url, {}, policy), url).rejects.toThrow(/Refused to fetch/);
    }
    expect(canaryHits).toEqual([]);
  });

  it('the error is the same whether the port is open or closed (no port scanning)', async () => {
    const open = await downloadError(`http://127.0.0.1:${canaryPort}/`);
    const closed = await downloadError('http://127.0.0.1:1/');
    expect(open.message.replace(String(canaryPort), 'P')).toBe(closed.message.replace(':1/', ':P/'));
    expect(open.message).toBe(closed.message);
    expect(canaryHits).toEqual([]);
  });
});

describe('every hop is checked: redirects, meta-refresh and media URLs that yt-dlp follows', () => {
  it('yt-dlp through the egress proxy never reaches the canary', async () => {
    for (const path of [
      '/redirect',
      '/redirect-localhost',
      '/redirect-decimal',
      '/refresh.html',
      '/media.html',
    ]) {
      const err = await downloadError(`${outsideUrl}${path}`);
      expect(err.reason, `${path}: ${err.message}`).toBe('blocked_address');
      expect(err.message).toMatch(/Refused to fetch/);
    }
    expect(canaryHits).toEqual([]);
  }, 120_000);

  it('guardedFetch re-checks each redirect and fetches allowed hosts', async () => {
    for (const path of ['/redirect', '/redirect-localhost', '/redirect-decimal']) {
      await expect(guardedFetch(`${outsideUrl}${path}`, {}, policy), path).rejects.toThrow(
        /Refused to fetch/,
      );
    }
    const ok = await guardedFetch(`${outsideUrl}/refresh.html`, {}, policy);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('http-equiv');
    expect(canaryHits).toEqual([]);
  });

  it('the proxy refuses CONNECT and absolute-form requests to inward names in any notation', async () => {
    const proxy = await startEgressProxy({ policy });
    const port = Number(new URL(proxy.url).port);
    const ask = (line: string) =>
      new Promise<string>((resolve) => {
        const s = connect(port, '127.0.0.1', () => s.write(line));
        let out = '';
        s.on('data', (d) => (out += d));
        s.on('close', () => resolve(out));
        s.on('error', () => resolve(out));
        setTimeout(() => s.destroy(), 3000);
      });
    try {
      for (const host of [
        '127.0.0.1',
        '0x7f000001',
        '2130706433',
        'localhost',
        '[::1]',
        '[::ffff:127.0.0.1]',
      ]) {
        const connectReply = await ask(
          `CONNECT ${host}:${canaryPort} HTTP/1.1\r\nHost: ${host}:${canaryPort}\r\n\r\n`,
        );
        expect(connectReply, host).toMatch(/^HTTP\/1\.1 403/);
        const getReply = await ask(
          `GET http://${host}:${canaryPort}/x HTTP/1.1\r\nHost: ${host}:${canaryPort}\r\nConnection: close\r\n\r\n`,
        );
        expect(getReply, host).toMatch(/^HTTP\/1\.1 403/);
      }
      // Allowed traffic passes (through CONNECT too).
      const outsidePort = new URL(outsideUrl).port;
      const tunnel = await ask(`CONNECT 127.0.0.2:${outsidePort} HTTP/1.1\r\n\r\n`);
      expect(tunnel).toMatch(/^HTTP\/1\.1 200/);
      expect(proxy.refusals.length).toBe(12);
    } finally {
      await proxy.close();
    }
    expect(canaryHits).toEqual([]);
  });
});

describe('FETCH_ALLOW_HOSTS', () => {
  it('allows named hosts and CIDRs, and rejects malformed entries', async () => {
    const allowLocal = new EgressPolicy({ allow: ['localhost'] });
    await expect(allowLocal.assertPublicUrl(`http://localhost:${canaryPort}/`)).resolves.toBeInstanceOf(URL);
    await expect(allowLocal.assertPublicUrl(`http://127.0.0.1:${canaryPort}/`)).rejects.toThrow(/loopback/);
    const allowNet = new EgressPolicy({ allow: ['10.0.0.0/8', '*.corp.example'] });
    expect(allowNet.addressProblem('10.1.2.3')).toBeNull();
    expect(allowNet.addressProblem('192.168.0.1')).toMatch(/private/);
    expect(allowNet.hostAllowed('media.corp.example')).toBe(true);
    expect(allowNet.hostAllowed('corp.example.evil')).toBe(false);
    expect(() => new EgressPolicy({ allow: ['10.0.0.0/99'] })).toThrow(
      /FETCH_ALLOW_HOSTS entry '10.0.0.0\/99'/,
    );
    expect(() => new EgressPolicy({ allow: ['bad host!'] })).toThrow(/not a host name/);
    expect(new EgressPolicy().addressProblem('8.8.8.8')).toBeNull();
    expect(new EgressPolicy().addressProblem('2606:4700::1111')).toBeNull();
  });
});
