/**
 * The one small interface every classifier in src/learn has (LinearSVC, SVC, logistic regression),
 * and the record each writes into a run: its exact settings and a hash of the training set, so a
 * reported number can be traced to the data and the hyper-parameters that made it.
 */
import { sha256 } from '../util/hash.js';
import type { Matrix, MatrixInput } from './matrix.js';
import type { Label } from './labels.js';

export interface Classifier<L extends Label = Label> {
  /** Sorted distinct training labels (empty before fit). */
  readonly classes: readonly L[];
  /** Trains on rows X with labels y; returns this. */
  fit(X: MatrixInput, y: readonly L[]): this;
  /**
   * Decision values, one row per input row, in scikit-learn's shape: one column for two classes
   * (positive = classes[1]), else one per class (or per class pair for SVC's 'ovo').
   */
  decisionFunction(X: MatrixInput): Matrix;
  /** The predicted label of each row, with scikit-learn's tie rule. */
  predict(X: MatrixInput): L[];
  /** Settings, classes, training-set identity and fit diagnostics, for the run record. */
  toJSON(): ClassifierRecord;
}

export interface TrainingSetId {
  rows: number;
  cols: number;
  /** sha256 of the float64 features (little-endian, row-major), then the labels as JSON. */
  sha256: string;
}

export interface ClassifierRecord {
  /** The scikit-learn estimator this reproduces, e.g. 'LinearSVC'. */
  estimator: string;
  /** Every hyper-parameter that changes the result, with its value (defaults included). */
  settings: Record<string, unknown>;
  classes: Label[];
  trainingSet: TrainingSetId;
  /** Solver diagnostics (iterations, convergence). */
  fit: Record<string, unknown>;
}

export function trainingSetId(X: Matrix, y: readonly Label[]): TrainingSetId {
  const head = new TextEncoder().encode(`${X.rows}x${X.cols}\n`);
  const body = new Uint8Array(X.data.buffer, X.data.byteOffset, X.data.byteLength);
  const tail = new TextEncoder().encode(JSON.stringify(y));
  const all = new Uint8Array(head.length + body.length + tail.length);
  all.set(head, 0);
  all.set(body, head.length);
  all.set(tail, head.length + body.length);
  return { rows: X.rows, cols: X.cols, sha256: sha256(all) };
}

/** Throws the error a call before fit deserves. */
export function notFitted(estimator: string): Error {
  return new Error(`${estimator}: call fit(X, y) before predicting`);
}
