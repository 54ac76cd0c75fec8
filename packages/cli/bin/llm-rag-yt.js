#!/usr/bin/env node
/*
 * The `llm-rag-yt` executable. Runs the compiled CLI (../dist, written by `npm run build` and by
 * scripts/setup.sh) so a command starts in a fraction of a second. In a development checkout
 * where no build exists, or a TypeScript source is newer than the build, it runs the sources
 * through tsx instead (slower to start, but never stale).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const built = join(here, '../dist/bin.js');
const source = join(here, '../src/bin.ts');
const packagesDir = join(here, '../..');

/** Newest modification time of the TypeScript sources the CLI bundle is built from. */
function newestSourceMs() {
  let newest = 0;
  for (const pkg of readdirSync(packagesDir)) {
    if (pkg === 'web') continue; // the web UI has its own build (vite)
    const src = join(packagesDir, pkg, 'src');
    if (!existsSync(src)) continue;
    for (const f of readdirSync(src, { recursive: true })) {
      if (!/\.tsx?$/.test(f)) continue;
      const ms = statSync(join(src, f)).mtimeMs;
      if (ms > newest) newest = ms;
    }
  }
  return newest;
}

const hasSource = existsSync(source);
const useBuild = existsSync(built) && (!hasSource || newestSourceMs() <= statSync(built).mtimeMs);

if (useBuild) {
  process.setSourceMapsEnabled(true);
  await import(pathToFileURL(built).href);
} else if (hasSource) {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    process.stderr.write(
      'llm-rag-yt: the CLI is not built (or its build is older than the sources) and tsx is not installed. Run `npm run build` (or `npm install` for the development tools).\n',
    );
    process.exit(1);
  }
  register();
  await import(pathToFileURL(source).href);
} else {
  process.stderr.write(
    'llm-rag-yt: the compiled CLI is missing (dist/bin.js). Reinstall the package, or run `npm run build` in a checkout.\n',
  );
  process.exit(1);
}
