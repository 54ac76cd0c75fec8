import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Counts regular files (recursively, skipping dot-files) and their total size. A missing folder is empty. */
export async function folderUsage(dir: string | null | undefined): Promise<{ files: number; bytes: number }> {
  if (!dir) return { files: 0, bytes: 0 };
  let files = 0;
  let bytes = 0;
  const walk = async (d: string): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) {
        files++;
        bytes += (await stat(p).catch(() => ({ size: 0 }))).size;
      }
    }
  };
  await walk(dir);
  return { files, bytes };
}

export const toMb = (bytes: number): number => Math.round((bytes / (1024 * 1024)) * 10) / 10;
