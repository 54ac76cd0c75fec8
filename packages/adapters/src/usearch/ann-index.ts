import { Index, MetricKind, ScalarKind } from 'usearch';
import { type AnnFiles, type AnnIdentity, loadAnnFiles, saveAnnFiles } from './ann-files.ts';

export type { AnnIdentity } from './ann-files.ts';

/*
 * An approximate nearest-neighbour index (usearch HNSW, vectors quantised to int8) kept in memory
 * next to a database that holds the exact vectors. The database is the truth; this index is a
 * derived cache that is
 *   - persisted to a folder next to the database (ann-files.ts) so a restart loads it in ~0.2 s
 *     per 100k vectors instead of rebuilding it (~50 s per 100k on a busy 2-core machine);
 *   - brought up to date by a diff of chunk ids against the database whenever the database's
 *     vectors version changed (another process wrote, or the saved copy is older), so it never
 *     serves deleted chunks and never misses new ones;
 *   - rebuilt from the database when the saved copy is missing, corrupt or of another model.
 * Large catch-ups run in the background in time slices (the event loop stays responsive); until
 * the index is complete, ready() is false and the caller searches exactly.
 * Why int8: a quarter of float32's memory (≈ 0.6 GB per million 384-dim vectors with the graph),
 * and the caller rescores the candidates with the exact float32 vectors, so recall holds.
 */

/** What the ANN index mirrors. Every method is synchronous and called while the caller's lock is held. */
export interface AnnSource {
  /** Model, dims and an epoch that changes whenever all vectors are discarded; null = no vectors. */
  identity(): AnnIdentity | null;
  /** Changes on every write of vectors, by any process. */
  version(): string;
  /** Ids of every stored vector. */
  ids(): Float64Array;
  /** The stored vectors of `ids` that still exist, as pairs. */
  vectors(ids: readonly number[]): { id: number; vector: Float32Array }[];
}

export interface AnnIndexOptions {
  /** Folder for the persisted index; null keeps it in memory only (e.g. an in-memory database). */
  dir: string | null;
  /** Runs `fn` while holding the database lock the AnnSource methods need. */
  runLocked: <T>(fn: () => T) => Promise<T>;
  /** HNSW neighbours per node. Default 16. */
  connectivity?: number;
  /** Candidate list while inserting. Default 128 (recall of the graph). */
  expansionAdd?: number;
  /** Candidate list while searching. Default 128. */
  expansionSearch?: number;
  /** At most this many missing vectors are added inline by ready(); more go to the background. Default 2 000. */
  inlineCatchUp?: number;
  /** Length of one background slice in ms. Default 50. */
  sliceMs?: number;
  /** Save this long after the last change (the folder is only a cache; a crash loses only time). Default 10 000. */
  saveDelayMs?: number;
  /** Where failures to save/load go (they never fail a query). */
  warn?: (message: string) => void;
}

type Settings = Required<Omit<AnnIndexOptions, 'dir' | 'warn'>> & Pick<AnnIndexOptions, 'dir' | 'warn'>;

export class AnnIndex {
  readonly #opts: Settings;
  #index: Index | null = null;
  #identity: AnnIdentity | null = null;
  #keys = new Set<number>();
  /** Database vectors version this index matches; null = unknown (needs a diff). */
  #synced: string | null = null;
  #building: Promise<void> | null = null;
  #saveTimer: NodeJS.Timeout | null = null;
  #removedSinceBuild = 0;
  #lastSaveMs = 0;
  #closed = false;

