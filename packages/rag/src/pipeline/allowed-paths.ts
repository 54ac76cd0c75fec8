import { realpathSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { RagSettings } from './resources.ts';

/*
 * Run config can be written by API users (Launchpad, POST /api/jobs/…/launch). A file path in it
 * must not make the pipeline read (and `ask` then quote) any file on the machine, so paths are
 * accepted only inside the data folder's audio and imports folders, or folders the operator
 * configured (IMPORT_DIRS). Symlinks are resolved first so a link cannot lead outside.
 */

/** The folders run config may name files in. */
export function allowedFolders(settings: Pick<RagSettings, 'dataDir' | 'audioDir' | 'importDirs'>): string[] {
  return [settings.audioDir, join(settings.dataDir, 'imports'), ...(settings.importDirs ?? [])].map((d) =>
    real(resolve(d)),
  );
}

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** True when `path` (after resolving symlinks) is inside one of the allowed folders. */
export function isAllowedPath(path: string, folders: readonly string[]): boolean {
  if (path.includes('\0')) return false;
  const target = real(resolve(path));
  return folders.some((f) => {
    const rel = relative(f, target);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  });
}

/** The message for a refused path: what is allowed and how to allow more. */
export function pathRefusal(folders: readonly string[]): string {
  return `must be inside ${folders.join(' or ')} (the data folder's audio and imports folders); import other files with \`llm-rag-yt import FILE\`, or add their folder to IMPORT_DIRS`;
}
