/**
 * The confusion matrix every classification metric derives from: K×K counts, row = true class,
 * column = predicted class, stored flat (row-major) so the bootstrap can refill it in place.
 */
import { checkClassCount, checkIndices, checkLength, checkNonEmpty } from './validate.js';

export interface ConfusionMatrix {
  /** Number of classes K (given explicitly, so a class never seen still has a row and a column). */
  readonly k: number;
  /** counts[t * k + p] = items of true class t predicted as p. */
  readonly counts: Float64Array;
}

/** Builds the confusion matrix of `labels` (true) against `preds`; both are class indices in 0..k-1. */
export function confusionMatrix(labels: ArrayLike<number>, preds: ArrayLike<number>, k: number): ConfusionMatrix {
  checkClassCount(k);
  checkNonEmpty(labels.length, 'labels');
  checkLength(preds, labels.length, 'preds', 'labels');
  checkIndices(labels, k, 'labels');
  checkIndices(preds, k, 'preds');
  const counts = new Float64Array(k * k);
  for (let i = 0; i < labels.length; i++) counts[labels[i] * k + preds[i]]++;
  return { k, counts };
}

/** Wraps nested rows (as stored in a run record) back into a ConfusionMatrix. */
export function fromRows(rows: readonly (readonly number[])[]): ConfusionMatrix {
  const k = checkClassCount(rows.length);
  const counts = new Float64Array(k * k);
  rows.forEach((row, t) => {
    checkLength(row, k, `confusion row ${t}`, 'the class list');
    for (let p = 0; p < k; p++) counts[t * k + p] = row[p];
  });
  return { k, counts };
}

/** The matrix as nested rows (row = true class), for JSON and run records. */
export function toRows(cm: ConfusionMatrix): number[][] {
  const rows: number[][] = [];
  for (let t = 0; t < cm.k; t++) rows.push(Array.from(cm.counts.subarray(t * cm.k, (t + 1) * cm.k)));
  return rows;
}
