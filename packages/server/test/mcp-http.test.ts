/*
 * The MCP server over Streamable HTTP (/mcp) on the real RAG stack, driven by the SDK's own Client:
 * list tools, call each, read transcript resources, and the bad inputs (unknown tool, wrong types,
 * megabyte arguments, malformed JSON-RPC, missing/wrong token) — each answered in MCP's or JSON-RPC's
 * own shape, without stack traces or server paths, while the server keeps serving.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../rag/test/helpers-rag-env.ts';
import { type RagServer, startRagServer } from './helpers/rag-server.ts';

const TOKEN = 'mcp-test-token-7f3a';
const VIDEO = 'abc123def45';
const VTT = `WEBVTT

00:00.000 --> 00:04.000
Welcome to this lesson about photosynthesis in green plants.

00:04.000 --> 00:08.000
Chlorophyll absorbs sunlight and turns it into chemical energy.

00:08.000 --> 00:12.000
The plant releases oxygen as a by-product of this process.

00:12.000 --> 00:16.000
Next time we will talk about cellular respiration.
`;

let env: RagServer;
let client: Client;

async function connect(token: string | null): Promise<Client> {
  const c = new Client({ name: 'test-client', version: '1.0.0' });
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  await c.connect(
    new StreamableHTTPClientTransport(new URL(`${env.server.url}/mcp`), { requestInit: { headers } }),
  );
  return c;
}

function textOf(result: object): string {
  return (((result as { content?: unknown }).content as { type: string; text?: string }[]) ?? [])
    .map((p) => p.text ?? '')
    .join('\n');
}

/** No stack frames, no server paths, no token in anything a client sees. */
function expectNoLeak(s: string) {
  expect(s).not.toMatch(/\n\s+at\s|node_modules|\.ts:\d+/);
  expect(s).not.toContain(env.dir);
  expect(s).not.toContain(TOKEN);
}

beforeAll(async () => {
  env = await startRagServer({ tokens: [TOKEN] });
  const file = join(env.dir, `${VIDEO}.vtt`);
  writeFileSync(file, VTT);
  await env.rag.importFile(file, { videoId: VIDEO, title: 'Plants and light' });
  await waitFor(
    'the imported transcript to be indexed',
    async () => (await env.rag.getVideo(VIDEO))?.status === 'indexed',
  );
  client = await connect(TOKEN);
}, 60_000);

afterAll(async () => {
  await client?.close();
  await env?.close();
});

