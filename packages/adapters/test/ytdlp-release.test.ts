import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { type createWriteStream, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installYtDlp, readManaged, YtDlpInstallError } from '../src/ytdlp/release.ts';

/*
 * The yt-dlp update path against a local stand-in for GitHub's latest-release download folder:
 * `/<case>/yt-dlp_linux` and `/<case>/SHA2-256SUMS`. The "binary" is a shell script printing a version.
 */

const fakeBinary = (version: string) => `#!/bin/sh\necho ${version}\n`;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const GOOD = fakeBinary('2025.11.12');
const NEWER = fakeBinary('2025.12.01');
// 300 KB: more than the small tmpfs below holds.
const BIG = `${fakeBinary('2025.12.24')}exit 0\n#${'x'.repeat(300_000)}\n`;

let server: Server;
let base: string;
const dir = mkdtempSync(join(tmpdir(), 'ytdlp-release-'));

beforeAll(async () => {
  server = createServer((req, res) => {
    const [, kind, file] = (req.url ?? '').split('/');
    const sums = (body: string) => `${sha(body)}  yt-dlp_linux\n${sha('other')}  yt-dlp.exe\n`;
    const send = (status: number, body: string, type = 'application/octet-stream') => {
      res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    switch (kind) {
      case 'good':
        return file === 'SHA2-256SUMS' ? send(200, sums(GOOD), 'text/plain') : send(200, GOOD);
      case 'newer':
        return file === 'SHA2-256SUMS' ? send(200, sums(NEWER), 'text/plain') : send(200, NEWER);
      case 'tampered': // the hash is the good one's, the file is not
        return file === 'SHA2-256SUMS'
          ? send(200, sums(GOOD), 'text/plain')
          : send(200, fakeBinary('6666.06.06'));
      case 'big':
        return file === 'SHA2-256SUMS' ? send(200, sums(BIG), 'text/plain') : send(200, BIG);
      case 'missing':
        return send(404, 'Not Found', 'text/plain');
      case 'html':
        return send(200, '<!doctype html><title>Sign in</title>', 'text/html; charset=utf-8');
      case 'truncated':
        if (file === 'SHA2-256SUMS') return send(200, sums(GOOD), 'text/plain');
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': 4096 });
        res.write(GOOD.slice(0, 10));
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      default:
        return send(404, 'no such case', 'text/plain');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

const installed = (binDir: string) =>
  execFileSync(join(binDir, 'yt-dlp'), ['--version'], { encoding: 'utf8' }).trim();

describe('installing yt-dlp from a release server', () => {
  it('installs a verified release with progress, and a tampered one is refused while the old one stays', async () => {
    const binDir = join(dir, 'ok', 'bin');
    const progress: number[] = [];
    const m = await installYtDlp({
      binDir,
      releaseUrl: `${base}/good/`,
      asset: 'yt-dlp_linux',
      onProgress: (p) => progress.push(p.received),
    });
    expect(m.version).toBe('2025.11.12');
    expect(m.sha256).toBe(sha(GOOD));
    expect(progress.at(-1)).toBe(Buffer.byteLength(GOOD));
    expect(installed(binDir)).toBe('2025.11.12');
    expect((await readManaged(binDir))?.version).toBe('2025.11.12');

    const refused = installYtDlp({ binDir, releaseUrl: `${base}/tampered`, asset: 'yt-dlp_linux' });
    await expect(refused).rejects.toThrow(/does not match its SHA2-256SUMS hash.*refused/);
    expect(installed(binDir)).toBe('2025.11.12');

    const newer = await installYtDlp({ binDir, releaseUrl: `${base}/newer`, asset: 'yt-dlp_linux' });
    expect(newer.version).toBe('2025.12.01');
    expect(installed(binDir)).toBe('2025.12.01');
  });

  it('removes the partial download a killed install left behind, and no download of a live process', async () => {
    const binDir = join(dir, 'stale', 'bin');
    mkdirSync(binDir, { recursive: true });
    // A process that has ended (as an install killed mid-download), one still running, and this one.
    const ended = spawnSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' }).stdout.trim();
    const running = spawn('sleep', ['30'], { stdio: 'ignore' });
    const left = `.yt-dlp.${ended}.0badf00d.download`;
    const live = `.yt-dlp.${running.pid}.0c0ffee0.download`;
    const ours = `.yt-dlp.${process.pid}.00c0ffee.download`;
    for (const f of [left, live, ours]) writeFileSync(join(binDir, f), 'x'.repeat(1000));
    try {
      await installYtDlp({ binDir, releaseUrl: `${base}/good`, asset: 'yt-dlp_linux' });
      expect(installed(binDir)).toBe('2025.11.12');
      const files = readdirSync(binDir);
      expect(files).not.toContain(left);
      expect(files).toEqual(expect.arrayContaining([live, ours]));
    } finally {
      running.kill();
    }
  });

  it('a 404, an HTML page, a truncated download, a full disk and an unwritable folder are clear errors; the previous yt-dlp stays', async () => {
    const binDir = join(dir, 'bad', 'bin');
    await installYtDlp({ binDir, releaseUrl: `${base}/good`, asset: 'yt-dlp_linux' });
    const attempt = (releaseUrl: string, extra: Partial<Parameters<typeof installYtDlp>[0]> = {}) =>
      installYtDlp({ binDir, releaseUrl, asset: 'yt-dlp_linux', ...extra });

    await expect(attempt(`${base}/missing`)).rejects.toThrow(/answered HTTP 404 .*Check YTDLP_RELEASE_URL/);
    await expect(attempt(`${base}/html`)).rejects.toThrow(/web page instead of SHA2-256SUMS/);
    await expect(attempt(`${base}/truncated`)).rejects.toThrow(/broke off|truncated/);
    // A full disk at the fs boundary: the writer fails with ENOSPC part-way.
    const fullDisk = () =>
      new Writable({
        write(_chunk, _enc, cb) {
          cb(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
        },
      }) as unknown as ReturnType<typeof createWriteStream>;
    await expect(attempt(`${base}/newer`, { createWriteStream: fullDisk })).rejects.toThrow(
      /disk .* is full/,
    );
    expect(installed(binDir)).toBe('2025.11.12');

    // A data folder that cannot hold a bin/ folder (root ignores permission bits; a file in the way does not).
    const blocked = join(dir, 'blocked');
    writeFileSync(blocked, 'a file, not a folder');
    const unwritable = installYtDlp({
      binDir: join(blocked, 'bin'),
      releaseUrl: `${base}/good`,
      asset: 'yt-dlp_linux',
    });
    await expect(unwritable).rejects.toThrow(YtDlpInstallError);
    await expect(unwritable).rejects.toThrow(/Cannot write to .*make the data folder writable/);
    expect(installed(binDir)).toBe('2025.11.12');
  });
});

/** Mounts a tmpfs (root only); false when this machine does not let us. */
function mountTmpfs(at: string, options: string): boolean {
  mkdirSync(at, { recursive: true });
  return spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', at], { stdio: 'ignore' }).status === 0;
}
const umount = (at: string) => spawnSync('umount', [at], { stdio: 'ignore' });
const canMount = (() => {
  const probe = join(dir, 'mount-probe');
  const ok = mountTmpfs(probe, 'size=64k');
  if (ok) umount(probe);
  return ok;
})();

// A real full disk and a real read-only folder (root ignores permission bits, not a read-only mount).
describe.skipIf(!canMount)('on real filesystems (skipped unless root may mount a tmpfs)', () => {
  it('a full disk is a clear error and the installed yt-dlp stays in use', async () => {
    const disk = join(dir, 'small-disk');
    expect(mountTmpfs(disk, 'size=64k')).toBe(true);
    try {
      const binDir = join(disk, 'bin');
      await installYtDlp({ binDir, releaseUrl: `${base}/good`, asset: 'yt-dlp_linux' });
      const full = installYtDlp({ binDir, releaseUrl: `${base}/big`, asset: 'yt-dlp_linux' });
      await expect(full).rejects.toThrow(
        /The disk holding .*small-disk\/bin is full: yt-dlp could not be saved/,
      );
      expect(installed(binDir)).toBe('2025.11.12');
      expect((await readManaged(binDir))?.version).toBe('2025.11.12');
    } finally {
      umount(disk);
    }
  });

  it('a read-only data folder is a clear error that names the setting', async () => {
    const ro = join(dir, 'read-only');
    expect(mountTmpfs(ro, 'size=64k,ro')).toBe(true);
    try {
      const attempt = installYtDlp({
        binDir: join(ro, 'bin'),
        releaseUrl: `${base}/good`,
        asset: 'yt-dlp_linux',
      });
      await expect(attempt).rejects.toThrow(
        /Cannot write to .*read-only\/bin \(EROFS\): make the data folder writable \(LLM_RAG_YT_HOME\)/,
      );
    } finally {
      umount(ro);
    }
  });
});
