/**
 * Class labels the way scikit-learn sees them: the classes are `np.unique(y)` (numbers ascending,
 * strings by code point), each row's label becomes its index in that sorted list, and predictions
 * map back. The order matters: decision columns, OvR problems and libsvm's pairwise order all follow it.
 */
import { badInput } from './matrix.js';

export type Label = number | string;

export interface EncodedLabels<L extends Label = Label> {
  /** The distinct labels, sorted as np.unique sorts them. */
  readonly classes: readonly L[];
  /** Each row's index into `classes`. */
  readonly index: Int32Array;
}

export function encodeLabels<L extends Label>(y: readonly L[], rows: number, what = 'y'): EncodedLabels<L> {
  if (y.length !== rows) throw badInput(`${what} has ${y.length} labels but X has ${rows} rows`, 'give one label per training row, in the same order');
  const kind = typeof y[0];
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (typeof v !== kind) throw badInput(`${what} mixes numbers and strings (row ${i + 1} is ${JSON.stringify(v)})`, 'use one label type: class indices or class names', i + 1);
    if (typeof v === 'number' && !Number.isFinite(v)) throw badInput(`${what} row ${i + 1} is ${v}`, 'every label must be a finite number or a string', i + 1);
  }
  const classes = [...new Set(y)].sort(kind === 'number' ? (a, b) => (a as number) - (b as number) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (classes.length < 2) {
    throw badInput(`${what} has only one class (${JSON.stringify(classes[0])}); a classifier needs at least two`, 'train on rows of at least two classes');
  }
  const lookup = new Map<L, number>(classes.map((c, k) => [c, k]));
  const index = new Int32Array(y.length);
  for (let i = 0; i < y.length; i++) index[i] = lookup.get(y[i])!;
  return { classes, index };
}
