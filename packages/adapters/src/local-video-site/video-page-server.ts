/**
 * A real local "video site" for end-to-end tests: the real yt-dlp (generic extractor) and ffmpeg
 * download from it exactly as they would from a web page with an HTML5 `<video>`.
 *
 * @example
 * const site = await startVideoPageServer({
 *   videos: [{ id: 'intro', title: 'Intro to vectors', speech: 'Vectors have a direction.', vttText: 'WEBVTT\n\n00:00.000 --> 00:02.000\nVectors have a direction.\n' }],
 * });
 * try {
 *   const result = await downloader.download(site.pageUrl('intro'), opts);
 * } finally {
 *   await site.close();
 * }
 *
 * Routes (all on http://127.0.0.1:<random port>):
 * - `GET /videos/<id>.html` — page with `<title>`, `<video><source src=/media/<id>.mp4 type=video/mp4>`
 *   and, when `vttText` is given, `<track kind=subtitles src=/subs/<id>.vtt srclang=<lang>>`.
 * - `GET /media/<id>.mp4` — H.264 black video + AAC speech (espeak-ng), or `.m4a` when `audioOnly`,
 *   or video without any audio track when `videoOnly`.
 *   Without `speech`, the media is `silenceSeconds` (default 2) of silence.
 * - `GET /subs/<id>.vtt` — the given `vttText`.
 * - `GET /plain.html` — an HTML page with no video (for "unsupported URL" tests).
 * - any other path — 404.
 * Media is generated once per content and cached in `os.tmpdir()/llm-rag-yt-test-media/<sha256>.<ext>`,
 * so repeated tests (and parallel test files) reuse it; generation takes ~0.3 s per video.
 * `requests` records every path served (e.g. to assert captions were used and media was not fetched).
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestVideo {
  /** URL-safe id used in paths: /videos/<id>.html. */
  id: string;
  title: string;
  /** Text spoken by espeak-ng into the media's audio track. */
  speech?: string;
  /** WebVTT served as the page's subtitle track. */
  vttText?: string;
  /** Subtitle `srclang` and espeak-ng voice. Default 'en'. */
  lang?: string;
  /** Serve an .m4a (audio only) instead of an .mp4 with a black video track. */
  audioOnly?: boolean;
  /** Length of the silent media when there is no `speech`. Default 2. */
  silenceSeconds?: number;
  /** Serve an .mp4 with a video track and NO audio track (for "no audio" tests). */
  videoOnly?: boolean;
  /** Stream the media over about this many seconds (a download that can be interrupted). */
  mediaSeconds?: number;
  /** The page's `og:description` (yt-dlp reads it as the video's description). */
  description?: string;
  /**
   * Chapters as schema.org VideoObject `hasPart` Clips in JSON-LD (yt-dlp reads them as `chapters`).
   * Such a page has no `<video>` element (yt-dlp would prefer it and drop the chapters), so no captions either.
   */
  chapters?: readonly { start: number; end: number; title: string }[];
  /** Duration in seconds announced in the JSON-LD (with `chapters`). */
  durationSeconds?: number;
}

export interface VideoPageServer {
  /** e.g. 'http://127.0.0.1:40123' */
  readonly baseUrl: string;
  pageUrl(id: string): string;
  mediaUrl(id: string): string;
  vttUrl(id: string): string;
  /** Paths requested so far, in order. */
  readonly requests: readonly string[];
  /** Local path of the generated media file for a video (to compare durations etc.). */
  mediaPath(id: string): string;
  close(): Promise<void>;
}

const CACHE_DIR = join(tmpdir(), 'llm-rag-yt-test-media');
/** Bump when the generation recipe changes so old cached files are not reused. */
const RECIPE_VERSION = 1;

