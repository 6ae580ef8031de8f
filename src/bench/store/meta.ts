/**
 * `meta.json`, the store's identity card: the full key, its hash, the format version and whether the
 * run finished. Always replaced atomically, so it is either the old card or the new one.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { BenchError } from '../../errors.js';
import { writeJsonAtomic } from '../../util/atomic-write.js';
import { verifyJsonChecksum, withJsonChecksum } from '../../util/json-checksum.js';
import { StoreKeySchema, type StoreKey } from './key.js';

/**
 * Bump when the on-disk layout changes in a way old readers would misread.
 * 1: records as JSON lines. 2: every line ends with a crc32 (codec.ts), and meta.json carries one too.
 * A format-1 store stays format 1 when a newer fer-bench appends to it (its old lines stay unverified).
 */
export const STORE_FORMAT_VERSION = 2;
/** The first format whose every record line carries a checksum. */
export const CHECKSUMS_SINCE_FORMAT = 2;
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
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    const checked = verifyJsonChecksum(json);
    if (checked.value === null) {
      throw new BenchError('BAD_INPUT', `prediction store meta is damaged: ${checked.reason}`, {
        file,
        fix: 'the file is written atomically, so a byte was changed on disk or by hand: restore it, or delete the store directory to recompute it',
      });
    }
    if (checked.checksum === 'absent' && (json as { formatVersion?: unknown }).formatVersion !== 1) {
      throw new BenchError('BAD_INPUT', 'prediction store meta has no checksum (every format-2 meta.json has one)', {
        file,
        fix: 'the file was edited by hand: restore it, or delete the store directory to recompute it',
      });
    }
    json = checked.value;
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
  await writeJsonAtomic(join(dir, META_FILE), withJsonChecksum(meta), { fsync });
}
