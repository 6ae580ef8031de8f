/**
 * Reading stores without writing them: for `bench score --store DIR` (re-scoring without a model),
 * for finding the store of a key, and for listing what a results folder holds. Nothing here repairs
 * or locks; a damaged last line (a run still going, or one that crashed) is reported and left alone.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BenchError } from '../../errors.js';
import { compareCodeUnits } from '../../util/hash.js';
import type { PredictionRecord } from '../records.js';
import { sameStoreKey, storeDirName, storeKeyHash, validateStoreKey, type StoreKey } from './key.js';
import { PREDICTIONS_FILE, META_FILE, readMeta, type StoreMeta } from './meta.js';
import { scanPredictions, type TornTail } from './scan.js';

/** Where stores live unless told otherwise (relative to the working directory). */
export const DEFAULT_STORE_DIR = 'results/predictions';

export interface StoreContents {
  dir: string;
  meta: StoreMeta;
  records: PredictionRecord[];
  /** Repeated ids in the file (first record kept). */
  duplicates: number;
  /** A damaged last line that was not read (the writer is running, or crashed and was not resumed). */
  torn: TornTail | null;
}

/**
 * Sorts records deterministically, whatever order they were appended in: by `order` (ids in the corpus
 * order; records it lacks come after, by id) when given, else by id (code-unit order, locale-free).
 */
export function sortRecords(records: readonly PredictionRecord[], order?: Iterable<string>): PredictionRecord[] {
  const byId = (a: PredictionRecord, b: PredictionRecord) => compareCodeUnits(a.id, b.id);
  if (!order) return [...records].sort(byId);
  const rank = new Map<string, number>();
  for (const id of order) if (!rank.has(id)) rank.set(id, rank.size);
  return [...records].sort((a, b) => {
    const ra = rank.get(a.id);
    const rb = rank.get(b.id);
    if (ra !== undefined && rb !== undefined) return ra - rb;
    if (ra !== undefined) return -1;
    if (rb !== undefined) return 1;
    return byId(a, b);
  });
}

/** Every record of the predictions file at `file`, sorted (see `sortRecords`). */
export async function readPredictions(file: string, order?: Iterable<string>): Promise<Omit<StoreContents, 'dir' | 'meta'>> {
  const records: PredictionRecord[] = [];
  const scan = await scanPredictions(file, (r) => records.push(r));
  return { records: sortRecords(records, order), duplicates: scan.duplicates, torn: scan.torn };
}

/** Loads a store directory's meta and records (sorted, see `sortRecords`), with no key needed: what re-scoring starts from. */
export async function readStore(dir: string, order?: Iterable<string>): Promise<StoreContents> {
  const meta = await readMeta(dir);
  if (!meta) {
    throw new BenchError('BAD_INPUT', `not a prediction store: no ${META_FILE} in ${dir}`, {
      file: join(dir, META_FILE),
      fix: 'pass one of the directories under results/predictions/ (each holds a meta.json and a predictions.jsonl)',
    });
  }
  return { dir, meta, ...(await readPredictions(join(dir, PREDICTIONS_FILE), order)) };
}

/** The directory of the store for `key` under `baseDir`, or null when there is none yet. */
export async function findStore(baseDir: string, key: StoreKey): Promise<string | null> {
  validateStoreKey(key);
  const keyHash = storeKeyHash(key);
  const dir = join(baseDir, storeDirName(key, keyHash));
  const meta = await readMeta(dir);
  return meta && meta.keyHash === keyHash && sameStoreKey(meta.key, key) ? dir : null;
}

export interface StoreListing {
  dir: string;
  /** Null when the directory's meta could not be read; `problem` then says why. */
  meta: StoreMeta | null;
  problem?: string;
}

/** Every store directory under `baseDir`, sorted by name; unreadable ones are listed with their problem. */
export async function listStores(baseDir: string = DEFAULT_STORE_DIR): Promise<StoreListing[]> {
  let entries;
  try {
    entries = await readdir(baseDir, { withFileTypes: true });
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return [];
    throw e;
  }
  const out: StoreListing[] = [];
  for (const name of entries.filter((e) => e.isDirectory()).map((e) => e.name).sort(compareCodeUnits)) {
    const dir = join(baseDir, name);
    try {
      const meta = await readMeta(dir);
      out.push(meta ? { dir, meta } : { dir, meta: null, problem: `no ${META_FILE}` });
    } catch (e) {
      out.push({ dir, meta: null, problem: e instanceof BenchError ? e.message : String(e) });
    }
  }
  return out;
}
