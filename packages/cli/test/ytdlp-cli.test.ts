import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { main } from '../src/main.ts';
import { buildAdapters } from '../src/resources.ts';

/*
 * `llm-rag-yt yt-dlp status|update` against a local stand-in release server, and the yt-dlp
 * settings passed through from config. The "release" is a shell script printing a version.
 */

/** The current release is dated today (the default rule calls a release over 90 days old too old). */
const TODAY = new Date().toISOString().slice(0, 10).replaceAll('-', '.');
const BINARY = `#!/bin/sh\nif [ "$1" = "--version" ]; then echo ${TODAY}; fi\n`;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
let server: Server;
let base: string;
const dir = mkdtempSync(join(tmpdir(), 'ytdlp-cli-'));

beforeAll(async () => {
  server = createServer((req, res) => {
    const m = /^\/download\/([^/]+)$/.exec(req.url ?? '');
    const file = m?.[1];
    const body =
      file === 'SHA2-256SUMS'
        ? `${sha(BINARY)}  yt-dlp\n${sha(BINARY)}  yt-dlp_linux\n`
        : file?.startsWith('yt-dlp')
          ? BINARY
          : null;
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/download`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

async function cli(args: string[], env: Record<string, string>) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: { PATH: process.env.PATH, ...env },
    cwd: dir,
  });
  return { code, stdout, stderr };
}

describe('llm-rag-yt yt-dlp', () => {
  it('update installs the release into the data folder; status and the downloader then use it', async () => {
    const env = { LLM_RAG_YT_HOME: join(dir, 'home'), YTDLP_RELEASE_URL: base };
    const up = await cli(['yt-dlp', 'update', '--json'], env);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    const installed = JSON.parse(up.stdout) as { updated: boolean; version: string; path: string };
    expect(installed).toMatchObject({ updated: true, version: TODAY });
    expect(installed.path).toBe(join(dir, 'home', 'bin', 'yt-dlp'));

    const st = await cli(['yt-dlp', 'status', '--json'], env);
    expect(st.code).toBe(0);
    expect(JSON.parse(st.stdout)).toMatchObject({
      path: installed.path,
      version: TODAY,
      source: 'managed',
      tooOld: false,
    });
    expect(JSON.parse(st.stdout).ageDays).toBeGreaterThanOrEqual(0);

    // The pipeline's downloader runs the managed binary.
    const config = loadConfig({ PATH: process.env.PATH, ...env, EMBEDDER: 'none' }, dir);
    const { openDatabase } = await import('@llm-rag-yt/orchestrator');
    const handle = await openDatabase(`sqlite:${join(dir, 'home', 'x.db')}`);
    try {
      const { createLogger } = await import('@llm-rag-yt/orchestrator');
      const adapters = await buildAdapters(config, handle, createLogger({ level: 'silent' }), null);
      await expect(adapters.downloader.check()).resolves.toMatchObject({
        version: TODAY,
        path: installed.path,
      });
    } finally {
      await handle.close();
    }

    const again = await cli(['yt-dlp', 'update'], env);
    expect(again.stdout).toMatch(/is current \(--force downloads it again\)/);
  });

  it('a release URL that answers 404 is a clear error and the installed yt-dlp stays in use', async () => {
    const env = { LLM_RAG_YT_HOME: join(dir, 'home2'), YTDLP_RELEASE_URL: base };
    expect((await cli(['yt-dlp', 'update'], env)).code).toBe(0);
    const bad = await cli(['yt-dlp', 'update', '--force'], {
      ...env,
      YTDLP_RELEASE_URL: `${base}/nothing-here`,
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/answered HTTP 404 .*Check YTDLP_RELEASE_URL/);
    expect(bad.stderr).toMatch(
      new RegExp(`The installed yt-dlp ${TODAY.replaceAll('.', '\\.')} .* stays in use`),
    );
    const st = JSON.parse((await cli(['yt-dlp', 'status', '--json'], env)).stdout);
    expect(st).toMatchObject({ version: TODAY, source: 'managed' });
  });

  it('status of a missing yt-dlp says how to fix it; a missing cookies file is a config error', async () => {
    const missing = await cli(['yt-dlp', 'status'], {
      LLM_RAG_YT_HOME: join(dir, 'home3'),
      YTDLP_PATH: join(dir, 'nope'),
    });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/not usable/);
    expect(missing.stdout).toMatch(/llm-rag-yt yt-dlp update/);

    const cookies = await cli(['yt-dlp', 'status'], {
      LLM_RAG_YT_HOME: join(dir, 'home3'),
      YTDLP_COOKIES: 'cookies.txt',
    });
    expect(cookies.code).toBe(2);
    expect(cookies.stderr).toMatch(/YTDLP_COOKIES: the cookies file '.*cookies\.txt' does not exist/);
  });

  it('ytdlp_update_job installs the release when the yt-dlp in use is too old or missing, and leaves a current one alone', async () => {
    const { ensureCurrentYtDlp } = await import('../src/ytdlp-managed.ts');
    // The system's yt-dlp (or none at all) is older than this minimum.
    const env = {
      LLM_RAG_YT_HOME: join(dir, 'home5'),
      YTDLP_RELEASE_URL: base,
      YTDLP_MIN_VERSION: '2025.06.01',
    };
    const before = loadConfig(env, dir);
    expect(before.tools.ytdlp).toBe('yt-dlp'); // nothing installed yet
    expect(await ensureCurrentYtDlp(before)).toMatch(
      /Installed yt-dlp \d{4}\.\d\d\.\d\d .*\(yt-dlp was (too old \(\S+: older than 2025\.06\.01, YTDLP_MIN_VERSION\)|missing)/,
    );
    const after = loadConfig(env, dir);
    expect(after.tools.ytdlp).toBe(join(dir, 'home5', 'bin', 'yt-dlp'));
    expect(await ensureCurrentYtDlp(after)).toMatch(
      /\d{4}\.\d\d\.\d\d \(managed, 0 days old\) is current enough/,
    );
    // A week later the managed install is refreshed.
    expect(await ensureCurrentYtDlp(after, Date.now() + 8 * 24 * 3600_000)).toMatch(
      /the installed release was a week old/,
    );
  });

  it("by default a yt-dlp over 90 days old is too old, alike in status and the health check's probe; an explicit YTDLP_MIN_VERSION replaces the age rule", async () => {
    // The system's yt-dlp (Debian's 2023.03.04 here) is years old.
    const home = join(dir, 'home6');
    const st = await cli(['yt-dlp', 'status'], { LLM_RAG_YT_HOME: home });
    expect(st.code).toBe(1);
    expect(st.stdout).toMatch(/needed +released in the last 90 days \(today: \d{4}\.\d\d\.\d\d or newer\)/);
    expect(st.stdout).toMatch(
      /This yt-dlp is too old \(\d+ days old, over the 90-day limit of YTDLP_MAX_AGE_DAYS\): run `llm-rag-yt yt-dlp update`/,
    );
    const json = JSON.parse((await cli(['yt-dlp', 'status', '--json'], { LLM_RAG_YT_HOME: home })).stdout);
    expect(json).toMatchObject({ tooOld: true, rule: 'released in the last 90 days' });
    expect(json.ageDays).toBeGreaterThan(90);

    // health_check_job's yt-dlp probe is the downloader's check(): the same rule, the same words.
    const config = loadConfig({ PATH: process.env.PATH, LLM_RAG_YT_HOME: home, EMBEDDER: 'none' }, dir);
    expect(config.ytdlp).toMatchObject({ minVersion: null, maxAgeDays: 90, autoInstall: true });
    const { openDatabase, createLogger } = await import('@llm-rag-yt/orchestrator');
    const handle = await openDatabase(`sqlite:${join(dir, 'home6.db')}`);
    try {
      const adapters = await buildAdapters(config, handle, createLogger({ level: 'silent' }), null);
      await expect(adapters.downloader.check()).rejects.toThrow(json.tooOldReason);
    } finally {
      await handle.close();
    }

    // An operator's minimum alone is the rule (the age limit applies again when set too).
    const pinned = await cli(['yt-dlp', 'status', '--json'], {
      LLM_RAG_YT_HOME: home,
      YTDLP_MIN_VERSION: '2023.01.01',
    });
    expect(pinned.code).toBe(0);
    expect(JSON.parse(pinned.stdout)).toMatchObject({ tooOld: false, rule: '2023.01.01 or newer' });
    const both = await cli(['yt-dlp', 'status', '--json'], {
      LLM_RAG_YT_HOME: home,
      YTDLP_MIN_VERSION: '2023.01.01',
      YTDLP_MAX_AGE_DAYS: '90',
    });
    expect(JSON.parse(both.stdout)).toMatchObject({ tooOld: true });
    const noAge = await cli(['yt-dlp', 'status', '--json'], {
      LLM_RAG_YT_HOME: home,
      YTDLP_MAX_AGE_DAYS: '0',
    });
    expect(JSON.parse(noAge.stdout)).toMatchObject({ tooOld: false, minVersion: '2023.03.04' });
    const bad = await cli(['yt-dlp', 'status'], { LLM_RAG_YT_HOME: home, YTDLP_MAX_AGE_DAYS: 'soon' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/YTDLP_MAX_AGE_DAYS/);
  });

  it('passes cookies, proxy, rate limit, sleeps and extractor args through to yt-dlp', () => {
    const config = loadConfig(
      {
        LLM_RAG_YT_HOME: join(dir, 'home4'),
        YTDLP_COOKIES_FROM_BROWSER: 'firefox',
        YTDLP_PROXY: 'http://user:secret@127.0.0.1:8080',
        YTDLP_RATE_LIMIT: '2M',
        YTDLP_SLEEP_INTERVAL: '2',
        YTDLP_MAX_SLEEP_INTERVAL: '5',
        YTDLP_SLEEP_REQUESTS: '0.5',
        YTDLP_EXTRACTOR_ARGS: 'youtube:player_client=web;youtube:po_token=web.gvs+XYZ',
      },
      dir,
    );
    expect(config.ytdlp.extraArgs).toEqual([
      '--cookies-from-browser',
      'firefox',
      '--limit-rate',
      '2M',
      '--sleep-interval',
      '2',
      '--max-sleep-interval',
      '5',
      '--sleep-requests',
      '0.5',
      '--extractor-args',
      'youtube:player_client=web',
      '--extractor-args',
      'youtube:po_token=web.gvs+XYZ',
    ]);
    // The user's proxy is chained behind the egress filter (the filtering proxy forwards to it).
    expect(config.fetch.ytdlpProxy).toBe('http://user:secret@127.0.0.1:8080');
  });
});
