import { execFile } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/*
 * The release as a user gets it: `npm run pack` writes dist/llm-rag-yt-<version>.tgz, `npm install -g`
 * puts it into an empty prefix with its dependencies from the npm registry, and the installed
 * `llm-rag-yt` runs demo, import and ask.
 *
 * better-sqlite3's install script fetches a prebuilt addon from GitHub and compiles from source
 * when it cannot (offline CI: 3–4 minutes on 2 busy cores). The test offers prebuild-install the
 * addon this checkout already compiled, as a local prebuild (npm_config_better_sqlite3_local_prebuilds,
 * prebuild-install's own mirror setting) — used only when it is the same better-sqlite3 version and
 * Node ABI, else the install compiles as before. PACK_INSTALL_FROM_SOURCE=1 always compiles.
 */

const run = promisify(execFile);
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const dir = mkdtempSync(join(tmpdir(), 'llm-rag-yt-pack-'));
const prefix = join(dir, 'prefix');
const work = join(dir, 'work');
const bin = join(prefix, 'bin', 'llm-rag-yt');

/** The checkout's compiled better-sqlite3 as prebuild-install's tarball; null to compile instead. */
async function localPrebuilds(): Promise<Record<string, string>> {
  const pkg = join(REPO, 'node_modules', 'better-sqlite3');
  const addon = join(pkg, 'build', 'Release', 'better_sqlite3.node');
  if (process.env.PACK_INSTALL_FROM_SOURCE === '1' || !existsSync(addon)) return {};
  const { version } = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { version: string };
  const out = join(dir, 'prebuilds');
  const stage = join(dir, 'prebuild-stage');
  mkdirSync(join(stage, 'build', 'Release'), { recursive: true });
  mkdirSync(out, { recursive: true });
  copyFileSync(addon, join(stage, 'build', 'Release', 'better_sqlite3.node'));
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  await run('tar', ['-czf', join(out, name), '-C', stage, 'build']);
  return { npm_config_better_sqlite3_local_prebuilds: out };
}

/**
 * Only what a user's shell would have: no DATABASE_URL/REDIS_URL of the test runner, but the
 * machine's way to the registry (proxy, extra CA certificates) as the user's own shell has it.
 */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR'];
  for (const k of Object.keys(process.env))
    if (keep.includes(k) || /^(https?_proxy|no_proxy)$/i.test(k)) env[k] = process.env[k];
  return { ...env, ...extra };
}

/**
 * `npm install -g --prefix P` reads its global npmrc from `P/etc/npmrc`, so the machine's own
 * (where a registry mirror or `cafile` is set) would be lost for the temporary prefix: keep it.
 */
async function machineNpmConfig(): Promise<Record<string, string>> {
  const { stdout } = await run('npm', ['config', 'get', 'globalconfig'], { cwd: REPO });
  const file = stdout.trim();
  return file && existsSync(file) ? { npm_config_globalconfig: file } : {};
}

const cliEnv = () =>
  userEnv({ LLM_RAG_YT_HOME: join(work, 'data'), EMBEDDER: 'none', LOG_FORMAT: 'json', LOG_LEVEL: 'warn' });

beforeAll(async () => {
  await run(process.execPath, [join(REPO, 'scripts/pack.mjs')], { cwd: REPO, maxBuffer: 64 << 20 });
  const tgz = readdirSync(join(REPO, 'dist')).find((f) => /^llm-rag-yt-\d.*\.tgz$/.test(f));
  expect(tgz, 'npm run pack wrote dist/llm-rag-yt-<version>.tgz').toBeTruthy();
  await run(
    'npm',
    [
      'install',
      '-g',
      '--prefix',
      prefix,
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      join(REPO, 'dist', tgz!),
    ],
    {
      cwd: dir,
      // The README's install line sets this too: onnxruntime-node's postinstall would fetch CUDA files.
      env: userEnv({
        ONNXRUNTIME_NODE_INSTALL: 'skip',
        ...(await machineNpmConfig()),
        ...(await localPrebuilds()),
      }),
      maxBuffer: 64 << 20,
    },
  );
}, 1_800_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('the packed release installed into an empty prefix', () => {
  it('contains the compiled CLI and the web UI, not the TypeScript sources', () => {
    const pkg = join(prefix, 'lib', 'node_modules', 'llm-rag-yt');
    expect(existsSync(join(pkg, 'dist', 'bin.js'))).toBe(true);
    expect(existsSync(join(pkg, 'web', 'index.html'))).toBe(true);
    expect(existsSync(join(pkg, 'src'))).toBe(false);
    expect(existsSync(bin)).toBe(true);
  });

  it('runs demo, then imports a VTT and answers a question about it', async () => {
    mkdirSync(work, { recursive: true });
    const help = await run(bin, ['--help'], { cwd: work, env: cliEnv() });
    expect(help.stdout).toMatch(/Usage: llm-rag-yt/);

    const demo = await run(bin, ['demo'], { cwd: work, env: cliEnv(), timeout: 180_000 });
    expect(demo.stdout).toMatch(/Captions are used first/);

    const vtt = join(work, 'talk.vtt');
    writeFileSync(
      vtt,
      'WEBVTT\n\n00:00:00.000 --> 00:00:05.000\nThe lighthouse keeper polished the brass lamp every evening.\n\n00:00:05.000 --> 00:00:10.000\nShips far away saw the beam and turned toward the harbour.\n',
    );
    const imported = await run(bin, ['import', vtt, '--video-id', 'lighthous01', '--title', 'Lighthouse'], {
      cwd: work,
      env: cliEnv(),
      timeout: 120_000,
    });
    expect(imported.stdout).toMatch(/imported lighthous01/);

    const asked = await run(bin, ['ask', 'what did the lighthouse keeper polish?', '--json'], {
      cwd: work,
      env: cliEnv(),
      timeout: 60_000,
    });
    const answer = JSON.parse(asked.stdout) as { citations: { videoId: string; url: string }[] };
    expect(answer.citations[0]?.videoId).toBe('lighthous01');
    expect(answer.citations[0]?.url).toMatch(/lighthous01/);
  }, 400_000);
});
