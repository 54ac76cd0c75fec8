import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';

/*
 * `--help` and every command's start stay fast only while the compiled CLI's entry chunk (and the
 * chunks it imports statically) hold commander and our command registrations, nothing heavier: the
 * orchestrator, config (zod), the app and the adapters must be imported lazily, inside actions.
 */
it('the compiled entry statically loads only commander and the command registrations', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-build-'));
  try {
    // @ts-expect-error -- plain JavaScript build script, no types
    const { buildCli } = (await import('../../../scripts/build.mjs')) as {
      buildCli(out: string): Promise<void>;
    };
    await buildCli(dir);
    const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as {
      outputs: Record<
        string,
        { imports: { path: string; kind: string; external?: boolean }[]; inputs: Record<string, unknown> }
      >;
    };
    const key = (abs: string) => Object.keys(meta.outputs).find((k) => resolve(k) === abs)!;
    const seen = new Set<string>();
    const inputs = new Set<string>();
    const walk = (out: string) => {
      if (seen.has(out)) return;
      seen.add(out);
      for (const i of Object.keys(meta.outputs[out]!.inputs)) inputs.add(i);
      for (const imp of meta.outputs[out]!.imports)
        if (imp.kind === 'import-statement' && !imp.external) walk(imp.path);
    };
    walk(key(join(dir, 'bin.js')));
    const heavy = [...inputs].filter((i) =>
      /packages\/(orchestrator|rag|adapters|server|bot)\/|node_modules\/(zod|kysely|yaml|hono|cli-progress)\/|packages\/cli\/src\/(config|app|resources)\.ts/.test(
        i,
      ),
    );
    expect(heavy).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);