  constructor(
    readonly source: AnnSource,
    opts: AnnIndexOptions,
  ) {
    this.#opts = {
      connectivity: 16,
      expansionAdd: 128,
      expansionSearch: 128,
      inlineCatchUp: 2000,
      sliceMs: 50,
      saveDelayMs: 10_000,
      // An option passed as undefined keeps its default.
      ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)),
    } as Settings;
  }

  /** Vectors in the in-memory index. */
  get size(): number {
    return this.#keys.size;
  }

  /**
   * True when the index holds exactly the database's current vectors (caller holds the lock).
   * Small differences are applied at once; large ones start a background catch-up and return false.
   */
  ready(): boolean {
    if (this.#closed) return false;
    const identity = this.source.identity();
    if (!identity) {
      this.#reset(null);
      return false;
    }
    if (!sameIdentity(identity, this.#identity)) this.#open(identity);
    // Deleted HNSW nodes stay in the graph as tombstones; once they are a third of it, rebuild.
    if (!this.#building && this.#removedSinceBuild > Math.max(1000, this.#keys.size / 3))
      this.#reset(identity);
    const version = this.source.version();
    if (version === this.#synced) return true;
    if (this.#building) return false;
    const missing = this.#diff();
    if (missing.length <= this.#opts.inlineCatchUp) {
      this.#add(this.source.vectors(missing));
      this.#synced = version;
      this.#scheduleSave();
      return true;
    }
    this.#startCatchUp(missing);
    return false;
  }

  /** Up to `n` nearest ids by the quantised vectors (approximate: the caller rescores). After ready(). */
  search(vector: Float32Array, n: number): number[] {
    if (!this.#index || this.#keys.size === 0) return [];
    const m = this.#index.search(vector, Math.min(n, this.#keys.size), 1);
    const out: number[] = [];
    for (let i = 0; i < m.keys.length; i++) {
      const key = Number(m.keys[i]);
      if (this.#keys.has(key)) out.push(key);
    }
    return out;
  }

  /**
   * Applies the caller's own committed write without a diff: `before`/`after` are the database
   * versions around it. When this index was not at `before`, the next ready() diffs instead.
   */
  applyWrite(
    before: string,
    after: string,
    added: readonly { id: number; vector: Float32Array }[],
    removed: readonly number[],
  ): void {
    if (this.#building || this.#synced !== before || !this.#index) return;
    this.#remove(removed);
    this.#add(added);
    this.#synced = after;
    this.#scheduleSave();
  }

  /** Completes any catch-up now (tests, benchmarks, after a bulk import). */
  async whenReady(): Promise<void> {
    for (;;) {
      if (this.#building) await this.#building;
      const ready = await this.#opts.runLocked(() => this.ready());
      if (ready || !this.#building) return;
    }
  }

  /** Saves now when anything changed since the last save. */
  async flush(): Promise<void> {
    if (this.#saveTimer) clearTimeout(this.#saveTimer);
    this.#saveTimer = null;
    if (this.#building) await this.#building;
    this.#save();
  }

  /** Saves pending changes and frees the memory; later calls of ready() return false. */
  async close(): Promise<void> {
    await this.flush();
    this.#closed = true;
    this.#reset(null);
  }

  /** Removes keys the database no longer has; returns the ids the index lacks. */
  #diff(): number[] {
    const ids = this.source.ids();
    const present = new Set<number>();
    const missing: number[] = [];
    for (const id of ids) {
      present.add(id);
      if (!this.#keys.has(id)) missing.push(id);
    }
    const gone: number[] = [];
    for (const key of this.#keys) if (!present.has(key)) gone.push(key);
    this.#remove(gone);
    return missing;
  }

  #startCatchUp(missing: number[]): void {
    const run = async () => {
      const batch = 64;
      for (let at = 0; at < missing.length && !this.#closed; ) {
        // One slice: add batches until the time budget is spent, then let other work run.
        await this.#opts.runLocked(() => {
          const t0 = performance.now();
          while (at < missing.length && performance.now() - t0 < this.#opts.sliceMs) {
            this.#add(this.source.vectors(missing.slice(at, at + batch)));
            at += batch;
          }
        });
        // Unref'd: a one-shot command may exit mid-build (it searched exactly meanwhile).
        await new Promise<void>((resolve) => setTimeout(resolve, 0).unref());
      }
    };
    this.#building = run()
      .then(() => {
        this.#building = null;
        // A complete build is worth keeping at once: rebuilding costs minutes at a million vectors.
        if (!this.#closed) this.#save();
      })
      .catch((error) => {
        this.#building = null;
        this.#opts.warn?.(`Vector index catch-up failed (searches stay exact): ${String(error)}`);
      });
  }

  #open(identity: AnnIdentity): void {
    this.#reset(identity);
    const loaded = this.#opts.dir ? this.#load(identity) : null;
    if (loaded) {
      this.#index = loaded.index;
      this.#keys = new Set(loaded.keys);
      this.#removedSinceBuild = loaded.removed;
    }
    this.#synced = null; // a saved copy may be older than the database: diff once
  }

  #load(identity: AnnIdentity): { index: Index; keys: Float64Array; removed: number } | null {
    try {
      return loadAnnFiles(this.#files(), identity, () => this.#newIndex(identity.dims));
    } catch (error) {
      this.#opts.warn?.(`Vector index files are unreadable, rebuilding from the database: ${String(error)}`);
      return null;
    }
  }

  #save(): void {
    if (!this.#opts.dir || !this.#index || !this.#identity || this.#synced === null) return;
    try {
      const t0 = performance.now();
      const keys = Float64Array.from(this.#keys);
      saveAnnFiles(this.#files(), this.#identity, this.#index, keys, this.#removedSinceBuild);
      this.#lastSaveMs = performance.now() - t0;
    } catch (error) {
      this.#opts.warn?.(`Could not save the vector index to ${this.#opts.dir}: ${String(error)}`);
    }
  }

  #files(): AnnFiles {
    return { dir: this.#opts.dir ?? '', connectivity: this.#opts.connectivity };
  }

  #scheduleSave(): void {
    if (!this.#opts.dir || this.#saveTimer) return;
    this.#saveTimer = setTimeout(
      () => {
        this.#saveTimer = null;
        this.#save();
        // Saving blocks (≈ 4 s per million vectors): keep it to ~5% of the time while writes go on.
      },
      Math.max(this.#opts.saveDelayMs, 20 * this.#lastSaveMs),
    );
    this.#saveTimer.unref(); // never keeps a one-shot command alive
  }

  #reset(identity: AnnIdentity | null): void {
    this.#identity = identity;
    this.#index = identity ? this.#newIndex(identity.dims) : null;
    this.#keys = new Set();
    this.#synced = null;
    this.#removedSinceBuild = 0;
  }

  #newIndex(dims: number): Index {
    return new Index({
      dimensions: dims,
      metric: MetricKind.Cos,
      quantization: ScalarKind.I8,
      connectivity: this.#opts.connectivity,
      expansion_add: this.#opts.expansionAdd,
      expansion_search: this.#opts.expansionSearch,
      multi: false,
    });
  }

  #add(rows: readonly { id: number; vector: Float32Array }[]): void {
    const fresh = rows.filter((r) => !this.#keys.has(r.id));
    if (fresh.length === 0 || !this.#index || !this.#identity) return;
    const dims = this.#identity.dims;
    const flat = new Float32Array(fresh.length * dims);
    for (let i = 0; i < fresh.length; i++) flat.set(fresh[i].vector, i * dims);
    this.#index.add(
      BigUint64Array.from(fresh, (r) => BigInt(r.id)),
      flat,
      0,
    );
    for (const r of fresh) this.#keys.add(r.id);
  }

  #remove(ids: readonly number[]): void {
    const present = ids.filter((id) => this.#keys.has(id));
    if (present.length === 0 || !this.#index) return;
    this.#index.remove(BigUint64Array.from(present, (id) => BigInt(id)));
    for (const id of present) this.#keys.delete(id);
    this.#removedSinceBuild += present.length;
  }
}

function sameIdentity(a: AnnIdentity, b: AnnIdentity | null): boolean {
  return b !== null && a.epoch === b.epoch && a.model === b.model && a.dims === b.dims;
}
