/**
 * scikit-learn's `LogisticRegression(penalty='l2', solver='lbfgs')` — the head EMO-AffectNet-style
 * leave-one-corpus-out runs train on frozen embeddings. With three or more classes it is multinomial
 * (softmax), with two it is the binary logistic model, as sklearn's multi_class='auto' chooses.
 *
 * Minimises Σ_i CE(softmax(W x_i + b), y_i) + ‖W‖² / (2C) (the intercept is not penalised), divided
 * by n for conditioning (the same minimiser). The optimum is unique, so the result does not depend on
 * the optimiser's path: from zeros, L-BFGS (./lbfgs.ts) reaches sklearn's coefficients to within the
 * tolerance stated in test/learn/logistic.test.ts. Nothing is random; the fit is deterministic.
 *
 * `standardize: true` puts a StandardScaler (fitted on the training rows) in front, as
 * `make_pipeline(StandardScaler(), LogisticRegression())`.
 */
import { type Classifier, type ClassifierRecord, notFitted, trainingSetId, type TrainingSetId } from './classifier.js';
import { encodeLabels, type Label } from './labels.js';
import { axpyRows, dotRows } from './kernels.js';
import { minimizeLbfgs } from './lbfgs.js';
import { linearScores, predictFromScores } from './linear-svc.js';
import { checkPositive, type Matrix, type MatrixInput, toMatrix, zeros } from './matrix.js';
import { StandardScaler } from './scaler.js';

export interface LogisticRegressionOptions {
  /** Inverse L2 strength. Default 1 (sklearn's). */
  C?: number;
  /** Gradient tolerance on the per-row objective (sklearn's tol → L-BFGS gtol). Default 1e-4. */
  tol?: number;
  /** L-BFGS iterations. Default 100 (sklearn's max_iter). */
  maxIter?: number;
  /** Standardise features with the training mean and sd first. Default false. */
  standardize?: boolean;
  /** L-BFGS memory. Default 10. */
  memory?: number;
  /** Also stop when f decreases by less than ftol relatively (scipy's factr rule, which sklearn uses). Default 64·ε; 0 turns it off. */
  ftol?: number;
}

const DEFAULTS: Required<LogisticRegressionOptions> = { C: 1, tol: 1e-4, maxIter: 100, standardize: false, memory: 10, ftol: 64 * 2.220446049250313e-16 };

/**
 * Loss and gradient over all rows in one pass. Parameters θ = [W (K×d, row-major), b (K)]. For K = 1
 * (binary) the score is the log-odds of classes[1].
 */
function objective(X: Matrix, y: Int32Array, K: number, C: number) {
  const { rows: n, cols: d, data } = X;
  const z = new Float64Array(K);
  const bOff = K * d;
  // Class k's weights are theta[k·d ..) and its gradient grad[k·d ..).
  const offsets = Int32Array.from({ length: K }, (_, k) => k * d);
  return (theta: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    const thetas = new Array<Float64Array>(K).fill(theta);
    const grads = new Array<Float64Array>(K).fill(grad);
    for (let i = 0; i < n; i++) {
      const xo = i * d;
      dotRows(thetas, offsets, K, data, xo, d, z);
      for (let k = 0; k < K; k++) z[k] += theta[bOff + k];
      if (K === 1) {
        // log(1 + e^z) − t·z with t = 1 for classes[1], computed without overflow.
        const t = y[i] === 1 ? 1 : 0;
        const v = z[0];
        loss += (v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v))) - t * v;
        z[0] = 1 / (1 + Math.exp(-v)) - t;
      } else {
        let max = -Infinity;
        for (let k = 0; k < K; k++) if (z[k] > max) max = z[k];
        let sum = 0;
        for (let k = 0; k < K; k++) sum += Math.exp(z[k] - max);
        const lse = max + Math.log(sum);
        loss += lse - z[y[i]];
        for (let k = 0; k < K; k++) z[k] = Math.exp(z[k] - lse) - (k === y[i] ? 1 : 0);
      }
      axpyRows(grads, offsets, z, K, data, xo, d);
      for (let k = 0; k < K; k++) grad[bOff + k] += z[k];
    }
    let penalty = 0;
    for (let q = 0; q < bOff; q++) {
      penalty += theta[q] * theta[q];
      grad[q] = grad[q] / n + theta[q] / (C * n);
    }
    for (let k = 0; k < K; k++) grad[bOff + k] /= n;
    return loss / n + penalty / (2 * C * n);
  };
}

