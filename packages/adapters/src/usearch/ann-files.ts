import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Index } from 'usearch';

/*
 * The persisted ANN index: a folder with
 *   meta.json               what the files hold (model, dims, epoch, parameters) and their names
 *   index-<gen>.usearch     usearch's own serialisation of the graph and the int8 vectors
 *   keys-<gen>.bin          the chunk ids in the index (float64), which usearch cannot list
 * A save writes new <gen> files, then replaces meta.json by rename, so a reader (or a crash)
 * always sees one complete generation. Older generations are deleted after the switch.
 */

export interface AnnIdentity {
  /** Changes whenever the database discards all vectors (model change), so old files never match. */
  epoch: string;
  model: string;
  dims: number;
}

export interface AnnFiles {
  dir: string;
  connectivity: number;
}

interface Meta extends AnnIdentity {
  format: 1;
  quantization: 'i8';
  connectivity: number;
  index: string;
  keys: string;
  count: number;
  /** Deleted nodes still in the graph (see AnnIndex's compaction). */
  removed: number;
}

let generation = 0;

export function saveAnnFiles(
  files: AnnFiles,
  identity: AnnIdentity,
  index: Index,
  keys: Float64Array,
  removed: number,
): void {
  mkdirSync(files.dir, { recursive: true });
  const gen = `${Date.now().toString(36)}-${process.pid}-${generation++}`;
  const meta: Meta = {
    format: 1,
    ...identity,
    quantization: 'i8',
    connectivity: files.connectivity,
    index: `index-${gen}.usearch`,
    keys: `keys-${gen}.bin`,
    count: keys.length,
    removed,
  };
  index.save(join(files.dir, meta.index));
  writeFileSync(join(files.dir, meta.keys), Buffer.from(keys.buffer, keys.byteOffset, keys.byteLength));
  const tmp = join(files.dir, `meta.json.${gen}.tmp`);
  writeFileSync(tmp, `${JSON.stringify(meta)}\n`);
  renameSync(tmp, join(files.dir, 'meta.json'));
  for (const name of readdirSync(files.dir)) {
    if (name !== 'meta.json' && name !== meta.index && name !== meta.keys && !name.endsWith('.tmp')) {
      rmSync(join(files.dir, name), { force: true });
    }
  }
}

/**
 * The saved index when it exists and holds `identity`'s vectors with the same parameters; null when
 * there is none or it is of another model. Throws when the files are damaged.
 */
export function loadAnnFiles(
  files: AnnFiles,
  identity: AnnIdentity,
  make: () => Index,
): { index: Index; keys: Float64Array; removed: number } | null {
  const metaPath = join(files.dir, 'meta.json');
  if (!existsSync(metaPath)) return null;
  const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as Meta;
  if (
    meta.format !== 1 ||
    meta.quantization !== 'i8' ||
    meta.connectivity !== files.connectivity ||
    meta.epoch !== identity.epoch ||
    meta.model !== identity.model ||
    meta.dims !== identity.dims
  ) {
    return null;
  }
  const raw = readFileSync(join(files.dir, meta.keys));
  if (raw.byteLength !== meta.count * 8) {
    throw new Error(`${meta.keys} holds ${raw.byteLength} bytes, expected ${meta.count * 8}`);
  }
  const keys = new Float64Array(new Uint8Array(raw).buffer);
  const index = make();
  index.load(join(files.dir, meta.index));
  if (index.size() !== keys.length || index.dimensions() !== identity.dims) {
    throw new Error(`${meta.index} holds ${index.size()} vectors, its key list ${keys.length}`);
  }
  return { index, keys, removed: meta.removed ?? 0 };
}
