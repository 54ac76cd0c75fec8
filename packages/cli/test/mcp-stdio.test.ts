/*
 * `llm-rag-yt mcp` as a real child process on stdio, driven by the MCP SDK's own Client
 * (StdioClientTransport): a transcript imported through the CLI is searchable, askable and readable
 * through the tools; bad input gets MCP/JSON-RPC errors; stdout carries nothing but JSON-RPC.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OFFLINE_CLI_ENV } from '@llm-rag-yt/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/main.ts';

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../bin/llm-rag-yt.js');
const VIDEO = 'stdIo123abc';
const VTT = `WEBVTT

00:00.000 --> 00:04.000
Bees communicate the location of flowers with a waggle dance.

00:04.000 --> 00:08.000
The angle of the dance points toward the food relative to the sun.
`;

let dir: string;
let env: Record<string, string>;
let client: Client;

function childEnv(): Record<string, string> {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG'];
  const e: Record<string, string> = {};
  for (const k of keep) if (process.env[k] !== undefined) e[k] = process.env[k]!;
  return { ...e, ...env };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mcp-stdio-'));
  env = {
    ...OFFLINE_CLI_ENV,
    LLM_RAG_YT_HOME: dir,
    EMBEDDER: 'none',
    ASR_BACKEND: 'fake',
    LOG_LEVEL: 'error',
  };
  const file = join(dir, `${VIDEO}.vtt`);
  writeFileSync(file, VTT);
  let stderr = '';
  const code = await main(['import', file, '--video-id', VIDEO, '--title', 'How bees talk'], {
    stdout: { write: () => true },
    stderr: { write: (s: string) => (stderr += s) },
    env,
    cwd: dir,
  });
  expect(code, stderr).toBe(0);
  client = new Client({ name: 'stdio-test', version: '1.0.0' });
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [BIN, 'mcp'],
      env: childEnv(),
      cwd: dir,
      stderr: 'pipe',
    }),
  );
}, 90_000);

afterAll(async () => {
  await client?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('llm-rag-yt mcp (stdio)', () => {
  it('lists the tools and calls each', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'ask',
      'get_transcript',
      'ingest',
      'ingest_status',
      'list_videos',
      'search',
      'subscribe',
    ]);

    const search = await client.callTool({ name: 'search', arguments: { query: 'waggle dance' } });
    const moments = (search.structuredContent as { moments: { videoId: string; url: string }[] }).moments;
    expect(moments[0]).toMatchObject({ videoId: VIDEO, url: `https://youtu.be/${VIDEO}?t=0` });

    const ask = await client.callTool({ name: 'ask', arguments: { question: 'How do bees point to food?' } });
    expect((ask.content as { text: string }[])[0]!.text).toMatch(/Sources:\n\[1\] How bees talk/);

    const transcript = await client.callTool({
      name: 'get_transcript',
      arguments: { videoId: VIDEO, start: 5 },
    });
    expect(
      (transcript.structuredContent as { segments: { text: string }[] }).segments.map((s) => s.text),
    ).toEqual(['The angle of the dance points toward the food relative to the sun.']);

    const videos = await client.callTool({ name: 'list_videos', arguments: { text: 'bees' } });
    expect((videos.structuredContent as { videos: { title: string }[] }).videos.map((v) => v.title)).toEqual([
      'How bees talk',
    ]);

    const ingest = await client.callTool({
      name: 'ingest',
      arguments: { urls: [`https://www.youtube.com/watch?v=${VIDEO}`] },
    });
    const ids = (ingest.structuredContent as { requests: { id: number }[] }).requests.map((r) => r.id);
    const status = await client.callTool({ name: 'ingest_status', arguments: { ids } });
    expect((status.structuredContent as { requests: { status: string }[] }).requests[0]!.status).toBe(
      'completed',
    );

    const resource = await client.readResource({ uri: `video://${VIDEO}/transcript` });
    expect((resource.contents[0] as { text: string }).text).toContain('[00:04] The angle of the dance');
  });

  it('bad arguments and unknown tools are tool errors; the server keeps serving', async () => {
    const unknown = await client.callTool({ name: 'nope', arguments: {} });
    expect(unknown.isError).toBe(true);
    const wrong = await client.callTool({ name: 'ingest_status', arguments: { ids: 'one' } });
    expect(wrong.isError).toBe(true);
    expect((wrong.content as { text: string }[])[0]!.text).toMatch(/ids/);
    const huge = await client.callTool({ name: 'search', arguments: { query: 'y'.repeat(1_500_000) } });
    expect(huge.isError).toBe(true);
    expect((huge.content as { text: string }[])[0]!.text).toMatch(/at most 2000 characters/);
    expect((await client.listTools()).tools.length).toBe(7);
  });

  it('a line that is not JSON-RPC gets a JSON-RPC error and the next request is still answered', async () => {
    const child: ChildProcess = spawn(process.execPath, [BIN, 'mcp', '--no-executor'], {
      cwd: dir,
      env: childEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
    });
    try {
      child.stdin!.write('this is not json\n');
      child.stdin!.write('{"hello":"world"}\n');
      child.stdin!.write(
        `${JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'initialize',
          params: {
            protocolVersion: '2025-06-18',
            capabilities: {},
            clientInfo: { name: 'raw', version: '1' },
          },
        })}\n`,
      );
      const deadline = Date.now() + 30_000;
      while (!/"id":1/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const lines = out
        .trim()
        .split('\n')
        .map(
          (l) =>
            JSON.parse(l) as { id: unknown; error?: { code: number; message: string }; result?: unknown },
        );
      // Everything on stdout is JSON-RPC, in order.
      expect(lines[0]).toMatchObject({ id: null, error: { code: -32700 } });
      expect(lines[0]!.error!.message).toMatch(/JSON-RPC/);
      expect(lines[1]).toMatchObject({ id: null, error: { code: -32600 } });
      expect(lines[2]).toMatchObject({ id: 1, result: { serverInfo: { name: 'llm-rag-yt' } } });
    } finally {
      child.stdin!.end();
      await new Promise((r) => {
        const t = setTimeout(() => {
          child.kill('SIGKILL');
          r(null);
        }, 10_000);
        child.once('exit', () => {
          clearTimeout(t);
          r(null);
        });
      });
    }
    // Closing stdin ends the process on its own (exit code 0).
    expect(child.exitCode).toBe(0);
  }, 60_000);
});
