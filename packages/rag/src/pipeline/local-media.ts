import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';

/** Media files the audio folder accepts (anything ffmpeg reads with an audio track). */
export const MEDIA_EXTENSIONS: ReadonlySet<string> = new Set([
  '.wav',
  '.mp3',
  '.m4a',
  '.aac',
  '.flac',
  '.ogg',
  '.oga',
  '.opus',
  '.webm',
  '.mp4',
  '.mkv',
  '.mov',
  '.avi',
  '.wma',
]);

export function isMediaFile(path: string): boolean {
  return MEDIA_EXTENSIONS.has(extname(path).toLowerCase());
}

/** sha256 of a file's content, streamed. */
export async function hashFile(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Video id of a local media file: stable for the same content wherever it is dropped. */
export function localVideoId(contentHash: string): string {
  return `local-${contentHash.slice(0, 16)}`;
}

/** Human title from a file name: 'my_talk-2024.mp3' → 'my talk-2024'. */
export function titleFromFile(path: string): string {
  return basename(path, extname(path)).replace(/[_]+/g, ' ').trim() || basename(path);
}

/** Media files directly inside `dir` (not recursive; our own WAV output lives elsewhere). */
export function listMediaFiles(dir: string): { path: string; size: number; mtimeMs: number }[] {
  if (!existsSync(dir)) return [];
  const out: { path: string; size: number; mtimeMs: number }[] = [];
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.')) continue;
    const path = join(dir, name);
    if (!isMediaFile(path)) continue;
    const st = statSync(path, { throwIfNoEntry: false });
    if (st?.isFile() && st.size > 0) out.push({ path, size: st.size, mtimeMs: st.mtimeMs });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}
