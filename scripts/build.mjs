#!/usr/bin/env node
/**
 * Compiles the `llm-rag-yt` CLI to JavaScript (packages/cli/dist): one ESM bundle with code
 * splitting, so every dynamic `import()` of a command or heavy module becomes a chunk loaded only
 * when used. Our workspace packages are bundled from source, so the bundle does not depend on how
 * they lay out their exports. Pure-JavaScript dependencies are bundled too: Node loads one chunk
 * much faster than the hundreds of files of e.g. kysely or zod. Packages with native code, files
 * read at run time, or that are only ever loaded lazily stay external and are installed from npm
 * (they are the `dependencies` of the packed release, scripts/pack.mjs).
 * Source maps are written next to the chunks (the bin runs node with --enable-source-maps).
 */
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Installed from npm, never bundled. */
export const EXTERNAL = [
  'better-sqlite3', // native addon
  'sqlite-vec', // loads its .so from its package folder
  'usearch', // native addon
  'pino', // transports run in worker threads from files
  'pino-pretty',
  'bullmq', // distributed mode only: required lazily (orchestrator launchers)
  'ioredis',
  'pg', // PostgreSQL only: required lazily (orchestrator storage)
  '@huggingface/transformers', // ONNX runtime, native
  '@fugood/whisper.node', // native
  'elkjs', // loaded by path into a worker thread
  'playwright-core',
];

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const outdir = resolve(root, 'packages/cli/dist');

const packageName = (spec) => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');

/** Builds into `dir` (default packages/cli/dist; scripts/pack.mjs builds straight into its staging folder). */
export async function buildCli(dir = outdir) {
  const { build } = await import('esbuild');
  rmSync(dir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: { bin: 'packages/cli/src/bin.ts' },
    outdir: dir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    sourcesContent: false,
    chunkNames: 'chunks/[name]-[hash]',
    metafile: true,
    logLevel: 'warning',
    legalComments: 'none',
    plugins: [
      {
        name: 'external-packages',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) =>
            EXTERNAL.includes(packageName(args.path)) ? { path: args.path, external: true } : undefined,
          );
        },
      },
    ],
    // Bundled CommonJS dependencies call require(); an ESM chunk has none of its own.
    banner: {
      js: "import { createRequire as __llmRagYtCreateRequire } from 'node:module'; const require = __llmRagYtCreateRequire(import.meta.url);",
    },
  });
  writeFileSync(resolve(dir, 'meta.json'), JSON.stringify(result.metafile));
  const js = Object.entries(result.metafile.outputs).filter(([f]) => f.endsWith('.js'));
  const kb = js.reduce((s, [, o]) => s + o.bytes, 0) / 1024;
  console.log(`Built ${relative(root, dir)}: ${js.length} chunks, ${kb.toFixed(0)} KB of JavaScript.`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildCli();
