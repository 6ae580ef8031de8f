/**
 * The prediction store a run appends to: `<baseDir>/<model>-<corpus>-<split>-<key12>/` holding
 * `meta.json` (the key, atomically written) and `predictions.jsonl` (one record per line).
 *
 * Crash safety comes from three rules: records are only ever appended, each write is a run of whole
 * lines, and opening a store cuts off a damaged last line. So after kill -9 or a power cut the file is
 * a prefix of whole records plus at most one torn line, which is removed; the resumed run skips the ids
 * in `done` and writes the rest, and since records are read back sorted, the final records are the
 * same as an uninterrupted run's. Records buffered but not yet written when a crash hits are simply
 * recomputed.
 */
import { mkdir, open, readdir, stat, truncate, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { BenchError } from '../../errors.js';
import { fsyncDir, isAtomicTempFile } from '../../util/atomic-write.js';
import { writeError } from '../../util/write-error.js';
import type { PredictionRecord } from '../records.js';
import { encodeRecord, type RecordShape } from './codec.js';
import { storeDirName, storeKeyHash, validateStoreKey, type StoreKey } from './key.js';
import { acquireLock, type StoreLock } from './lock.js';
import { META_FILE, PREDICTIONS_FILE, newMeta, readMeta, writeMeta, type StoreMeta } from './meta.js';
import { DEFAULT_STORE_DIR, readPredictions } from './read.js';
import { scanPredictions, type TornTail } from './scan.js';

export interface OpenStoreOptions {
  key: StoreKey;
  /** Folder holding one directory per store. Default `results/predictions` (relative to the working directory). */
  baseDir?: string;
  /** Records buffered before a write. Default 256: a crash costs at most that many recomputed items. */
  batchSize?: number;
  /** Also write when the oldest buffered record is this old (checked on append), for slow models. Default 2000 ms. */
  maxDelayMs?: number;
  /** fsync after every write and for meta/directory changes. Default true; false only for throwaway stores. */
  fsync?: boolean;
  /** Take the store's writer lock (one writer per store). Default true. */
  lock?: boolean;
  /** Where repairs on open are reported. Default: a line on stderr. */
  log?: (message: string) => void;
}

export interface StoreStats {
  /** Distinct records in the file when it was opened. */
  recordsOnOpen: number;
  /** Repeated ids found in the file on open (first record kept). */
  duplicatesOnOpen: number;
  /** The damaged last line cut off on open, if there was one. */
  repairedTail: TornTail | null;
  /** Records passed to `append` whose id was already done (first record kept). */
  duplicatesAppended: number;
  /** Records written by this writer, and the number of writes. */
  written: number;
  writes: number;
}

export interface PredictionStore {
  readonly dir: string;
  readonly file: string;
  readonly key: StoreKey;
  readonly keyHash: string;
  readonly meta: StoreMeta;
  /**
   * Whether a run over this store finished (`markComplete`). Appending new records to a complete store
   * (a later run over more items) first marks it incomplete again, until that run finishes too.
   */
  readonly complete: boolean;
  /** Ids recorded: those in the file plus those appended since open (written or still buffered). */
  readonly done: ReadonlySet<string>;
  readonly stats: Readonly<StoreStats>;
  /** Buffers the records (ids already done are skipped and counted); writes when a batch is full. */
  append(records: readonly PredictionRecord[]): Promise<void>;
  /** Writes (and fsyncs) whatever is buffered. */
  flush(): Promise<void>;
  /** Flushes, then records in meta.json that the run finished, with an optional summary. */
  markComplete(summary?: unknown): Promise<void>;
  /**
   * Every record in the store (buffered ones flushed first), sorted by `order` (the corpus's ids; records
   * it lacks come after, by id), else by id: the same bytes whatever order the records were appended in.
   */
  readAll(order?: Iterable<string>): Promise<PredictionRecord[]>;
  /** Flushes, closes the file and releases the lock. Safe to call twice. */
  close(): Promise<void>;
}

export async function openStore(opts: OpenStoreOptions): Promise<PredictionStore> {
  const key = validateStoreKey(opts.key);
  const keyHash = storeKeyHash(key);
  const dir = join(opts.baseDir ?? DEFAULT_STORE_DIR, storeDirName(key, keyHash));
  const file = join(dir, PREDICTIONS_FILE);
  const fsync = opts.fsync ?? true;
  const log = opts.log ?? ((m: string) => process.stderr.write(`fer-bench: ${m}\n`));
  await mkdir(dir, { recursive: true });
  const lock = (opts.lock ?? true) ? await acquireLock(dir) : null;
  let fh: FileHandle | null = null;
  try {
    let meta = await readMeta(dir);
    if (meta) {
      if (meta.keyHash !== keyHash || storeKeyHash(meta.key) !== keyHash) {
        throw new BenchError('BAD_INPUT', `store directory ${dir} holds predictions for a different key`, {
          file: join(dir, META_FILE),
          fix: 'its meta.json was edited or the short hash collided: move that directory away',
        });
      }
    } else {
      // meta.json is written before the first record, so records without it were not written by us.
      if ((await sizeOf(file)) > 0) {
        throw new BenchError('BAD_INPUT', `${file} exists but its store has no meta.json`, {
          file,
          fix: 'delete the directory to recompute, or restore its meta.json',
        });
      }
      meta = newMeta(key, keyHash);
      await writeMeta(dir, meta, fsync);
    }
    if (lock) await removeStaleMetaTemps(dir);

    const scan = await scanPredictions(file);
    if (scan.torn) {
      await truncate(file, scan.validBytes);
      log(`${file}: cut off a damaged last line (line ${scan.torn.line}, ${scan.torn.bytes} bytes: ${scan.torn.reason}); that item will be recomputed`);
    }
    if (scan.duplicates) log(`${file}: ${scan.duplicates} repeated id(s); the first record of each is kept`);
    fh = await open(file, 'a');
    if (fsync) {
      if (scan.torn) await fh.datasync();
      await fsyncDir(dir); // the file's directory entry, when it was just created
    }
    const stats: StoreStats = {
      recordsOnOpen: scan.ids.size,
      duplicatesOnOpen: scan.duplicates,
      repairedTail: scan.torn,
      duplicatesAppended: 0,
      written: 0,
      writes: 0,
    };
    return new Store(dir, file, key, keyHash, meta, scan.ids, stats, fh, lock, {
      batchSize: Math.max(1, opts.batchSize ?? 256),
      maxDelayMs: opts.maxDelayMs ?? 2000,
      fsync,
    });
  } catch (e) {
    await fh?.close();
    await lock?.release();
    throw e;
  }
}

interface WriteSettings {
  batchSize: number;
  maxDelayMs: number;
  fsync: boolean;
}

class Store implements PredictionStore {
  private buffer: string[] = [];
  private bufferedSince: number | null = null;
  /** The last write in flight; writes run one after another, in append order. Never rejects. */
  private writing: Promise<void> = Promise.resolve();
  /** A write that failed: the file's tail is unknown, so this writer stops (reopening repairs it). */
  private failure: unknown = null;
  private closed = false;
  private reopening: Promise<void> | null = null;
  private readonly shape: RecordShape | null;

  constructor(
    readonly dir: string,
    readonly file: string,
    readonly key: StoreKey,
    readonly keyHash: string,
    private meta_: StoreMeta,
    private readonly ids: Set<string>,
    private readonly stats_: StoreStats,
    private readonly fh: FileHandle,
    private readonly lock: StoreLock | null,
    private readonly settings: WriteSettings,
  ) {
    this.shape = key.classes ? { corpusClasses: key.classes.corpus.length, modelClasses: key.classes.model.length } : null;
  }

  get meta(): StoreMeta {
    return this.meta_;
  }
  get complete(): boolean {
    return this.meta_.complete !== null;
  }
  get done(): ReadonlySet<string> {
    return this.ids;
  }
  get stats(): Readonly<StoreStats> {
    return this.stats_;
  }

  async append(records: readonly PredictionRecord[]): Promise<void> {
    this.checkWritable();
    // Encode all first: a bad record rejects the whole call and leaves the store as it was.
    const encoded = new Map<string, string>();
    for (const r of records) {
      if (this.ids.has(r.id) || encoded.has(r.id)) {
        this.stats_.duplicatesAppended++;
        continue;
      }
      encoded.set(r.id, encodeRecord(r, this.shape));
    }
    if (encoded.size === 0) return;
    if (this.complete) {
      // New items after a finished run: the store is not complete any more, and meta.json must say so
      // before they are written.
      await (this.reopening ??= this.reopen());
      this.checkWritable();
    }
    for (const [id, line] of encoded) {
      // A concurrent append may have taken an id while we waited.
      if (this.ids.has(id)) {
        this.stats_.duplicatesAppended++;
        continue;
      }
      this.ids.add(id);
      this.buffer.push(line);
    }
    if (this.buffer.length === 0) return;
    this.bufferedSince ??= Date.now();
    if (this.buffer.length >= this.settings.batchSize || Date.now() - this.bufferedSince >= this.settings.maxDelayMs) {
      await this.flush();
    }
  }

  flush(): Promise<void> {
    if (this.closed) return this.settled();
    if (this.buffer.length === 0) return this.settled();
    const lines = this.buffer;
    this.buffer = [];
    this.bufferedSince = null;
    const write = this.writing.then(() => this.write(lines));
    this.writing = write.catch((e) => {
      this.failure ??= e;
    });
    return write;
  }

  private async write(lines: string[]): Promise<void> {
    if (this.failure) throw this.failure;
    try {
      // One write of whole lines: a crash (or a full disk) can cut only the end of it, which the next open removes.
      await this.fh.writeFile(lines.join(''));
      if (this.settings.fsync) await this.fh.datasync();
    } catch (e) {
      const stored = this.stats_.recordsOnOpen + this.stats_.written;
      throw writeError(e, this.file, { kept: `the ${stored} item(s) already stored will not be re-run` });
    }
    this.stats_.written += lines.length;
    this.stats_.writes++;
  }

  /** Waits for writes in flight and rethrows a write failure. */
  private async settled(): Promise<void> {
    await this.writing;
    if (this.failure) throw this.failure;
  }

  async markComplete(summary?: unknown): Promise<void> {
    this.checkWritable();
    if (this.reopening) await this.reopening;
    if (this.complete) return;
    await this.flush();
    await this.settled();
    const meta: StoreMeta = { ...this.meta_, complete: { date: new Date().toISOString(), records: this.ids.size, summary } };
    await writeMeta(this.dir, meta, this.settings.fsync);
    this.meta_ = meta;
  }

  async readAll(order?: Iterable<string>): Promise<PredictionRecord[]> {
    await this.flush();
    await this.settled();
    return (await readPredictions(this.file, order)).records;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.flush();
      await this.settled();
    } finally {
      this.closed = true;
      await this.fh.close();
      await this.lock?.release();
    }
  }

  private async reopen(): Promise<void> {
    try {
      const meta: StoreMeta = { ...this.meta_, complete: null };
      await writeMeta(this.dir, meta, this.settings.fsync);
      this.meta_ = meta;
    } finally {
      this.reopening = null;
    }
  }

  private checkWritable(): void {
    if (this.closed) throw new Error(`prediction store ${this.dir} is closed`);
    if (this.failure) throw this.failure;
  }
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return 0;
    throw e;
  }
}

/** Temporary meta.json files a crash left behind (we hold the lock, so no writer is using them). */
async function removeStaleMetaTemps(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    if (isAtomicTempFile(name, META_FILE)) await unlink(join(dir, name)).catch(() => undefined);
  }
}
