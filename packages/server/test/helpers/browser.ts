import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';

export const WEB_DIST = fileURLToPath(new URL('../../../web/dist', import.meta.url));
export const SCREENSHOTS = fileURLToPath(new URL('../../../../test-artifacts/screenshots', import.meta.url));

/** Builds the UI once when dist is missing (the root `build:web` script does the same). */
export function ensureWebBuilt(): void {
  if (existsSync(`${WEB_DIST}/index.html`)) return;
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
