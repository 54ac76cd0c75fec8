import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import type { RagService } from '@llm-rag-yt/rag';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { HttpError } from '../http-error.ts';
import type { AppOptions } from '../types.ts';
import { intParam, param, qInt, readJson, readQuery, shortText } from '../validation.ts';

const REQUEST_STATUSES = ['pending', 'processing', 'completed', 'failed'] as const;
const ALERT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
const TRANSCRIPT_EXTENSIONS = ['.vtt', '.srt', '.json3', '.json'];
const MAX_UPLOAD_BYTES = 20_000_000;

export const submitBody = z
  .object({
    urls: z
      .array(shortText(2000).min(1))
      .min(1, 'send at least one URL')
      .max(100, 'send at most 100 URLs at once'),
    language: shortText(20).optional(),
    force: z.boolean().optional(),
  })
  .strict();

export const askBody = z
  .object({
    question: z.string().trim().min(1, 'ask a question').max(2000, 'must be at most 2000 characters'),
    topK: z.number().int().min(1).max(50).optional(),
    videoId: shortText(100).optional(),
    channel: shortText(200).optional(),
  })
  .strict();

export const feedbackBody = z
  .object({
    queryId: z.number().int().positive(),
    rating: z.union([z.literal(1), z.literal(-1)]),
    comment: shortText(2000).optional(),
  })
  .strict();

export const ackBody = z.object({ by: shortText(100).optional() }).strict();

