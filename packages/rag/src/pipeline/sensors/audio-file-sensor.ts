import { defineSensor, type RunRequest } from '@llm-rag-yt/orchestrator';
import { hashFile, listMediaFiles, localVideoId } from '../local-media.ts';
import { type RagResources, VIDEO_PARTITIONS } from '../resources.ts';

interface Cursor {
  /** path → size/mtime/hash, so unchanged files are not re-hashed every minute. */
  files: Record<string, { size: number; mtimeMs: number; hash: string }>;
  /** Content hashes already handed to a run (newest last, capped). */
  seen: string[];
}

const MAX_SEEN = 5000;

function readCursor(raw: string | null): Cursor {
  try {
    const c = raw ? (JSON.parse(raw) as Cursor) : null;
    if (c && typeof c.files === 'object' && Array.isArray(c.seen)) return c;
  } catch {
    // A corrupt cursor only costs one re-scan; hashes in audio_files still prevent duplicates.
  }
  return { files: {}, seen: [] };
}

/**
 * Every 60 s: media files dropped into the audio folder start audio_processing_job, one run per
 * new content hash (a renamed or copied file is not processed twice).
 */
export const audioFileSensor = defineSensor<RagResources>({
  name: 'audio_file_sensor',
  job: 'audio_processing_job',
  description:
    'Monitors the audio folder for new media files (tracked by content hash) and transcribes them.',
  minimumIntervalSeconds: 60,
  defaultStatus: 'RUNNING',
  evaluate: async (ctx) => {
    const { store, settings } = ctx.resources;
    const cursor = readCursor(ctx.cursor);
    const seen = new Set(cursor.seen);
    const files: Cursor['files'] = {};
    const runRequests: RunRequest[] = [];
    const partitions: string[] = [];
    for (const f of listMediaFiles(settings.audioDir)) {
      const known = cursor.files[f.path];
      const hash =
        known && known.size === f.size && known.mtimeMs === f.mtimeMs ? known.hash : await hashFile(f.path);
      files[f.path] = { size: f.size, mtimeMs: f.mtimeMs, hash };
      if (seen.has(hash)) continue;
      seen.add(hash);
      cursor.seen.push(hash);
      if (await store.audioFiles.findByHash(hash)) continue;
      const videoId = localVideoId(hash);
      // importFile copies media here and starts its own run; do not start a second one.
      if (await store.requests.findActive(videoId)) continue;
      partitions.push(videoId);
      runRequests.push({
        runKey: `audio_file:${hash}`,
        partitionKey: videoId,
        runConfig: {
          ops: {
            unprocessed_audio_files: {
              config: { input_directory: settings.audioDir, files: [f.path], language: 'auto' },
            },
          },
        },
        tags: { file: f.path.slice(-200), content_hash: hash.slice(0, 16) },
      });
    }
    const next = JSON.stringify({ files, seen: cursor.seen.slice(-MAX_SEEN) });
    if (runRequests.length === 0)
      return { skipReason: `No new media files in ${settings.audioDir}.`, cursor: next };
    return { runRequests, cursor: next, addPartitions: { [VIDEO_PARTITIONS]: partitions } };
  },
});
