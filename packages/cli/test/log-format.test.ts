import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli } from './spawn-cli.ts';

/*
 * A one-shot command run through a pipe (a script, CI, `| tail`) is still read by a person:
 * with LOG_FORMAT=auto its warnings are plain lines, not pino's JSON.
 */
describe('log format of one-shot commands', () => {
  let dir: string;
  let vtt: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'log-format-'));
    vtt = join(dir, 'talk.vtt');
    writeFileSync(vtt, 'WEBVTT\n\n00:00.000 --> 00:04.000\nPlanets move on elliptic orbits.\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const importWithMissingModel = async (logFormat: string) => {
    const p = spawnCli('import', ['import', vtt, '--video-id', 'dQw4w9WgXcQ'], {
      LLM_RAG_YT_HOME: join(dir, `home-${logFormat}`),
      LOG_FORMAT: logFormat,
      EMBEDDER: 'transformers',
      // A model folder that does not exist: embedding fails at once, offline, and is logged as a warning.
      EMBEDDING_MODEL_PATH: join(dir, 'no-such-model'),
    });
    const { code } = await p.exited;
    return { code, stderr: p.stderr() };
  };

  it('prints warnings as plain lines when stderr is not a terminal', async () => {
    const { code, stderr } = await importWithMissingModel('auto');
    expect(code).toBe(0);
    expect(stderr).toMatch(/^warning: Embedding .* failed, indexed for lexical search only/m);
    expect(stderr).not.toMatch(/^\{/m);
  }, 60_000);

  it('keeps JSON lines with LOG_FORMAT=json', async () => {
    const { code, stderr } = await importWithMissingModel('json');
    expect(code).toBe(0);
    const line = stderr.split('\n').find((l) => l.includes('lexical search only'));
    expect(JSON.parse(line!)).toMatchObject({ level: 40 });
  }, 60_000);
});
