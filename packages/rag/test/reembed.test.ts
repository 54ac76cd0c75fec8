import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OpenAiEmbedder } from '@llm-rag-yt/adapters';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenAiServer, startOpenAiCompatibleServer } from '../../adapters/test/helpers/openai-server.ts';
import type { Embedder } from '../src/ports.ts';
import { startRagEnv } from './helpers-rag-env.ts';

const SRT = `1
00:00:00,000 --> 00:00:04,000
Glaciers carve deep valleys as they slowly move downhill.

2
00:00:04,000 --> 00:00:08,000
Meltwater from glaciers feeds rivers during the summer.
`;

/**
 * The configured embedder as the pipeline sees it; the test swaps what is behind it: first a model
 * that cannot be loaded (as with no network on first use), then a working one, then another model.
 */
class SwitchableEmbedder implements Embedder {
  constructor(public inner: Embedder) {}
  get model() {
    return this.inner.model;
  }
  get dimensions() {
    return this.inner.dimensions;
  }
  embed(texts: readonly string[], kind: 'query' | 'passage', signal?: AbortSignal) {
    return this.inner.embed(texts, kind, signal);
  }
}

const unloadable: Embedder = {
  model: 'openai:local-trigram',
  dimensions: 384,
  async embed() {
    throw new Error('Cannot download model local-trigram: getaddrinfo ENOTFOUND huggingface.co');
  },
};

describe('re-embedding: embedding_backfill_sensor → reembed_job', () => {
  let env: Awaited<ReturnType<typeof startRagEnv>>;
  let server: OpenAiServer;
  const embedder = new SwitchableEmbedder(unloadable);

  beforeAll(async () => {
    server = await startOpenAiCompatibleServer({ embeddings: true });
    env = await startRagEnv({ embedder });
  });
  afterAll(async () => {
    await env?.close();
    await server?.close();
  });

  async function tickAndRun() {
    const tick = await env.instance.tickSensor('embedding_backfill_sensor');
    expect(tick.error).toBeNull();
    expect(tick.runIds).toHaveLength(1);
    return env.instance.waitForRun(tick.runIds[0]!);
  }

  it('a lexical-only video gets vectors once the model works, and again when the model changes', async () => {
    const file = join(env.dir, 'GlAcIeRs001.en.srt');
    writeFileSync(file, SRT);
    const req = await env.service.importFile(file, { title: 'Glaciers' });
    expect((await env.instance.waitForRun(req.runId!)).status).toBe('SUCCESS');
    const lexical = await env.service.ask('how do glaciers carve valleys?');
    expect(lexical.retrieval).toBe('lexical');
    expect(lexical.citations[0]?.snippet).toMatch(/carve deep valleys/);

    // Model still unavailable: the run fails with the reason, the lexical index is untouched.
    const failed = await tickAndRun();
    expect(failed.status).toBe('FAILURE');
    expect(failed.error?.message).toMatch(/ENOTFOUND huggingface\.co.*full text/);
    expect((await env.service.ask('glaciers valleys')).citations[0]?.snippet).toMatch(/carve/);

    // The model works now.
    embedder.inner = new OpenAiEmbedder({ baseUrl: server.baseUrl, model: 'local-trigram' });
    const run = await tickAndRun();
    expect(run).toMatchObject({ status: 'SUCCESS', jobName: 'reembed_job' });
    expect(run.tags.reembed).toBe('true');
    const mats = await env.storage.events.listMaterializations('reembedded_content', {});
    const meta = mats.find((m) => m.runId === run.runId)?.metadata ?? {};
    expect(meta.videos?.value).toBe(1);
    expect(meta.model?.value).toBe('openai:local-trigram');
    expect(meta.failures?.value).toBe(0);
    expect(meta.chunks?.value).toBeGreaterThan(0);
    const hybrid = await env.service.ask('how do glaciers carve valleys?');
    expect(hybrid.retrieval).toBe('hybrid');
    expect(hybrid.citations[0]?.start).toBe(0);
    expect((await env.service.getVideo('GlAcIeRs001'))?.embeddingModel).toBe('openai:local-trigram');
    // Nothing left to do: the sensor skips.
    expect((await env.instance.tickSensor('embedding_backfill_sensor')).skipReason).toMatch(
      /openai:local-trigram vectors/,
    );

    // A different model: the video needs embedding again and gets it.
    embedder.inner = new OpenAiEmbedder({ baseUrl: server.baseUrl, model: 'local-trigram-v2' });
    expect(await env.resources.searchIndex.videosNeedingEmbedding('openai:local-trigram-v2')).toEqual([
      'GlAcIeRs001',
    ]);
    expect((await tickAndRun()).status).toBe('SUCCESS');
    expect((await env.resources.searchIndex.meta()).embeddingModel).toBe('openai:local-trigram-v2');
    expect((await env.service.ask('meltwater rivers')).retrieval).toBe('hybrid');
  });
});
