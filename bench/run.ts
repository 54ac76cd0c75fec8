/**
 * `npm run bench -- <name>` runs bench/<name>.ts (its default export, or its top-level code).
 * Each benchmark prints its numbers and writes bench/results/<name>.json.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .map((f) => f.slice(0, -3))
  .sort();
const name = process.argv[2];

if (!name || !/^[a-z0-9_-]+$/i.test(name) || !existsSync(join(here, `${name}.ts`))) {
  console.error(
    `${name ? `Unknown benchmark '${name}'.` : 'No benchmark named.'} Usage: npm run bench -- <name>. Available: ${available.join(', ') || '(none)'}.`,
  );
  process.exit(2);
}
const mod = (await import(pathToFileURL(join(here, `${name}.ts`)).href)) as {
  default?: (args: string[]) => unknown;
};
if (typeof mod.default === 'function') await mod.default(process.argv.slice(3));
