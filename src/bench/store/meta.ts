/**
 * `meta.json`, the store's identity card: the full key, its hash, the format version and whether the
 * run finished. Always replaced atomically, so it is either the old card or the new one.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { BenchError } from '../../errors.js';
import { writeJsonAtomic } from '../../util/atomic-write.js';
import { StoreKeySchema, type StoreKey } from './key.js';

/** Bump when the on-disk layout changes in a way old readers would misread. */
export const STORE_FORMAT_VERSION = 1;
export const META_FILE = 'meta.json';
/** JSON Lines, one PredictionRecord per line (reading it from pandas: see `bench/store.ts`). */
export const PREDICTIONS_FILE = 'predictions.jsonl';

export interface StoreCompletion {
  date: string;
  /** Distinct records in the store when it was marked complete. */
  records: number;
  /** Whatever the runner wants kept with the finished run (coverage, timings...). */
  summary?: unknown;
}

export interface StoreMeta {
  formatVersion: number;
  keyHash: string;
  key: StoreKey;
  created: string;
  /** Null while the run is going on or was interrupted. */
  complete: StoreCompletion | null;
}

const MetaSchema = z.object({
  formatVersion: z.number().int().positive(),
  keyHash: z.string().regex(/^[0-9a-f]{64}$/),
  key: StoreKeySchema,
  created: z.string(),
  complete: z.object({ date: z.string(), records: z.number().int().nonnegative(), summary: z.unknown().optional() }).nullable(),
});

export function newMeta(key: StoreKey, keyHash: string, now = new Date()): StoreMeta {
  return { formatVersion: STORE_FORMAT_VERSION, keyHash, key, created: now.toISOString(), complete: null };
}

/** Reads `<dir>/meta.json`; null when there is none. Throws a BenchError naming the file when it is unreadable. */
export async function readMeta(dir: string): Promise<StoreMeta | null> {
  const file = join(dir, META_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return null;
    throw e;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new BenchError('BAD_INPUT', `prediction store meta is not valid JSON: ${(e as Error).message}`, {
      file,
      fix: 'the file is written atomically, so it was edited by hand: restore it or delete the store directory',
      cause: e,
    });
  }
  const r = MetaSchema.safeParse(json);
  if (!r.success) {
    const problems = r.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ');
    throw new BenchError('BAD_INPUT', `prediction store meta is malformed: ${problems}`, { file, fix: 'restore the file or delete the store directory' });
  }
  // Keep the file's own JSON (zod would strip members it does not know, and the key is compared byte for byte).
  const meta = json as StoreMeta;
  if (meta.formatVersion > STORE_FORMAT_VERSION) {
    throw new BenchError('BAD_INPUT', `prediction store format ${meta.formatVersion} is newer than this fer-bench reads (${STORE_FORMAT_VERSION})`, {
      file,
      fix: 'upgrade fer-bench',
    });
  }
  return meta;
}

export async function writeMeta(dir: string, meta: StoreMeta, fsync = true): Promise<void> {
  await writeJsonAtomic(join(dir, META_FILE), meta, { fsync });
}
