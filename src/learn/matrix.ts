/**
 * The dense row-major Float64 matrix every classifier in src/learn works on, and the checked
 * conversion from what callers hold (an array of Float32Array/Float64Array/number[] rows, one per
 * clip). Values are copied into float64 once, so the solvers do all their arithmetic in float64 as
 * scikit-learn does (it casts float32 input to float64 for liblinear, libsvm and lbfgs).
 */
import { BenchError } from '../errors.js';
import { allFinite } from '../bench/metrics/validate.js';

export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  /** rows × cols values, row-major. */
  readonly data: Float64Array;
}

/** Rows as callers hold them, or a Matrix already made. */
export type MatrixInput = readonly ArrayLike<number>[] | Matrix;

export function isMatrix(x: MatrixInput): x is Matrix {
  return !Array.isArray(x) && (x as Matrix).data instanceof Float64Array;
}

export function badInput(message: string, fix: string, row?: number): BenchError {
  return new BenchError('BAD_INPUT', message, { fix, row });
}

/**
 * A checked float64 copy (or the Matrix itself when one is passed): at least one row, every row the
 * same length ≥ 1 (or `cols` when given), every value finite. `what` names the input in errors, which
 * carry the 1-based row.
 */
export function toMatrix(x: MatrixInput, what = 'X', cols?: number): Matrix {
  let m: Matrix;
  if (isMatrix(x)) {
    m = x;
    if (m.data.length !== m.rows * m.cols) throw badInput(`${what} says ${m.rows} × ${m.cols} but holds ${m.data.length} values`, 'build the matrix with data.length = rows × cols');
    if (!allFinite(m.data)) throw badInput(`${what} holds NaN or ±Infinity (row ${firstBadRow(m) + 1})`, 'drop or repair the non-finite features before fitting', firstBadRow(m) + 1);
  } else {
    if (x.length === 0) throw badInput(`${what} has no rows`, 'pass at least one row');
    const d = x[0].length;
    const data = new Float64Array(x.length * d);
    for (let i = 0; i < x.length; i++) {
      const r = x[i];
      if (r.length !== d) throw badInput(`${what} row ${i + 1} has ${r.length} values but row 1 has ${d}`, 'give every row the same feature length', i + 1);
      for (let j = 0; j < d; j++) {
        const v = r[j];
        if (!Number.isFinite(v)) throw badInput(`${what} row ${i + 1}, feature ${j} is ${v}`, 'drop or repair the non-finite features before fitting', i + 1);
        data[i * d + j] = v;
      }
    }
    m = { rows: x.length, cols: d, data };
  }
  if (m.rows === 0) throw badInput(`${what} has no rows`, 'pass at least one row');
  if (m.cols === 0) throw badInput(`${what} has rows of length 0`, 'pass at least one feature per row', 1);
  if (cols !== undefined && m.cols !== cols) {
    throw badInput(`${what} has ${m.cols} features per row but the classifier was fitted on ${cols}`, 'pass rows built the same way as the training rows', 1);
  }
  return m;
}

function firstBadRow(m: Matrix): number {
  for (let k = 0; k < m.data.length; k++) if (!Number.isFinite(m.data[k])) return Math.floor(k / m.cols);
  return 0;
}

/** A zero matrix. */
export function zeros(rows: number, cols: number): Matrix {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

/** Row i as a view (no copy). */
export function rowOf(m: Matrix, i: number): Float64Array {
  return m.data.subarray(i * m.cols, (i + 1) * m.cols);
}

/** The rows at `indices`, in that order, as a new matrix. */
export function takeRows(m: Matrix, indices: ArrayLike<number>): Matrix {
  const out = new Float64Array(indices.length * m.cols);
  for (let k = 0; k < indices.length; k++) out.set(rowOf(m, indices[k]), k * m.cols);
  return { rows: indices.length, cols: m.cols, data: out };
}

/** Checks a hyper-parameter is a number > 0 (an integer ≥ 1 when `integer`). */
export function checkPositive(estimator: string, name: string, value: number, fix: string, integer = false): void {
  const ok = integer ? Number.isInteger(value) && value >= 1 : value > 0;
  if (!ok) throw badInput(`${estimator}: ${name} must be ${integer ? 'an integer ≥ 1' : '> 0'}, got ${value}`, fix);
}
