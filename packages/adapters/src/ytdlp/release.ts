import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { chmod, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { runProcess } from '@llm-rag-yt/orchestrator';
import { parseYtDlpVersion } from './version.ts';

/*
 * A yt-dlp that keeps up with YouTube: the current release, downloaded from a release base URL
 * (operator config, default GitHub's latest-release location) into `<data>/bin/yt-dlp`, verified
 * against the release's SHA2-256SUMS before it replaces anything. A failed update leaves the
 * previously installed binary in place.
 */

export const DEFAULT_YTDLP_RELEASE_URL = 'https://github.com/yt-dlp/yt-dlp/releases/latest/download';

/** What `<data>/bin/yt-dlp.json` records about the installed release. */
export interface ManagedYtDlp {
  path: string;
  version: string;
  asset: string;
  sha256: string;
  source: string;
  installedAt: number;
}

export interface YtDlpStatus {
  path: string;
  /** null when the executable is missing or does not run. */
  version: string | null;
  /** Days since the release date in the version (yt-dlp versions are dates). */
  ageDays: number | null;
  /** 'managed' (installed by us into the data folder), 'config' (YTDLP_PATH) or 'PATH'. */
  source: 'managed' | 'config' | 'PATH';
  /** Under the freshness rule at the time of the status (see ytDlpTooOld). */
  tooOld: boolean;
  /** Why it is too old, in words. */
  tooOldReason?: string;
  /** The oldest version the rule accepts now (requiredYtDlpVersion). */
  minVersion: string;
  /** The rule in words ("released in the last 90 days"). */
  rule: string;
  error?: string;
  installedAt?: number;
  releaseUrl?: string;
}

export class YtDlpInstallError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'YtDlpInstallError';
  }
}

export interface InstallOptions {
  /** Folder that receives yt-dlp and yt-dlp.json (`<data>/bin`). */
  binDir: string;
  /** Base URL serving the asset and SHA2-256SUMS. */
  releaseUrl: string;
  /** 'yt-dlp_linux' (standalone) or 'yt-dlp' (zipapp, needs python3). Default: pickAsset(). */
  asset?: string;
  onProgress?: (p: { received: number; total: number | null }) => void;
  /** The fs boundary for the download (tests inject a failing writer to simulate a full disk). */
  createWriteStream?: (path: string) => WriteStream;
  fetch?: typeof fetch;
  /** Time limit for the asset download. Default 5 min. */
  timeoutMs?: number;
  /**
   * Time limit for SHA2-256SUMS, the first (small) request: an unreachable release server (no
   * network) fails within it instead of holding up the download that asked. Default 15 s.
   */
  sumsTimeoutMs?: number;
}

const MANIFEST = 'yt-dlp.json';

/** The zipapp where python3 exists (small, runs anywhere); else the standalone Linux build. */
export async function pickAsset(): Promise<string> {
  try {
    await runProcess('python3', ['--version'], { timeoutMs: 10_000 });
    return 'yt-dlp';
  } catch {
    // no python3: a standalone build
  }
  if (process.platform === 'linux' && process.arch === 'x64') return 'yt-dlp_linux';
  if (process.platform === 'linux' && process.arch === 'arm64') return 'yt-dlp_linux_aarch64';
  throw new YtDlpInstallError(
    `No yt-dlp release build for ${process.platform}/${process.arch} and no python3 for the zipapp. Install python3, or yt-dlp yourself and set YTDLP_PATH.`,
  );
}

export async function readManaged(binDir: string): Promise<ManagedYtDlp | null> {
  try {
    const m = JSON.parse(await readFile(join(binDir, MANIFEST), 'utf8')) as ManagedYtDlp;
    await stat(m.path);
    return m;
  } catch {
    return null;
  }
}

/** Runs `<path> --version`; never throws. */
export async function probeYtDlp(path: string): Promise<{ version: string | null; error?: string }> {
  try {
    const { stdout } = await runProcess(path, ['--version'], { timeoutMs: 30_000 });
    const version = stdout.trim().split(/\r?\n/)[0] ?? '';
    if (!parseYtDlpVersion(version))
      return {
        version: null,
        error: `'${path} --version' printed '${version.slice(0, 60)}', not a yt-dlp version`,
      };
    return { version };
  } catch (e) {
    return { version: null, error: (e as Error).message };
  }
}

const sha256Of = async (file: string) =>
  createHash('sha256')
    .update(await readFile(file))
    .digest('hex');

/** `<hex>  <name>` lines → the hash of `asset`. */
export function parseSums(text: string, asset: string): string | null {
  for (const line of text.split(/\r?\n/)) {
    const m = /^([0-9a-f]{64})\s+\*?(\S+)$/i.exec(line.trim());
    if (m && m[2] === asset) return m[1]!.toLowerCase();
  }
  return null;
}

function describeFsError(e: unknown, binDir: string): YtDlpInstallError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT')
    return new YtDlpInstallError(
      `The disk holding ${binDir} is full: yt-dlp could not be saved. Free some space and run \`llm-rag-yt yt-dlp update\` again.`,
      { cause: e },
    );
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOTDIR')
    return new YtDlpInstallError(
      `Cannot write to ${binDir} (${code}): make the data folder writable (LLM_RAG_YT_HOME), or install yt-dlp yourself and set YTDLP_PATH.`,
      { cause: e },
    );
  return new YtDlpInstallError(`Saving yt-dlp into ${binDir} failed: ${(e as Error).message}`, { cause: e });
}

