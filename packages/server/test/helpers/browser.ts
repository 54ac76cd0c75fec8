import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';

export const WEB_DIST = fileURLToPath(new URL('../../../web/dist', import.meta.url));
export const SCREENSHOTS = fileURLToPath(new URL('../../../../test-artifacts/screenshots', import.meta.url));

const WEB_SOURCES = [
  fileURLToPath(new URL('../../../web/src', import.meta.url)),
  fileURLToPath(new URL('../../../web/index.html', import.meta.url)),
  fileURLToPath(new URL('../../../format/src', import.meta.url)),
];

/** Newest modification time under the paths (files and folders, recursively). */
function newestMtime(paths: readonly string[]): number {
  let newest = 0;
  const visit = (p: string) => {
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) return;
    newest = Math.max(newest, st.mtimeMs);
    if (st.isDirectory()) for (const name of readdirSync(p)) visit(join(p, name));
  };
  for (const p of paths) visit(p);
  return newest;
}

const BUILD_LOCK = `${WEB_DIST}.build-lock`;

function builtAndFresh(): boolean {
  const built = statSync(`${WEB_DIST}/index.html`, { throwIfNoEntry: false });
  return !!built && built.mtimeMs >= newestMtime(WEB_SOURCES);
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Builds the UI when dist is missing or older than its sources (the root `build:web` script does
 * the same), so browser tests never drive a stale bundle after a UI change. Test files start in
 * parallel: one builds (holding a lock folder) while the others wait for it, so none reads a
 * half-written dist. A lock older than five minutes is left over from a killed run and is taken over.
 */
export function ensureWebBuilt(): void {
  for (;;) {
    if (builtAndFresh()) return;
    try {
      mkdirSync(BUILD_LOCK);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const lock = statSync(BUILD_LOCK, { throwIfNoEntry: false });
      if (lock && Date.now() - lock.mtimeMs > 300_000) rmSync(BUILD_LOCK, { recursive: true, force: true });
      else sleepSync(250);
      continue;
    }
    try {
      if (builtAndFresh()) return;
      const root = fileURLToPath(new URL('../../../..', import.meta.url));
      execFileSync('npx', ['vite', 'build', 'packages/web'], { cwd: root, stdio: 'inherit' });
      return;
    } finally {
      rmSync(BUILD_LOCK, { recursive: true, force: true });
    }
  }
}

export function launchChromium(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
