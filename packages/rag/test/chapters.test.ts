import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EgressPolicy, FfmpegAudioConverter, YtDlpDownloader } from '@llm-rag-yt/adapters';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVideoPageServer, type VideoPageServer } from '../../adapters/test/helpers/video-page-server.ts';
import { chapterAt, chaptersFor, parseDescriptionChapters } from '../src/chapters/chapters.ts';
import { startRagEnv, waitFor } from './helpers-rag-env.ts';

const VTT = `WEBVTT

00:00.000 --> 00:02.000
Welcome, this is the introduction.

00:02.000 --> 00:04.000
Now the main part about rivers and lakes.

00:04.000 --> 00:06.000
Finally questions from the audience.
`;

describe('chapters from a description', () => {
  it('reads "0:00 Intro"-style lines, YouTube style', () => {
    const d = 'My talk.\n\n0:00 Intro\n1:30 - Setup\n[05:00] Demo time\n1:02:03 – Q&A\nThanks for watching!';
    expect(parseDescriptionChapters(d, 4000)).toEqual([
      { start: 0, end: 90, title: 'Intro' },
      { start: 90, end: 300, title: 'Setup' },
      { start: 300, end: 3723, title: 'Demo time' },
      { start: 3723, end: 4000, title: 'Q&A' },
    ]);
  });

  it('ignores text that only mentions times, lists not starting at 0:00, and unordered lists', () => {
    expect(parseDescriptionChapters('See the demo at 3:15 and the end.', 600)).toEqual([]);
    expect(parseDescriptionChapters('1:00 A\n2:00 B', 600)).toEqual([]);
    expect(parseDescriptionChapters('0:00 A\n5:00 B\n2:00 C', 600)).toEqual([]);
    expect(parseDescriptionChapters('0:00 Only one', 600)).toEqual([]);
    expect(parseDescriptionChapters(null, null)).toEqual([]);
  });

  it("prefers the source's own chapters and finds the chapter of a moment", () => {
    const own = chaptersFor({
      chapters: [
        { start: 10, end: 20, title: 'Second' },
        { start: 0, end: 10, title: 'First' },
      ],
      description: '0:00 Other\n0:05 Ignored',
      durationSeconds: 20,
    });
    expect(own.source).toBe('metadata');
    expect(own.chapters.map((c) => c.title)).toEqual(['First', 'Second']);
    expect(chapterAt(own.chapters, 12)?.title).toBe('Second');
    expect(chapterAt(own.chapters, 0)?.title).toBe('First');
    expect(chaptersFor({ description: '0:00 A\n0:05 B', durationSeconds: 9 }).source).toBe('description');
  });
});

describe('chapters through yt-dlp and the pipeline', () => {
  let site: VideoPageServer;
  let env: Awaited<ReturnType<typeof startRagEnv>>;
  beforeAll(async () => {
    site = await startVideoPageServer({
      videos: [
        {
          id: 'talk',
          title: 'River talk',
          vttText: VTT,
          description: 'A talk.\n0:00 Welcome\n0:02 Rivers and lakes\n0:04 Questions',
        },
        {
          id: 'clips',
          title: 'Clipped',
          speech: 'One two three.',
          chapters: [
            { start: 0, end: 1, title: 'Opening' },
            { start: 1, end: 2, title: 'Closing' },
          ],
          durationSeconds: 2,
        },
      ],
    });
    env = await startRagEnv();
  });
  afterAll(async () => {
    await env?.close();
    await site?.close();
  });

  it("reads chapters from yt-dlp's JSON of a local page", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chapters-'));
    try {
      const converter = new FfmpegAudioConverter();
      // The page is on 127.0.0.1, which the SSRF fence refuses unless allowed.
      const downloader = new YtDlpDownloader({
        converter,
        ytDlpPath: '/usr/bin/yt-dlp',
        egressPolicy: new EgressPolicy({ allow: ['127.0.0.1'] }),
      });
      const result = await downloader.download(site.pageUrl('clips'), {
        languages: ['en'],
        forceAudio: false,
        maxDurationSeconds: 600,
        outputDir: dir,
      });
      expect(result.metadata.chapters).toEqual([
        { start: 0, end: 1, title: 'Opening' },
        { start: 1, end: 2, title: 'Closing' },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stores description chapters, and answers and transcripts name them', async () => {
    const { requests } = await env.service.submitUrls([site.pageUrl('talk')]);
    const done = await waitFor(
      'the request to finish',
      async () => {
        const r = await env.store.requests.get(requests[0]!.id);
        return r && (r.status === 'completed' || r.status === 'failed') ? r : null;
      },
      45_000,
    );
    expect(done.error).toBeNull();
    const chapters = await env.service.chapters(done.videoId!);
    expect(chapters.map((c) => c.title)).toEqual(['Welcome', 'Rivers and lakes', 'Questions']);
    expect(chapters[1]).toMatchObject({ start: 2, end: 4 });
    const answer = await env.service.ask('audience questions');
    const top = answer.citations[0]!;
    expect(top.snippet).toMatch(/questions from the audience/);
    expect(top.chapter).toBe(chapterAt(chapters, top.start)?.title);
    expect(top.chapter).toBeTruthy();
  });
});
