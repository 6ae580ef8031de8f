/**
 * Input checks shared by every metric entry point. Bad input is a user error (a BenchError with
 * code BAD_INPUT) that names what is wrong and at which item index, never a silent NaN.
 */
import { BenchError } from '../../errors.js';

function bad(message: string, fix: string): BenchError {
  return new BenchError('BAD_INPUT', message, { fix });
}

/** True when no value is NaN or ±Infinity (v·0 is NaN exactly for those, and NaN propagates). */
export function allFinite(values: Float64Array): boolean {
  let acc = 0;
  for (let j = 0; j < values.length; j++) acc += values[j] * 0;
  return acc === 0;
}

/** Checks the item count is at least one and returns it. */
export function checkNonEmpty(n: number, what: string): number {
  if (n === 0) throw bad(`${what} is empty: no items to score`, 'pass at least one item');
  return n;
}

/** Checks `values` has `n` entries. */
export function checkLength(values: ArrayLike<unknown>, n: number, what: string, reference: string): void {
  if (values.length !== n) {
    throw bad(`${what} has ${values.length} items but ${reference} has ${n}`, `give ${what} and ${reference} one entry per item, in the same order`);
  }
}

/** Checks the class count K is an integer ≥ 1. */
export function checkClassCount(k: number): number {
  if (!Number.isInteger(k) || k < 1) throw bad(`the number of classes must be an integer ≥ 1, got ${k}`, 'pass the class list explicitly');
  return k;
}

/** Checks every entry of `values` is an integer class index in 0..k-1. */
export function checkIndices(values: ArrayLike<number>, k: number, what: string): void {
  if (values instanceof Int32Array) {
    // Integers by type: only the range needs checking (the fast path for large runs).
    let ok = true;
    for (let i = 0; i < values.length; i++) ok = ok && values[i] >= 0 && values[i] < k;
    if (ok) return;
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v < 0 || v >= k) {
      throw bad(`${what}[${i}] = ${v} is not a class index in 0..${k - 1}`, `map every ${what} entry to an index of the ${k} classes`);
    }
  }
}

/** Checks every entry of `values` is a finite number. */
export function checkFinite(values: ArrayLike<number>, what: string): void {
  if (values instanceof Float64Array && allFinite(values)) return;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw bad(`${what}[${i}] = ${v} is not a finite number`, `drop or repair item ${i} (NaN and infinite values cannot be scored)`);
    }
  }
}

/** Checks a confidence level is in (0, 1). */
export function checkLevel(level: number): number {
  if (!(level > 0 && level < 1)) throw bad(`confidence level must be in (0, 1), got ${level}`, 'use e.g. 0.95');
  return level;
}

/** Checks a resample count is a non-negative integer. */
export function checkResamples(resamples: number): number {
  if (!Number.isInteger(resamples) || resamples < 0) {
    throw bad(`resamples must be a non-negative integer, got ${resamples}`, 'use e.g. 2000 (0 turns confidence intervals off)');
  }
  return resamples;
}

/** Checks a seed is an integer in [0, 2^32). */
export function checkSeedInput(seed: number): number {
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) {
    throw bad(`seed must be an integer in [0, 2^32), got ${seed}`, 'use a non-negative 32-bit integer, e.g. 0');
  }
  return seed;
}
