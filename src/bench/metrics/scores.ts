/**
 * Per-item class scores (logits or probabilities) as one flat, row-major Float64Array of N×K, checked
 * once (shape, finiteness) so the metrics can loop over it without further checks.
 */
import { BenchError } from '../../errors.js';
import { allFinite, checkLength } from './validate.js';

/** Scores as rows (one array of K per item) or already flat (length N·K, row-major). */
export type ScoreInput = ReadonlyArray<ArrayLike<number>> | Float32Array | Float64Array;

/**
 * `scores` as a flat N×K Float64Array (a Float64Array input is used as is, not copied), checking every
 * row has K finite values.
 */
export function flattenScores(scores: ScoreInput, n: number, k: number): Float64Array {
  let flat: Float64Array;
  if (scores instanceof Float32Array || scores instanceof Float64Array) {
    checkLength(scores, n * k, 'scores (flat)', 'labels × classes');
    flat = scores instanceof Float64Array ? scores : Float64Array.from(scores);
  } else {
    flat = new Float64Array(n * k);
    checkLength(scores, n, 'scores', 'labels');
    for (let i = 0; i < n; i++) {
      const row = scores[i];
      if (row === null || row === undefined || row.length !== k) {
        throw new BenchError('BAD_INPUT', `scores[${i}] has ${row?.length ?? 'no'} values but there are ${k} classes`, {
          fix: 'give one score per class for every item, in class order',
        });
      }
      for (let c = 0; c < k; c++) flat[i * k + c] = row[c];
    }
  }
  if (!allFinite(flat)) {
    const j = flat.findIndex((v) => !Number.isFinite(v));
    const i = Math.floor(j / k);
    throw new BenchError('BAD_INPUT', `scores[${i}][${j % k}] = ${flat[j]} is not a finite number`, {
      fix: `drop or repair item ${i} (NaN and infinite scores cannot be ranked)`,
    });
  }
  return flat;
}

/** Index of the highest score of each row; ties go to the lowest index (as numpy argmax). */
export function argmaxRows(flat: Float64Array, k: number): Int32Array {
  const n = flat.length / k;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestScore = flat[i * k];
    for (let c = 1; c < k; c++) {
      const s = flat[i * k + c];
      if (s > bestScore) {
        bestScore = s;
        best = c;
      }
    }
    out[i] = best;
  }
  return out;
}