/**
 * Node's recursive mkdir reports ENOENT when the parent exists but cannot be written (a read-only
 * mount): a plain mkdir of the last step tells the real reason (EROFS, EACCES).
 */
async function mkdirCause(dir: string, e: unknown): Promise<unknown> {
  if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return e;
  try {
    await mkdir(dir);
    return e;
  } catch (inner) {
    return inner;
  }
}

async function get(url: string, opts: InstallOptions, what: string, timeoutMs: number): Promise<Response> {
  const f = opts.fetch ?? fetch;
  let res: Response;
  try {
    res = await f(url, { redirect: 'follow', signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    throw new YtDlpInstallError(
      `Cannot reach the yt-dlp release server for ${what} (${url}): ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }
  if (!res.ok)
    throw new YtDlpInstallError(
      `The yt-dlp release server answered HTTP ${res.status} for ${what} (${url}). Check YTDLP_RELEASE_URL: it must be a folder serving ${what} and SHA2-256SUMS.`,
    );
  if ((res.headers.get('content-type') ?? '').includes('text/html'))
    throw new YtDlpInstallError(
      `The yt-dlp release server answered with a web page instead of ${what} (${url}). Check YTDLP_RELEASE_URL: it must be a folder serving ${what} and SHA2-256SUMS.`,
    );
  return res;
}

const PARTIAL = /^\.yt-dlp\.(\d+)\.[0-9a-f]{8}\.download$/;

/**
 * Deletes the partial downloads of installs whose process is gone (killed mid-download, the
 * machine lost power): each can be as large as yt-dlp itself. A download of a process still alive —
 * this one's other install, or another process sharing the data folder — is left alone.
 */
async function removeStaleDownloads(binDir: string): Promise<void> {
  const names = await readdir(binDir).catch(() => [] as string[]);
  for (const name of names) {
    const pid = PARTIAL.exec(name)?.[1];
    if (!pid || processAlive(Number(pid))) continue;
    await rm(join(binDir, name), { force: true }).catch(() => {});
  }
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Downloads the release asset and SHA2-256SUMS, verifies the hash, checks that the binary runs,
 * then atomically replaces `<binDir>/yt-dlp`. On any failure the previous binary stays.
 */
export async function installYtDlp(opts: InstallOptions): Promise<ManagedYtDlp> {
  const base = opts.releaseUrl.replace(/\/+$/, '');
  const asset = opts.asset ?? (await pickAsset());
  const sumsRes = await get(`${base}/SHA2-256SUMS`, opts, 'SHA2-256SUMS', opts.sumsTimeoutMs ?? 15_000);
  const expected = parseSums(await sumsRes.text(), asset);
  if (!expected)
    throw new YtDlpInstallError(
      `SHA2-256SUMS at ${base} lists no hash for ${asset}; refusing to install an unverified yt-dlp.`,
    );
  try {
    await mkdir(opts.binDir, { recursive: true });
  } catch (e) {
    throw describeFsError(await mkdirCause(opts.binDir, e), opts.binDir);
  }
  const final = join(opts.binDir, 'yt-dlp');
  await removeStaleDownloads(opts.binDir);
  // Unique per attempt: the weekly job and a download-time install may overlap in one process.
  const partial = join(opts.binDir, `.yt-dlp.${process.pid}.${randomUUID().slice(0, 8)}.download`);
  try {
    const res = await get(`${base}/${asset}`, opts, asset, opts.timeoutMs ?? 300_000);
    if (!res.body) throw new YtDlpInstallError(`The yt-dlp release server sent no body for ${asset}.`);
    const total = Number(res.headers.get('content-length')) || null;
    let received = 0;
    const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream);
    body.on('data', (chunk: Buffer) => {
      received += chunk.length;
      opts.onProgress?.({ received, total });
    });
    try {
      await pipeline(body, (opts.createWriteStream ?? createWriteStream)(partial));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code) throw describeFsError(e, opts.binDir);
      throw new YtDlpInstallError(
        `The download of ${asset} broke off after ${received} bytes${total ? ` of ${total}` : ''}: ${(e as Error).message}. Try again later.`,
        { cause: e },
      );
    }
    if (total !== null && received !== total)
      throw new YtDlpInstallError(
        `The download of ${asset} is truncated (${received} of ${total} bytes). Try again later.`,
      );
    const actual = await sha256Of(partial);
    if (actual !== expected)
      throw new YtDlpInstallError(
        `The downloaded ${asset} does not match its SHA2-256SUMS hash (expected ${expected.slice(0, 16)}…, got ${actual.slice(0, 16)}…): refused, the installed yt-dlp stays in use.`,
      );
    await chmod(partial, 0o755);
    const probe = await probeYtDlp(partial);
    if (!probe.version)
      throw new YtDlpInstallError(
        `The downloaded ${asset} does not run here: ${probe.error}. The installed yt-dlp stays in use.`,
      );
    const manifest: ManagedYtDlp = {
      path: final,
      version: probe.version,
      asset,
      sha256: actual,
      source: `${base}/${asset}`,
      installedAt: Date.now(),
    };
    try {
      await rename(partial, final);
      await writeFile(join(opts.binDir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    } catch (e) {
      throw describeFsError(e, opts.binDir);
    }
    return manifest;
  } finally {
    await rm(partial, { force: true }).catch(() => {});
  }
}