export class LogisticRegression<L extends Label = Label> implements Classifier<L> {
  readonly options: Readonly<Required<LogisticRegressionOptions>>;
  classes: readonly L[] = [];
  /** One row per class (one row, for classes[1], with two classes), in the standardised space when standardize is on. */
  coef: Matrix = zeros(0, 0);
  intercept = new Float64Array(0);
  scaler?: StandardScaler;
  private fitInfo: Record<string, unknown> = {};
  private trainingSet?: TrainingSetId;

  constructor(options: LogisticRegressionOptions = {}) {
    const o = { ...DEFAULTS, ...options };
    checkPositive('LogisticRegression', 'C', o.C, 'pass a positive C such as 1');
    checkPositive('LogisticRegression', 'tol', o.tol, 'pass e.g. 1e-4');
    checkPositive('LogisticRegression', 'maxIter', o.maxIter, 'pass e.g. 100', true);
    checkPositive('LogisticRegression', 'memory', o.memory, 'pass e.g. 10', true);
    this.options = o;
  }

  fit(Xin: MatrixInput, y: readonly L[]): this {
    const raw = toMatrix(Xin, 'X');
    const { classes, index } = encodeLabels(y, raw.rows);
    const scaler = this.options.standardize ? new StandardScaler().fit(raw) : undefined;
    const X = scaler ? scaler.transform(raw) : raw;
    const K = classes.length === 2 ? 1 : classes.length;
    const d = X.cols;
    const r = minimizeLbfgs(objective(X, index, K, this.options.C), new Float64Array(K * (d + 1)), {
      gtol: this.options.tol,
      maxIter: this.options.maxIter,
      memory: this.options.memory,
      ftol: this.options.ftol,
    });
    this.coef = { rows: K, cols: d, data: r.x.slice(0, K * d) };
    this.intercept = r.x.slice(K * d);
    this.classes = classes;
    this.scaler = scaler;
    this.fitInfo = { iterations: r.iterations, evaluations: r.evaluations, converged: r.converged, stop: r.reason, objective: r.f };
    this.trainingSet = trainingSetId(raw, y);
    return this;
  }

  decisionFunction(Xin: MatrixInput): Matrix {
    if (!this.trainingSet) throw notFitted('LogisticRegression');
    const X = this.scaler ? this.scaler.transform(Xin) : toMatrix(Xin, 'X', this.coef.cols);
    return linearScores(X, this.coef, this.intercept);
  }

  /** Class probabilities, one column per class (softmax; [1 − σ, σ] for two classes). */
  predictProba(Xin: MatrixInput): Matrix {
    const z = this.decisionFunction(Xin);
    const K = this.classes.length;
    const out = zeros(z.rows, K);
    for (let i = 0; i < z.rows; i++) {
      if (z.cols === 1) {
        const p = 1 / (1 + Math.exp(-z.data[i]));
        out.data[i * 2] = 1 - p;
        out.data[i * 2 + 1] = p;
        continue;
      }
      let max = -Infinity;
      for (let k = 0; k < K; k++) max = Math.max(max, z.data[i * K + k]);
      let sum = 0;
      for (let k = 0; k < K; k++) sum += (out.data[i * K + k] = Math.exp(z.data[i * K + k] - max));
      for (let k = 0; k < K; k++) out.data[i * K + k] /= sum;
    }
    return out;
  }

  predict(Xin: MatrixInput): L[] {
    return predictFromScores(this.decisionFunction(Xin), this.classes);
  }

  toJSON(): ClassifierRecord {
    if (!this.trainingSet) throw notFitted('LogisticRegression');
    return {
      estimator: 'LogisticRegression',
      settings: { ...this.options, penalty: 'l2', solver: 'lbfgs', multiClass: this.classes.length === 2 ? 'binary' : 'multinomial', fitIntercept: true },
      classes: [...this.classes],
      trainingSet: this.trainingSet,
      fit: { ...this.fitInfo, ...(this.scaler ? { scaler: this.scaler.toJSON() } : {}) },
    };
  }
}