/** Library, ask/feedback, alerts and stats: thin wrappers over RagService. */
export function ragRoutes(opts: AppOptions): Hono {
  const app = new Hono();
  const rag = (): RagService => {
    if (!opts.rag)
      throw new HttpError(
        503,
        'The RAG service is not configured on this server (start it with `llm-rag-yt dev`).',
      );
    return opts.rag;
  };

  // — Library —
  app.get('/library/requests', async (c) => {
    const q = readQuery(
      c,
      z.object({ status: z.enum(REQUEST_STATUSES).optional(), limit: qInt(1, 1000).optional() }),
    );
    return c.json({ requests: await rag().listRequests({ status: q.status, limit: q.limit ?? 100 }) });
  });
  app.get('/library/requests/:id', async (c) => {
    const id = intParam(c, 'id');
    const request = await rag().getRequest(id);
    if (!request)
      throw new HttpError(404, `Unknown request ${id}. List requests with GET /api/library/requests.`);
    return c.json({ request });
  });
  app.post('/library/requests', async (c) => {
    const body = await readJson(c, submitBody);
    const result = await rag().submitUrls(body.urls, {
      language: body.language,
      force: body.force,
      source: 'web',
    });
    if (!result.requests.length) {
      const reasons = result.rejected.map((r) => `${r.url}: ${r.reason}`).join('; ');
      throw new HttpError(400, `No URL was accepted. ${reasons || 'Send YouTube or other video page URLs.'}`);
    }
    return c.json(result, 201);
  });
  app.post('/library/requests/:id/retry', async (c) => {
    const id = intParam(c, 'id');
    if (!(await rag().getRequest(id))) throw new HttpError(404, `Unknown request ${id}.`);
    return c.json({ request: await rag().retryRequest(id) });
  });
  app.get('/library/videos', async (c) => {
    const q = readQuery(c, z.object({ limit: qInt(1, 1000).optional(), channel: shortText().optional() }));
    return c.json({ videos: await rag().listVideos({ limit: q.limit ?? 200, channel: q.channel }) });
  });
  app.get('/library/videos/:videoId', async (c) => {
    const videoId = param(c, 'videoId', 100);
    const video = await rag().getVideo(videoId);
    if (!video)
      throw new HttpError(404, `Unknown video '${videoId}'. List videos with GET /api/library/videos.`);
    const [chapters, summary] = await Promise.all([rag().chapters(videoId), rag().summary(videoId)]);
    return c.json({ video, chapters, summary: summary ?? null });
  });
  app.get('/library/videos/:videoId/transcript', async (c) => {
    const videoId = param(c, 'videoId', 100);
    const video = await rag().getVideo(videoId);
    if (!video) throw new HttpError(404, `Unknown video '${videoId}'.`);
    return c.json({
      video,
      segments: await rag().transcript(videoId),
      chapters: await rag().chapters(videoId),
    });
  });
  // The limit holds for chunked uploads too (no content-length to check up front).
  const uploadLimit = bodyLimit({
    maxSize: MAX_UPLOAD_BYTES + 64 * 1024,
    onError: () => {
      throw new HttpError(413, `Upload too large; the limit is ${MAX_UPLOAD_BYTES} bytes.`);
    },
  });
  app.post('/library/import', uploadLimit, async (c) => {
    const length = Number(c.req.header('content-length') ?? 0);
    if (length > MAX_UPLOAD_BYTES)
      throw new HttpError(413, `Upload too large; the limit is ${MAX_UPLOAD_BYTES} bytes.`);
    if (!(c.req.header('content-type') ?? '').includes('multipart/form-data')) {
      throw new HttpError(415, "Upload the transcript as multipart/form-data with a 'file' field.");
    }
    const form = await c.req.formData().catch(() => {
      throw new HttpError(400, "Could not read the upload; send multipart/form-data with a 'file' field.");
    });
    const file = form.get('file');
    if (!file || typeof file === 'string')
      throw new HttpError(400, "Missing 'file' field with the transcript file.");
    const ext = extname(file.name).toLowerCase();
    if (!TRANSCRIPT_EXTENSIONS.includes(ext)) {
      throw new HttpError(
        400,
        `Unsupported file type '${ext || file.name}': upload a .vtt, .srt or YouTube .json3 transcript.`,
      );
    }
    if (file.size > MAX_UPLOAD_BYTES)
      throw new HttpError(413, `Upload too large; the limit is ${MAX_UPLOAD_BYTES} bytes.`);
    const text = (v: FormDataEntryValue | null, max: number) =>
      typeof v === 'string' && v.trim() ? v.trim().slice(0, max) : undefined;
    const dir = join(
      opts.uploadDir ?? tmpdir(),
      `upload-${Date.now()}-${Math.random().toString(36).slice(2)}`,
    );
    await mkdir(dir, { recursive: true });
    // The client's file name is reduced to a safe base name; the folder is ours.
    const path = join(
      dir,
      basename(file.name)
        .replace(/[^\w.-]+/g, '_')
        .slice(0, 120) || `upload${ext}`,
    );
    await writeFile(path, Buffer.from(await file.arrayBuffer()));
    try {
      const request = await rag().importFile(path, {
        // Not cut short: an over-long id is refused by the import's rule, not silently changed.
        videoId: text(form.get('videoId'), 1000),
        title: text(form.get('title'), 300),
        language: text(form.get('language'), 20),
      });
      return c.json({ request }, 201);
    } catch (e) {
      // Messages name the file; show the client its own file name, not our temp folder.
      if (e instanceof Error) e.message = e.message.replaceAll(path, file.name).replaceAll(dir, '.');
      throw e;
    } finally {
      // importFile copied what the library keeps into the data folder; the upload is not needed.
      await rm(dir, { recursive: true, force: true });
    }
  });

  // — Ask —
  app.post('/ask', async (c) => {
    const body = await readJson(c, askBody);
    return c.json(await rag().ask(body.question, { ...body, source: 'web', signal: c.req.raw.signal }));
  });
  app.post('/feedback', async (c) => {
    const body = await readJson(c, feedbackBody);
    await rag().feedback(body);
    return c.json({ ok: true });
  });

  // — Alerts —
  app.get('/alerts', async (c) => {
    const q = readQuery(
      c,
      z.object({ status: z.enum(ALERT_STATUSES).optional(), limit: qInt(1, 1000).optional() }),
    );
    return c.json({ alerts: await rag().listAlerts({ status: q.status, limit: q.limit ?? 200 }) });
  });
  app.post('/alerts/:id/acknowledge', async (c) => {
    const id = intParam(c, 'id');
    const body = await readJson(c, ackBody);
    return c.json({ alert: await rag().acknowledgeAlert(id, body.by ?? 'web') });
  });
  app.post('/alerts/:id/resolve', async (c) => {
    return c.json({ alert: await rag().resolveAlert(intParam(c, 'id')) });
  });

  app.get('/stats', async (c) => c.json(await rag().stats()));

  return app;
}