export async function startVideoPageServer(opts: { videos: readonly TestVideo[] }): Promise<VideoPageServer> {
  const byId = new Map<string, { video: TestVideo; media: string }>();
  for (const video of opts.videos) {
    if (!/^[A-Za-z0-9_-]+$/.test(video.id))
      throw new Error(`TestVideo id '${video.id}' must match [A-Za-z0-9_-]+`);
    if (byId.has(video.id)) throw new Error(`TestVideo id '${video.id}' is used twice`);
    byId.set(video.id, { video, media: await generateMedia(video) });
  }
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push(path);
    const send = (status: number, type: string, body: string | Buffer) => {
      res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (path === '/plain.html') {
      return send(
        200,
        'text/html; charset=utf-8',
        '<!DOCTYPE html><html><head><title>Just text</title></head><body><p>No video here.</p></body></html>',
      );
    }
    const m = /^\/(videos|media|subs)\/([A-Za-z0-9_-]+)\.(html|mp4|m4a|vtt)$/.exec(path);
    const entry = m ? byId.get(m[2]!) : undefined;
    if (!m || !entry) return send(404, 'text/plain', 'Not found');
    const { video, media } = entry;
    const ext = video.audioOnly ? 'm4a' : 'mp4';
    if (m[1] === 'videos' && m[3] === 'html')
      return send(200, 'text/html; charset=utf-8', pageHtml(video, ext, `http://${req.headers.host}`));
    if (m[1] === 'media' && m[3] === ext) {
      const type = video.audioOnly ? 'audio/mp4' : 'video/mp4';
      if (!video.mediaSeconds || req.method === 'HEAD') return send(200, type, readFileSync(media));
      return sendSlowly(res, type, readFileSync(media), video.mediaSeconds * 1000);
    }
    if (m[1] === 'subs' && m[3] === 'vtt' && video.vttText !== undefined)
      return send(200, 'text/vtt; charset=utf-8', video.vttText);
    return send(404, 'text/plain', 'Not found');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const ext = (id: string) => (byId.get(id)?.video.audioOnly ? 'm4a' : 'mp4');
  return {
    baseUrl,
    pageUrl: (id) => `${baseUrl}/videos/${id}.html`,
    mediaUrl: (id) => `${baseUrl}/media/${id}.${ext(id)}`,
    vttUrl: (id) => `${baseUrl}/subs/${id}.vtt`,
    requests,
    mediaPath: (id) => {
      const e = byId.get(id);
      if (!e) throw new Error(`No test video '${id}'`);
      return e.media;
    },
    close: () => closeServer(server),
  };
}

function pageHtml(video: TestVideo, ext: string, origin: string): string {
  const lang = escapeHtml(video.lang ?? 'en');
  const track =
    video.vttText !== undefined
      ? `<track kind="subtitles" src="/subs/${video.id}.vtt" srclang="${lang}" label="${lang}">`
      : '';
  const type = video.audioOnly ? 'audio/mp4' : 'video/mp4';
  const description =
    video.description !== undefined
      ? `<meta property="og:description" content="${escapeHtml(video.description)}">`
      : '';
  const jsonLd = video.chapters
    ? `<script type="application/ld+json">${JSON.stringify({
        '@context': 'https://schema.org',
        '@type': 'VideoObject',
        name: video.title,
        contentUrl: `${origin}/media/${video.id}.${ext}`,
        ...(video.durationSeconds ? { duration: `PT${Math.round(video.durationSeconds)}S` } : {}),
        hasPart: video.chapters.map((c) => ({
          '@type': 'Clip',
          name: c.title,
          startOffset: c.start,
          endOffset: c.end,
        })),
      }).replace(/</g, '\\u003c')}</script>`
    : '';
  return `<!DOCTYPE html>
<html lang="${lang}"><head><meta charset="utf-8"><title>${escapeHtml(video.title)}</title>${description}${jsonLd}</head>
<body><h1>${escapeHtml(video.title)}</h1>
${
  // yt-dlp prefers a <video> element to JSON-LD, so a chaptered page offers the media through JSON-LD only.
  video.chapters
    ? ''
    : `<video controls width="320"><source src="/media/${video.id}.${ext}" type="${type}">${track}</video>`
}
</body></html>`;
}

async function generateMedia(video: TestVideo): Promise<string> {
  const ext = video.audioOnly ? 'm4a' : 'mp4';
  const key = createHash('sha256')
    .update(
      JSON.stringify([
        RECIPE_VERSION,
        video.speech ?? null,
        video.lang ?? 'en',
        ext,
        video.silenceSeconds ?? 2,
        Boolean(video.videoOnly),
      ]),
    )
    .digest('hex')
    .slice(0, 32);
  const out = join(CACHE_DIR, `${key}.${ext}`);
  if (isNonEmptyFile(out)) return out;
  mkdirSync(CACHE_DIR, { recursive: true });
  // Unique temp names + rename: parallel test files generating the same media never see a half file.
  const tmp = join(CACHE_DIR, `${key}.${randomBytes(6).toString('hex')}.tmp`);
  const speechWav = `${tmp}.wav`;
  try {
    if (video.videoOnly) {
      await run('ffmpeg', [
        '-nostdin',
        '-hide_banner',
        '-loglevel',
        'error',
        '-y',
        '-f',
        'lavfi',
        '-t',
        String(video.silenceSeconds ?? 2),
        '-i',
        'color=c=black:s=64x64:r=5',
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        '-pix_fmt',
        'yuv420p',
        '-an',
        '-f',
        'mp4',
        tmp,
      ]);
      renameSync(tmp, out);
      return out;
    }
    const audioInput: string[] = [];
    if (video.speech) {
      await run('espeak-ng', ['-v', espeakVoice(video.lang), '-s', '160', '-w', speechWav, video.speech]);
      audioInput.push('-i', speechWav);
    } else {
      audioInput.push(
        '-f',
        'lavfi',
        '-t',
        String(video.silenceSeconds ?? 2),
        '-i',
        'anullsrc=r=22050:cl=mono',
      );
    }
    const videoInput = video.audioOnly ? [] : ['-f', 'lavfi', '-i', 'color=c=black:s=64x64:r=5'];
    const codecs = video.audioOnly
      ? ['-map', '0:a', '-c:a', 'aac', '-b:a', '48k']
      : [
          '-map',
          '1:v',
          '-map',
          '0:a',
          '-c:v',
          'libx264',
          '-preset',
          'ultrafast',
          '-tune',
          'stillimage',
          '-pix_fmt',
          'yuv420p',
          '-c:a',
          'aac',
          '-b:a',
          '48k',
          '-shortest',
        ];
    await run('ffmpeg', [
      '-nostdin',
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      ...audioInput,
      ...videoInput,
      ...codecs,
      '-movflags',
      '+faststart',
      '-f',
      'mp4',
      tmp,
    ]);
    renameSync(tmp, out);
  } finally {
    rmSync(tmp, { force: true });
    rmSync(speechWav, { force: true });
  }
  return out;
}

function espeakVoice(lang: string | undefined): string {
  const l = (lang ?? 'en').toLowerCase();
  return l.startsWith('ru') ? 'ru' : l.startsWith('en') ? 'en-us' : l.split('-')[0]!;
}

function isNonEmptyFile(path: string): boolean {
  try {
    return statSync(path).size > 0;
  } catch {
    return false;
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections?.();
    server.close(() => resolve());
  });
}

/** Sends `body` in 20 pieces spread over `ms` (the connection closing stops it). */
function sendSlowly(res: ServerResponse, type: string, body: Buffer, ms: number): void {
  res.writeHead(200, { 'content-type': type, 'content-length': body.length });
  const pieces = 20;
  const size = Math.ceil(body.length / pieces);
  let i = 0;
  const timer = setInterval(() => {
    if (res.destroyed) return clearInterval(timer);
    res.write(body.subarray(i * size, (i + 1) * size));
    if (++i >= pieces) {
      clearInterval(timer);
      res.end();
    }
  }, ms / pieces);
  res.on('close', () => clearInterval(timer));
}
