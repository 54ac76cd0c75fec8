import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
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

/**
 * Builds the UI when dist is missing or older than its sources (the root `build:web` script does
 * the same), so browser tests never drive a stale bundle after a UI change.
 */
export function ensureWebBuilt(): void {
  const built = statSync(`${WEB_DIST}/index.html`, { throwIfNoEntry: false });
  if (built && existsSync(WEB_DIST) && built.mtimeMs >= newestMtime(WEB_SOURCES)) return;
  const root = fileURLToPath(new URL('../../../..', import.meta.url));
  execFileSync('npx', ['vite', 'build', 'packages/web'], { cwd: root, stdio: 'inherit' });
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
