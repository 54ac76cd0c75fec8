#!/usr/bin/env node
/**
 * `npm run pack`: writes dist/llm-rag-yt-<version>.tgz, one installable package with the
 * `llm-rag-yt` bin, the compiled CLI (scripts/build.mjs) and the built web UI. Its dependencies
 * are the packages the bundle keeps external (native addons, files read at run time), with the
 * version ranges our workspace packages declare; npm installs them from the registry.
 *   ONNXRUNTIME_NODE_INSTALL=skip npm install -g ./dist/llm-rag-yt-<version>.tgz
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCli, EXTERNAL, root } from './build.mjs';

/** Needed by tests and benchmarks only, never by the installed CLI. */
const DEV_ONLY = new Set(['playwright-core']);

const readJson = (f) => JSON.parse(readFileSync(f, 'utf8'));

/** Each external package's version range, from whichever workspace package.json declares it. */
function dependencyRanges() {
  const declared = {};
  const manifests = [
    join(root, 'package.json'),
    ...readdirSync(join(root, 'packages')).map((p) => join(root, 'packages', p, 'package.json')),
  ].filter(existsSync);
  for (const f of manifests) {
    const j = readJson(f);
    for (const deps of [j.dependencies, j.optionalDependencies, j.devDependencies])
      for (const [name, range] of Object.entries(deps ?? {})) declared[name] ??= range;
  }
  const out = {};
  for (const name of EXTERNAL) {
    if (DEV_ONLY.has(name)) continue;
    const range = declared[name];
    if (range) {
      out[name] = range;
      continue;
    }
    // Not declared by us (e.g. ioredis comes with bullmq): pin what the lockfile resolved.
    const installed = join(root, 'node_modules', name, 'package.json');
    if (!existsSync(installed)) throw new Error(`pack: external package '${name}' is not installed; run npm ci.`);
    out[name] = `^${readJson(installed).version}`;
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

async function main() {
  const cli = readJson(join(root, 'packages/cli/package.json'));
  const stage = join(root, 'dist/pack');
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(join(stage, 'bin'), { recursive: true });
  cpSync(join(root, 'packages/cli/bin/llm-rag-yt.js'), join(stage, 'bin/llm-rag-yt.js'));
  // Built straight into the staging folder, so packing never disturbs a checkout's own builds
  // (tests running at the same time use packages/cli/dist and packages/web/dist).
  // The bin finds no src/ next to dist/ here, so it always runs the compiled CLI.
  await buildCli(join(stage, 'dist'));
  rmSync(join(stage, 'dist/meta.json'));
  // serve.ts looks for the UI at <package>/web (two levels above dist/chunks).
  execFileSync(
    'npx',
    ['vite', 'build', '--config', 'packages/web/vite.config.ts', '--outDir', join(stage, 'web'), '--logLevel', 'warn'],
    { cwd: root, stdio: 'inherit' },
  );
  if (!existsSync(join(stage, 'web/index.html'))) throw new Error('pack: the web UI build wrote no index.html.');
  cpSync(join(root, 'README.md'), join(stage, 'README.md'));
  const manifest = {
    name: 'llm-rag-yt',
    version: cli.version,
    description: 'Turn YouTube videos into a searchable, question-answerable knowledge base.',
    type: 'module',
    bin: { 'llm-rag-yt': './bin/llm-rag-yt.js' },
    files: ['bin', 'dist', 'web', 'README.md'],
    engines: { node: '>=20' },
    dependencies: dependencyRanges(),
  };
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const distDir = join(root, 'dist');
  const file = execFileSync('npm', ['pack', '--silent', '--pack-destination', distDir], {
    cwd: stage,
    encoding: 'utf8',
  }).trim();
  console.log(`Packed ${join('dist', file.split('\n').pop())}`);
}

await main();
