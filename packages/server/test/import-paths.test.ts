/*
 * What user input may name on disk: run config paths only inside the data folder's audio/imports
 * folders, import ids by a clear rule (never a path that escapes or collides), and uploads
 * removed once imported. A real RAG stack behind the real HTTP app.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRagEnv } from '../../rag/test/helpers-rag-env.ts';
import { createApp } from '../src/app.ts';
import { silentLogger } from './helpers/fixture.ts';

let env: Awaited<ReturnType<typeof startRagEnv>>;
let app: Hono;
let uploadDir: string;
let dataDir: string;
const VTT = 'WEBVTT\n\n00:00.000 --> 00:02.000\nThe secret password is swordfish.\n';

beforeAll(async () => {
  env = await startRagEnv();
  dataDir = env.resources.settings.dataDir;
  uploadDir = mkdtempSync(join(tmpdir(), 'uploads-'));
  app = createApp({
    instance: env.instance,
    rag: env.service,
    auth: { tokens: [] },
    logger: silentLogger,
    uploadDir,
  });
}, 30_000);
afterAll(async () => {
  await env?.close();
  rmSync(uploadDir, { recursive: true, force: true });
});

const launch = (config: unknown) =>
  app.request('/api/jobs/audio_processing_job/launch', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ runConfig: { ops: { unprocessed_audio_files: { config } } } }),
  });

function upload(name: string, text: string, fields: Record<string, string> = {}) {
  const form = new FormData();
  form.set('file', new File([text], name));
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return app.request('/api/library/import', { method: 'POST', body: form });
}

describe('run config may name files only inside the allowed folders', () => {
  it('captions[].path, files[] and input_directory outside the data folder are refused (400)', async () => {
    const secret = join(env.dir, 'secret.vtt'); // beside the data folder, not in it
    writeFileSync(secret, VTT);
    mkdirSync(join(dataDir, 'audio'), { recursive: true });
    const link = join(dataDir, 'audio', 'link.vtt');
    symlinkSync(secret, link);
    const runsBefore = await env.storage.runs.countRuns();
    for (const config of [
      { captions: [{ video_id: 'abc', path: secret, format: 'vtt' }] },
      { captions: [{ video_id: 'abc', path: '/etc/hostname', format: 'vtt' }] },
      {
        captions: [
          { video_id: 'abc', path: join(dataDir, 'imports', '..', '..', 'secret.vtt'), format: 'vtt' },
        ],
      },
      { captions: [{ video_id: 'abc', path: link, format: 'vtt' }] },
      { files: ['/etc/passwd'] },
      { input_directory: '/etc' },
    ]) {
      const res = await launch(config);
      const body = (await res.json()) as any;
      expect(res.status, JSON.stringify(config)).toBe(400);
      expect(body.error.message).toMatch(/must be inside .*IMPORT_DIRS/);
    }
    expect(await env.storage.runs.countRuns()).toBe(runsBefore);
  });

  it('files inside the imports folder are accepted', async () => {
    mkdirSync(join(dataDir, 'imports'), { recursive: true });
    const inside = join(dataDir, 'imports', 'ok.vtt');
    writeFileSync(inside, VTT);
    const res = await launch({ captions: [{ video_id: 'okvideo', path: inside, format: 'vtt' }] });
    expect(res.status).toBe(201);
  });
});

describe('import ids', () => {
  it("'..', '/', NUL, '<script>' and friends are refused with the rule; nothing is written", async () => {
    for (const id of [
      '..',
      '/',
      'a/b',
      'a\u0000b',
      '<script>alert(1)</script>',
      '.hidden',
      '..v01-6030302a',
      'x'.repeat(101),
    ]) {
      const res = await upload('talk.vtt', VTT, { videoId: id });
      const body = (await res.json()) as any;
      expect(res.status, id).toBe(400);
      expect(body.error.message).toMatch(/Invalid video id .* letters, digits/);
    }
    expect(existsSync(join(dataDir, 'imports', 'untitled.vtt'))).toBe(false);
  });

  it('ids that differ only in punctuation get different files (no collisions)', async () => {
    for (const id of ['my.talk', 'my:talk', 'my-talk']) {
      const res = await upload('talk.vtt', VTT, { videoId: id });
      expect(res.status, id).toBe(201);
    }
    expect(
      readdirSync(join(dataDir, 'imports'))
        .filter((f) => f.startsWith('my'))
        .sort(),
    ).toEqual(['my%2Etalk.vtt', 'my%3Atalk.vtt', 'my-talk.vtt']);
  });

  it("removing an unknown id like '..v01-6030302a' deletes no other video's folder", async () => {
    const other = join(dataDir, 'downloads', 'v01-6030302a');
    mkdirSync(other, { recursive: true });
    writeFileSync(join(other, 'keep.wav'), 'x');
    expect(await env.service.removeVideo('..v01-6030302a')).toBe(false);
    expect(existsSync(join(other, 'keep.wav'))).toBe(true);
  });
});

describe('uploads', () => {
  it('the uploaded temp file is removed after a successful import; the library keeps its copy', async () => {
    const res = await upload('dQw4w9WgXcQ.vtt', VTT);
    expect(res.status).toBe(201);
    expect(readdirSync(uploadDir)).toEqual([]);
    expect(existsSync(join(dataDir, 'imports', 'dQw4w9WgXcQ.vtt'))).toBe(true);
    const bad = await upload('broken.vtt', 'not a transcript');
    expect(bad.status).toBe(400);
    expect(readdirSync(uploadDir)).toEqual([]);
  });
});
