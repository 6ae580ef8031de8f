/**
 * Classification metrics, all computed from confusion-matrix counts (K given explicitly).
 *
 * Conventions (match scikit-learn with `labels=range(K)`, `zero_division=0`):
 * - precision_k = TP/(TP+FP), 0 when class k is never predicted;
 * - recall_k = TP/(TP+FN), 0 when class k is absent from the truth;
 * - F1_k = 2TP/(2TP+FP+FN), 0 when undefined (no support and no predictions);
 * - macro-F1 = mean of F1_k over ALL K classes given (an absent, never-predicted class counts 0);
 * - weighted-F1 = Σ F1_k·support_k / N;
 * - UAR (= balanced accuracy, sklearn `balanced_accuracy_score`) = mean recall over the classes
 *   PRESENT in the truth (support > 0), so an absent class neither helps nor hurts.
 */
import type { ConfusionMatrix } from './confusion.js';
import type { ResampleStatistic } from './statistic.js';

export interface PerClass {
  precision: number[];
  recall: number[];
  f1: number[];
  support: number[];
}

export interface ClassificationSummary extends PerClass {
  n: number;
  accuracy: number;
  macroF1: number;
  weightedF1: number;
  uar: number;
}

/** The scalar metric names `classificationValues` writes, in order (per-class values follow). */
export const SUMMARY_METRICS = ['accuracy', 'macroF1', 'weightedF1', 'uar'] as const;

/** Number of values `classificationValues` writes for K classes: 4 summary + 3 per class. */
export function classificationValueCount(k: number): number {
  return SUMMARY_METRICS.length + 3 * k;
}

/**
 * Writes [accuracy, macroF1, weightedF1, uar, precision_0..K-1, recall_0..K-1, f1_0..K-1] of the counts
 * into `out` from `offset`. Allocation-free: the bootstrap calls it once per resample.
 */
export function classificationValues(counts: ArrayLike<number>, k: number, out: Float64Array, offset = 0): void {
  const pBase = offset + 4;
  const rBase = pBase + k;
  const fBase = rBase + k;
  let n = 0;
  let correct = 0;
  let f1Sum = 0;
  let f1Weighted = 0;
  let recallSum = 0;
  let present = 0;
  for (let c = 0; c < k; c++) {
    let support = 0;
    let predicted = 0;
    for (let j = 0; j < k; j++) {
      support += counts[c * k + j];
      predicted += counts[j * k + c];
    }
    const tp = counts[c * k + c];
    const fp = predicted - tp;
    const fn = support - tp;
    const precision = predicted > 0 ? tp / predicted : 0;
    const recall = support > 0 ? tp / support : 0;
    const denom = 2 * tp + fp + fn;
    const f1 = denom > 0 ? (2 * tp) / denom : 0;
    out[pBase + c] = precision;
    out[rBase + c] = recall;
    out[fBase + c] = f1;
    n += support;
    correct += tp;
    f1Sum += f1;
    f1Weighted += f1 * support;
    if (support > 0) {
      recallSum += recall;
      present++;
    }
  }
  out[offset] = n > 0 ? correct / n : NaN;
  out[offset + 1] = f1Sum / k;
  out[offset + 2] = n > 0 ? f1Weighted / n : NaN;
  out[offset + 3] = present > 0 ? recallSum / present : NaN;
}

/** Every classification metric of a confusion matrix, as a plain object. */
export function classificationMetrics(cm: ConfusionMatrix): ClassificationSummary {
  const { k, counts } = cm;
  const out = new Float64Array(classificationValueCount(k));
  classificationValues(counts, k, out);
  const support: number[] = [];
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += counts[c * k + j];
    support.push(s);
  }
  return {
    n: support.reduce((a, b) => a + b, 0),
    accuracy: out[0],
    macroF1: out[1],
    weightedF1: out[2],
    uar: out[3],
    precision: Array.from(out.subarray(4, 4 + k)),
    recall: Array.from(out.subarray(4 + k, 4 + 2 * k)),
    f1: Array.from(out.subarray(4 + 2 * k, 4 + 3 * k)),
    support,
  };
}

/**
 * The classification metrics as a resample statistic: each drawn item increments one confusion cell,
 * so a bootstrap resample costs one array increment per draw plus O(K²) to compute the metrics.
 * Names: accuracy, macroF1, weightedF1, uar, then `precision/<class>`, `recall/<class>`, `f1/<class>`.
 */
export function confusionStatistic(
  labels: ArrayLike<number>,
  preds: ArrayLike<number>,
  classes: readonly string[],
): ResampleStatistic {
  const k = classes.length;
  // Precompute each item's cell once; callers validate labels/preds (see confusionMatrix).
  const cell = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) cell[i] = labels[i] * k + preds[i];
  const counts = new Float64Array(k * k);
  return {
    names: classificationNames(classes),
    compute: (indices, length, out, offset) => {
      counts.fill(0);
      for (let j = 0; j < length; j++) counts[cell[indices[j]]]++;
      classificationValues(counts, k, out, offset);
    },
  };
}

/** Value names in `classificationValues` order for the given class names. */
export function classificationNames(classes: readonly string[]): string[] {
  return [
    ...SUMMARY_METRICS,
    ...classes.map((c) => `precision/${c}`),
    ...classes.map((c) => `recall/${c}`),
    ...classes.map((c) => `f1/${c}`),
  ];
}
