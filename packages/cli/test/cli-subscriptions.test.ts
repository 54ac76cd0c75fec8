/*
 * The CLI's side of issue 11, in-process against a temp data folder (real SQLite, yt-dlp, ffmpeg):
 * `videos show --json` carries the summary and chapters, `transcript` prints chapter headings, and
 * `subscribe` / `subscriptions list|show|pause|resume|check|remove` with their bad input (a regex
 * that does not compile, the same URL twice, a single video, a bad id) refused with exit 2.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OFFLINE_CLI_ENV } from '@llm-rag-yt/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVideoPageServer, type VideoPageServer } from '../../adapters/test/helpers/video-page-server.ts';
import { main } from '../src/main.ts';

const VTT = `WEBVTT

00:00.000 --> 00:03.000
Rivers begin as small mountain streams high above.

00:03.000 --> 00:06.000
Every river flows into the sea at last, carrying sediment.
`;

describe('llm-rag-yt: summaries, chapters and subscriptions', () => {
  let dir: string;
  let site: VideoPageServer;
  const run = async (...argv: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await main(argv, {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
      env: {
        ...OFFLINE_CLI_ENV,
        LLM_RAG_YT_HOME: dir,
        FETCH_ALLOW_HOSTS: '127.0.0.1',
        EMBEDDER: 'none',
        ASR_BACKEND: 'fake',
        LOG_LEVEL: 'error',
      },
      cwd: dir,
    });
    return { code, stdout, stderr };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cli-subs-test-'));
    site = await startVideoPageServer({
      videos: [
        {
          id: 'rivers',
          title: 'Lesson on rivers',
          vttText: VTT,
          description: 'A short lesson.\n0:00 Where rivers begin\n0:03 Into the sea',
        },
      ],
    });
  });
  afterAll(async () => {
    await site?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('videos show --json has the summary and chapters; transcript prints chapter headings', async () => {
    const ingest = await run('ingest', site.pageUrl('rivers'), '--wait');
    expect(ingest.code).toBe(0);
    const [video] = JSON.parse((await run('videos', 'list', '--json')).stdout);
    const shown = await run('videos', 'show', video.videoId, '--json');
    expect(shown.code).toBe(0);
    const v = JSON.parse(shown.stdout);
    expect(v.chapters.map((c: { title: string }) => c.title)).toEqual(['Where rivers begin', 'Into the sea']);
    expect(v.summary).toMatchObject({
      mode: 'extractive',
      label: expect.stringMatching(/^Extractive summary/),
    });
    expect(v.summary.summary).toMatch(/river/i);
    expect(v.summary.keyPoints[0].url).toMatch(/#t=\d+$/);

    const text = await run('videos', 'show', video.videoId);
    expect(text.stdout).toContain('Where rivers begin');
    expect(text.stdout).toContain('Extractive summary');

    const transcript = await run('transcript', video.videoId);
    expect(transcript.code).toBe(0);
    const lines = transcript.stdout.split('\n');
    const h1 = lines.findIndex((l) => l.startsWith('## Where rivers begin'));
    const h2 = lines.findIndex((l) => l.startsWith('## Into the sea'));
    const sea = lines.findIndex((l) => l.includes('Every river flows into the sea'));
    expect(h1).toBeGreaterThanOrEqual(0);
    expect(h2).toBeGreaterThan(h1);
    expect(sea).toBeGreaterThan(h2);
  }, 60_000);

  it('subscribe and subscriptions list|show|pause|resume|check|remove; bad input exits 2 saying why', async () => {
    const feed = `${site.baseUrl}/feed.xml`;
    const badRegex = await run('subscribe', feed, '--include', '([');
    expect(badRegex.code).toBe(2);
    expect(badRegex.stderr).toContain("--include '([' is not a valid regular expression");

    const sub = await run(
      'subscribe',
      feed,
      '--backfill',
      '3',
      '--exclude',
      'trailer',
      '--no-shorts',
      '--json',
    );
    expect(sub.code).toBe(0);
    const created = JSON.parse(sub.stdout);
    expect(created).toMatchObject({
      kind: 'feed',
      url: feed,
      backfill: 3,
      filters: { exclude: 'trailer', noShorts: true },
    });

    const twice = await run('subscribe', feed);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(new RegExp(`Already subscribed .* as #${created.id}`));
    const video = await run('subscribe', 'https://youtu.be/dQw4w9WgXcQ');
    expect(video.code).toBe(2);
    expect(video.stderr).toContain('is a single video');

    const list = JSON.parse((await run('subscriptions', 'list', '--json')).stdout);
    expect(list.map((s: { id: number }) => s.id)).toEqual([created.id]);
    const table = await run('subscriptions', 'list');
    expect(table.stdout).toContain(feed);

    expect((await run('subscriptions', 'pause', String(created.id))).stdout).toContain('is paused');
    const paused = JSON.parse((await run('subscriptions', 'show', String(created.id), '--json')).stdout);
    expect(paused).toMatchObject({ status: 'paused', recent: [] });
    expect((await run('subscriptions', 'resume', String(created.id))).stdout).toContain('is active');
    const check = await run('subscriptions', 'check', String(created.id));
    expect(check.code).toBe(0);
    expect(check.stdout).toContain(`Checking #${created.id}`);

    const badId = await run('subscriptions', 'show', 'abc');
    expect(badId.code).toBe(2);
    expect(badId.stderr).toContain("A subscription id is a number (see subscriptions list), got 'abc'");
    expect((await run('subscriptions', 'remove', String(created.id))).stdout).toContain('Removed');
    const again = await run('subscriptions', 'remove', String(created.id));
    expect(again.code).toBe(2);
    expect(JSON.parse((await run('subscriptions', 'list', '--json')).stdout)).toEqual([]);
    // Removing the subscription keeps what was indexed.
    expect(JSON.parse((await run('videos', 'list', '--json')).stdout)).toHaveLength(1);
  }, 60_000);
});
