/*
 * Bad input on the RAG, run and alert endpoints of a real server (real RAG stack over a socket):
 * every case answers 4xx with a message saying what to fix — never a 500, never a stack trace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RagServer, startRagServer } from './helpers/rag-server.ts';

let env: RagServer;
let locked: RagServer;
beforeAll(async () => {
  [env, locked] = await Promise.all([startRagServer(), startRagServer({ tokens: ['t0ken-for-tests'] })]);
}, 30_000);
afterAll(async () => {
  await env?.close();
  await locked?.close();
});

type Case = [name: string, path: string, init?: { method?: string; body?: unknown; raw?: string }];

async function call(base: string, [, path, init = {}]: Case) {
  const method = init.method ?? (init.body !== undefined || init.raw !== undefined ? 'POST' : 'GET');
  const res = await fetch(`${base}${path}`, {
    method,
    headers: init.raw !== undefined || init.body !== undefined ? { 'content-type': 'application/json' } : {},
    body: init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
  });
  const text = await res.text();
  return { status: res.status, text };
}

/** A 4xx whose JSON body has a helpful message and nothing that looks like a stack or source path. */
function expectClientError(name: string, r: { status: number; text: string }, status?: number) {
  const where = `${name}: ${r.status} ${r.text.slice(0, 300)}`;
  expect(r.status, where).toBeGreaterThanOrEqual(400);
  expect(r.status, where).toBeLessThan(500);
  if (status) expect(r.status, where).toBe(status);
  const body = JSON.parse(r.text) as { error?: { message?: string } };
  expect(body.error?.message?.length ?? 0, where).toBeGreaterThan(15);
  // Stack frames, source paths, driver errors or our temp folders must not reach the client.
  expect(r.text, where).not.toMatch(
    /\s{2,}at \S|\([^)]*:\d+:\d+\)|\.(ts|js):\d+|node_modules|SqliteError|ZodError|\/tmp\//,
  );
}

const KB = 1024;

describe('bad input on the RAG endpoints', () => {
  it('malformed JSON, wrong types, over-long strings, unknown ids: 4xx with a message', async () => {
    const cases: [Case, number?][] = [
      [['malformed JSON on ask', '/api/ask', { raw: '{"question": "what' }], 400],
      [['question is a number', '/api/ask', { body: { question: 42 } }], 400],
      [['empty question', '/api/ask', { body: { question: '   ' } }], 400],
      [['100 KB question', '/api/ask', { body: { question: 'why '.repeat(25 * KB) } }], 400],
      [['topK as string', '/api/ask', { body: { question: 'x', topK: '5' } }], 400],
      [['unknown field on ask', '/api/ask', { body: { question: 'x', temperature: 2 } }], 400],
      [['urls not an array', '/api/library/requests', { body: { urls: 'https://youtu.be/x' } }], 400],
      [['no urls', '/api/library/requests', { body: { urls: [] } }], 400],
      [
        [
          '10 KB URL',
          '/api/library/requests',
          { body: { urls: [`https://youtu.be/${'a'.repeat(10 * KB)}`] } },
        ],
        400,
      ],
      [['101 URLs', '/api/library/requests', { body: { urls: Array(101).fill('https://youtu.be/x') } }], 400],
      [['url is a number', '/api/library/requests', { body: { urls: [123] } }], 400],
      [['rating 5', '/api/feedback', { body: { queryId: 1, rating: 5 } }], 400],
      [['unknown query id', '/api/feedback', { body: { queryId: 999_999, rating: 1 } }], 404],
      [['alert id not a number', '/api/alerts/abc/acknowledge', { body: {} }], 400],
      [['unknown alert', '/api/alerts/999999/acknowledge', { body: {} }], 404],
      [['unknown alert resolve', '/api/alerts/999999/resolve', { body: {} }], 404],
      [['acknowledged by 10 KB', '/api/alerts/1/acknowledge', { body: { by: 'x'.repeat(10 * KB) } }], 400],
      [['alert status bogus', '/api/alerts?status=bogus'], 400],
      [['unknown video', '/api/library/videos/no-such-video'], 404],
      [['unknown video transcript', '/api/library/videos/no-such-video/transcript'], 404],
      [['request id not a number', '/api/library/requests/abc'], 400],
      [['unknown request', '/api/library/requests/999999'], 404],
      [['retry unknown request', '/api/library/requests/999999/retry', { body: {} }], 404],
      [['request status bogus', '/api/library/requests?status=bogus'], 400],
      [['video id 10 KB', `/api/library/videos/${'v'.repeat(10 * KB)}`], 400],
      [
        [
          'run config does not validate (YAML)',
          '/api/jobs/youtube_processing_job/launch',
          { body: { runConfigYaml: 'ops:\n  no_such_asset:\n    config: {}\n' } },
        ],
        400,
      ],
      [
        [
          'run config YAML syntax',
          '/api/jobs/youtube_processing_job/launch',
          { body: { runConfigYaml: 'ops: [unclosed' } },
        ],
        400,
      ],
      [['unknown job', '/api/jobs/no_such_job/launch', { body: {} }], 404],
      [['unknown run', '/api/runs/00000000-0000-0000-0000-000000000000'], 404],
      [['unknown run events', '/api/runs/00000000-0000-0000-0000-000000000000/events'], 404],
      [['run status bogus', '/api/runs?status=bogus'], 400],
      [['unknown asset', '/api/assets/no_such_asset'], 404],
      [['unknown sensor', '/api/sensors/no_such_sensor/start', { body: {} }], 404],
    ];
    for (const [c, status] of cases) expectClientError(c[0], await call(env.server.url, c), status);
  }, 30_000);

  it('uploads that are not transcripts are refused with what to send', async () => {
    const post = async (form: FormData) => {
      const res = await fetch(`${env.server.url}/api/library/import`, { method: 'POST', body: form });
      return { status: res.status, text: await res.text() };
    };
    const none = new FormData();
    none.set('videoId', 'dQw4w9WgXcQ');
    expectClientError('no file', await post(none), 400);
    const exe = new FormData();
    exe.set('file', new Blob(['MZ']), 'tool.exe');
    expectClientError('.exe', await post(exe), 400);
    const broken = new FormData();
    broken.set('file', new Blob(['this is not WebVTT']), 'captions.vtt');
    broken.set('videoId', 'dQw4w9WgXcQ');
    expectClientError('not a VTT', await post(broken));
    const noId = new FormData();
    noId.set('file', new Blob(['WEBVTT\n\n00:00.000 --> 00:01.000\nhi\n']), 'captions.vtt');
    expectClientError('no video id', await post(noId));
  });

  it('a token-protected server refuses calls without the token, saying how to send it', async () => {
    for (const c of [
      ['runs', '/api/runs'],
      ['ask', '/api/ask', { body: { question: 'x' } }],
      ['submit', '/api/library/requests', { body: { urls: ['https://youtu.be/dQw4w9WgXcQ'] } }],
    ] as Case[]) {
      const r = await call(locked.server.url, c);
      expectClientError(c[0], r, 401);
      expect(r.text).toContain('Authorization: Bearer');
      expect(r.text).not.toContain('t0ken-for-tests');
    }
    const wrong = await fetch(`${locked.server.url}/api/runs`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
  });
});
