/**
 * What a prediction store is the cache of. Two runs share a store exactly when everything that can
 * change a single prediction record is equal: the weights (by sha256), the dataset (by manifest hash),
 * the preprocessing, the label map and class lists, and any engine setting that changes outputs.
 * The key hash is the sha256 of the key's canonical JSON, so key field order never matters.
 */
import { z } from 'zod';
import { BenchError } from '../../errors.js';
import { canonicalJson, fileSafe, sha256, shortHash } from '../../util/hash.js';

export interface StoreKey {
  model: {
    name: string;
    /** sha256 of the weights file; null only for replicas (random weights), whose seed then belongs in `extra`. */
    sha256: string | null;
    replica: boolean;
  };
  dataset: { corpus: string; split: string; manifestSha256: string };
  /**
   * `corpus`: the class list `PredictionRecord.label` indexes; `model`: the class order of `scores`.
   * Recommended: it lets a store be re-scored on its own, without the zoo or the dataset code, and lets
   * `append` check every label and scores length against it.
   */
  classes?: { corpus: string[]; model: string[] };
  /** Description of the preprocessing (size, crop, face detector, normalisation...): any JSON value. */
  preprocessing: unknown;
  /** Description of the label map / protocol: any JSON value. */
  labelMap: unknown;
  /** Anything else that changes outputs: engine precision, execution provider, replica seed, TTA... */
  extra?: unknown;
}

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits');
const Defined = z.unknown().refine((v) => v !== undefined, 'is required (use null for "none")');

export const StoreKeySchema = z
  .object({
    model: z.object({ name: z.string().min(1), sha256: Sha256.nullable(), replica: z.boolean() }),
    dataset: z.object({ corpus: z.string().min(1), split: z.string().min(1), manifestSha256: Sha256 }),
    classes: z.object({ corpus: z.array(z.string().min(1)).min(1), model: z.array(z.string().min(1)) }).optional(),
    preprocessing: Defined,
    labelMap: Defined,
    extra: z.unknown().optional(),
  })
  .refine((k) => k.model.replica || k.model.sha256 !== null, {
    message: 'a published model needs its weights sha256: without it two different files would share a cache',
    path: ['model', 'sha256'],
  });

/** Checks a key and returns it unchanged; throws a BenchError listing every problem. */
export function validateStoreKey(key: StoreKey): StoreKey {
  const r = StoreKeySchema.safeParse(key);
  if (!r.success) {
    const problems = r.error.issues.map((i) => `${i.path.join('.') || '(key)'} ${i.message}`).join('; ');
    throw new BenchError('BAD_INPUT', `invalid prediction store key: ${problems}`, {
      fix: 'build the key from the opened model, the dataset manifest and the run settings',
    });
  }
  // Canonical JSON rejects NaN, cycles, functions: find that here rather than at hashing time.
  try {
    canonicalJson(key);
  } catch (e) {
    throw new BenchError('BAD_INPUT', `invalid prediction store key: ${(e as Error).message}`, { fix: 'key fields must be finite numbers, strings, booleans, arrays or plain objects', cause: e });
  }
  return key;
}

/** Full sha256 (64 hex) of the key. */
export function storeKeyHash(key: StoreKey): string {
  return sha256(canonicalJson(key));
}

/** The shard of a segment's key (`bench/shard.ts` puts it in `extra.shard`), or null for a whole evaluation. */
export function keyShard(key: StoreKey): { index: number; count: number } | null {
  const shard = (key.extra as { shard?: { index?: unknown; count?: unknown } } | undefined)?.shard;
  return shard && typeof shard.index === 'number' && typeof shard.count === 'number' ? { index: shard.index, count: shard.count } : null;
}

/**
 * The store's directory name: readable parts for people, the short key hash for identity, and for a
 * shard's segment `-shard<i>of<n>` (so a glob finds an evaluation's segments).
 */
export function storeDirName(key: StoreKey, keyHash = storeKeyHash(key)): string {
  const { model, dataset } = key;
  const shard = keyShard(key);
  const name = [fileSafe(model.name + (model.replica ? '-replica' : '')), fileSafe(dataset.corpus), fileSafe(dataset.split), shortHash(keyHash)].join('-');
  return shard ? `${name}-shard${shard.index}of${shard.count}` : name;
}

/** Whether two keys denote the same store (same canonical JSON). */
export function sameStoreKey(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
