import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { TranscriptImport } from '@llm-rag-yt/rag';
import type { AppContext } from '../app.ts';
import { EXIT, UsageError } from '../io.ts';
import { type CommandEnv, out } from './env.ts';

const TRANSCRIPTS = new Set(['.vtt', '.srt', '.json3', '.srv3']);

/**
 * `import DIR` / `import videos.jsonl`: the transcripts to import, or null for a single file.
 * A folder with a videos.jsonl uses it; otherwise each transcript file named by its YouTube id.
 */
export async function transcriptList(path: string): Promise<TranscriptImport[] | null> {
  const { isVideoId, readVideoManifest } = await import('@llm-rag-yt/rag');
  const st = await stat(path).catch(() => null);
  if (st?.isFile() && path.endsWith('.jsonl')) return readVideoManifest(path);
  if (!st?.isDirectory()) return null;
  const manifest = join(path, 'videos.jsonl');
  if ((await stat(manifest).catch(() => null))?.isFile()) return readVideoManifest(manifest);
  const files = (await readdir(path)).filter((f) => TRANSCRIPTS.has(extname(f).toLowerCase())).sort();
  if (files.length === 0)
    throw new UsageError(`'${path}' holds no transcripts (.vtt, .srt, .json3) and no videos.jsonl manifest.`);
  const unnamed = files.filter((f) => !isVideoId(basename(f).split('.')[0] ?? ''));
  if (unnamed.length)
    throw new UsageError(
      `Cannot tell which video ${unnamed.slice(0, 3).join(', ')}${unnamed.length > 3 ? ' …' : ''} belong(s) to: name each file by its 11-character YouTube id, or list the files in a videos.jsonl ({"video_id", "title", "file"} per line).`,
    );
  return files.map((f) => ({
    path: join(path, f),
    videoId: basename(f).split('.')[0]!,
    origin: join(path, f),
  }));
}

export async function importMany(
  env: CommandEnv,
  app: AppContext,
  items: TranscriptImport[],
  wait: boolean,
): Promise<void> {
  const stop = wait ? await app.ensureExecutor() : async () => {};
  try {
    const t0 = Date.now();
    const { runId } = await app.rag.importTranscripts(items);
    if (!wait || !runId) return out(env, `Queued ${items.length} transcripts (run ${runId}).`);
    const run = await app.instance.waitForRun(runId);
    if (run.status === 'SUCCESS') out(env, `✔ imported ${items.length} transcripts in ${Date.now() - t0} ms`);
    else {
      out(env, `✖ import run ${runId} ended ${run.status}: llm-rag-yt pipeline runs logs ${runId}`);
      env.setExitCode(EXIT.FAILED);
    }
  } finally {
    await stop();
  }
}