describe('MCP over Streamable HTTP', () => {
  it('lists every tool with input and output schemas', async () => {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name).sort();
    expect(names).toEqual([
      'ask',
      'get_transcript',
      'ingest',
      'ingest_status',
      'list_videos',
      'search',
      'subscribe',
    ]);
    for (const t of tools) {
      expect(t.inputSchema.type).toBe('object');
      expect(t.outputSchema?.type).toBe('object');
      expect(t.description?.length).toBeGreaterThan(20);
    }
  });

  it('search returns moments with title, time range, deep link, snippet and score', async () => {
    const r = await client.callTool({
      name: 'search',
      arguments: { query: 'chlorophyll sunlight', topK: 3 },
    });
    expect(r.isError).toBeFalsy();
    const data = r.structuredContent as { moments: Record<string, unknown>[]; retrieval: string };
    expect(data.retrieval).toBe('lexical');
    expect(data.moments.length).toBeGreaterThan(0);
    const m = data.moments[0]!;
    expect(m).toMatchObject({ videoId: VIDEO, title: 'Plants and light' });
    expect(m.url).toMatch(new RegExp(`^https://youtu\\.be/${VIDEO}\\?t=\\d+$`));
    expect(m.timeRange).toMatch(/^\d\d:\d\d–\d\d:\d\d$/);
    expect(String(m.snippet)).toMatch(/chlorophyll/i);
    expect(typeof m.score).toBe('number');
    expect(textOf(r)).toContain('[1] Plants and light');
  });

  it('ask answers with [n] citations, in text and structured', async () => {
    const r = await client.callTool({
      name: 'ask',
      arguments: { question: 'What does chlorophyll absorb?' },
    });
    expect(r.isError).toBeFalsy();
    const data = r.structuredContent as {
      answer: string;
      mode: string;
      citations: { url: string }[];
      queryId: number;
    };
    expect(data.mode).toBe('extractive');
    expect(data.citations.length).toBeGreaterThan(0);
    expect(data.queryId).toBeGreaterThan(0);
    expect(textOf(r)).toMatch(
      /Sources:\n\[1\] Plants and light \(\d\d:\d\d–\d\d:\d\d\) https:\/\/youtu\.be\//,
    );
    // The same RagService as the API: the question is in the query log.
    expect((await env.store.queries.get(data.queryId))?.query).toBe('What does chlorophyll absorb?');
  });

  it('get_transcript pages through a time range', async () => {
    const first = await client.callTool({
      name: 'get_transcript',
      arguments: { videoId: VIDEO, start: 4, end: 13, limit: 2 },
    });
    const a = first.structuredContent as {
      total: number;
      segments: { start: number; url: string }[];
      nextCursor: number | null;
    };
    expect(a.total).toBe(3);
    expect(a.segments.map((s) => s.start)).toEqual([4, 8]);
    expect(a.segments[0]!.url).toBe(`https://youtu.be/${VIDEO}?t=4`);
    expect(a.nextCursor).toBe(2);
    const second = await client.callTool({
      name: 'get_transcript',
      arguments: { videoId: VIDEO, start: 4, end: 13, limit: 2, cursor: a.nextCursor },
    });
    const b = second.structuredContent as typeof a;
    expect(b.segments.map((s) => s.start)).toEqual([12]);
    expect(b.nextCursor).toBeNull();
  });

  it('list_videos filters by text, and each video names its transcript resource', async () => {
    const hit = await client.callTool({ name: 'list_videos', arguments: { text: 'PLANTS' } });
    const videos = (hit.structuredContent as { videos: { videoId: string; transcriptUri: string }[] }).videos;
    expect(videos.map((v) => v.videoId)).toEqual([VIDEO]);
    expect(videos[0]!.transcriptUri).toBe(`video://${VIDEO}/transcript`);
    const miss = await client.callTool({ name: 'list_videos', arguments: { text: '100%_nothing' } });
    expect((miss.structuredContent as { videos: unknown[] }).videos).toEqual([]);
  });

  it('ingest returns request ids that ingest_status reports on', async () => {
    const r = await client.callTool({
      name: 'ingest',
      arguments: { urls: [`https://youtu.be/${VIDEO}`, 'not a url at all'] },
    });
    expect(r.isError).toBeFalsy();
    const data = r.structuredContent as {
      requests: { id: number; status: string }[];
      rejected: { url: string; reason: string }[];
      alreadyIndexed: string[];
    };
    expect(data.alreadyIndexed).toEqual([VIDEO]);
    expect(data.rejected[0]!.url).toBe('not a url at all');
    const id = data.requests[0]!.id;
    const status = await client.callTool({ name: 'ingest_status', arguments: { ids: [id, 999999] } });
    expect(status.structuredContent).toMatchObject({
      requests: [{ id, status: 'completed', stage: 'done', percent: 100 }],
      unknown: [999999],
    });
  });

  it('subscribe follows a channel once; list_videos filters by subscription', async () => {
    const r = await client.callTool({
      name: 'subscribe',
      arguments: { url: 'https://www.youtube.com/@mcptestchannel', backfill: 2, filters: { noShorts: true } },
    });
    expect(r.isError).toBeFalsy();
    const sub = (r.structuredContent as { subscription: { id: number; kind: string; backfill: number } })
      .subscription;
    expect(sub).toMatchObject({ kind: 'channel', backfill: 2 });
    const again = await client.callTool({
      name: 'subscribe',
      arguments: { url: 'https://www.youtube.com/@mcptestchannel' },
    });
    expect(again.isError).toBe(true);
    expect(textOf(again)).toMatch(/Already subscribed/);
    const bad = await client.callTool({ name: 'subscribe', arguments: { url: 'ftp://nowhere' } });
    expect(bad.isError).toBe(true);
    expectNoLeak(textOf(bad));
    const none = await client.callTool({ name: 'list_videos', arguments: { subscription: sub.id } });
    expect((none.structuredContent as { videos: unknown[] }).videos).toEqual([]);
    const unknown = await client.callTool({ name: 'list_videos', arguments: { subscription: 999999 } });
    expect(textOf(unknown)).toBe('Unknown subscription 999999.');
  });

  it('serves transcripts as video://ID/transcript resources', async () => {
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toContain('video://{videoId}/transcript');
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toContain(`video://${VIDEO}/transcript`);
    const read = await client.readResource({ uri: `video://${VIDEO}/transcript` });
    const text = (read.contents[0] as { text: string }).text;
    expect(text).toContain('Plants and light');
    expect(text).toContain('[00:04] Chlorophyll absorbs sunlight');
    await expect(client.readResource({ uri: 'video://zzzzzzzzzzz/transcript' })).rejects.toThrow(
      /Unknown video 'zzzzzzzzzzz'/,
    );
  });

  it('unknown tools, wrong types, unknown videos and megabyte arguments get clear tool errors', async () => {
    const unknown = await client.callTool({ name: 'delete_everything', arguments: {} });
    expect(unknown.isError).toBe(true);
    expect(textOf(unknown)).toMatch(/delete_everything not found/);

    const wrongType = await client.callTool({ name: 'search', arguments: { query: 42, topK: 'five' } });
    expect(wrongType.isError).toBe(true);
    expect(textOf(wrongType)).toMatch(/query/);
    expect(textOf(wrongType)).toMatch(/topK/);

    const noVideo = await client.callTool({ name: 'get_transcript', arguments: { videoId: 'nope' } });
    expect(noVideo.isError).toBe(true);
    expect(textOf(noVideo)).toBe("Unknown video 'nope'. List videos with list_videos.");

    const long = await client.callTool({ name: 'ask', arguments: { question: 'x'.repeat(200_000) } });
    expect(long.isError).toBe(true);
    expect(textOf(long)).toMatch(/at most 2000 characters at question/);

    // Over the body limit the transport refuses before parsing (HTTP 413 → the client throws).
    await expect(
      client.callTool({ name: 'ask', arguments: { question: 'x'.repeat(2_000_000) } }),
    ).rejects.toThrow(/413|too large/i);
    for (const r of [unknown, wrongType, noVideo, long]) expectNoLeak(textOf(r));
    // Still serving.
    expect((await client.callTool({ name: 'list_videos', arguments: {} })).isError).toBeFalsy();
  });

  it('malformed JSON-RPC gets JSON-RPC errors', async () => {
    const post = (body: string) =>
      fetch(`${env.server.url}/mcp`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${TOKEN}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body,
      });
    const garbage = await post('{"jsonrpc": "2.0", "method": ');
    expect(garbage.status).toBe(400);
    const g = (await garbage.json()) as { jsonrpc: string; error: { code: number; message: string } };
    expect(g.jsonrpc).toBe('2.0');
    expect(g.error.code).toBe(-32700);
    const notRpc = await post(JSON.stringify({ hello: 'world' }));
    expect(notRpc.status).toBe(400);
    const n = (await notRpc.json()) as { error: { code: number; message: string } };
    expect(n.error.code).toBeLessThan(-32000);
    expectNoLeak(JSON.stringify([g, n]));
    const get = await fetch(`${env.server.url}/mcp`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(get.status).toBe(405);
    expect(((await get.json()) as { error: { message: string } }).error.message).toMatch(/POST/);
  });

  it('a missing or wrong token is refused with a JSON-RPC error, and the token never echoes', async () => {
    for (const auth of [undefined, 'Bearer wrong-token', 'Basic abc']) {
      const res = await fetch(`${env.server.url}/mcp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });
      expect(res.status).toBe(401);
      const body = (await res.json()) as {
        jsonrpc: string;
        id: null;
        error: { code: number; message: string };
      };
      expect(body).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32001 } });
      expect(body.error.message).toMatch(/API token/);
      expect(JSON.stringify(body)).not.toContain('wrong-token');
    }
    await expect(connect(null)).rejects.toThrow(/401|token/i);
    await expect(connect('wrong-token')).rejects.toThrow(/401|token/i);
    // The right token still works after the refusals.
    expect((await client.listTools()).tools.length).toBe(7);
  });
});
