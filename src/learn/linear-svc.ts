/**
 * scikit-learn's `LinearSVC` (its defaults: penalty l2, loss squared_hinge, dual=True, one-vs-rest,
 * fit_intercept with intercept_scaling=1, tol 1e-4, max_iter 1000), the classifier of HSEmotion's
 * AFEW protocol (`LinearSVC(C=1.1)`).
 *
 * No maintained npm package implements liblinear, so this is a port of the algorithm liblinear runs
 * for this setting: `solve_l2r_l1l2_svc` in liblinear's linear.cpp, L2-loss case — dual coordinate
 * descent with shrinking (Hsieh, Chang, Lin, Keerthi & Sundararajan, ICML 2008, Algorithm 1 and §3.2).
 * Written from the paper and the routine's description, not copied. As in liblinear, the intercept is
 * an extra feature of constant value `interceptScaling`, so it is regularised like every weight.
 *
 * The coordinates are visited in a random order each pass; liblinear draws it from its own generator,
 * this port from the project's seeded xoshiro128**. The dual optimum is unique (the L2 loss makes it
 * strictly convex), so with a tight `tol` both reach the same weights; at the default tol=1e-4 they
 * stop at slightly different points, as two sklearn runs with different random_state do.
 */
import { createRng } from '../bench/metrics/prng.js';
import { type Classifier, type ClassifierRecord, notFitted, trainingSetId, type TrainingSetId } from './classifier.js';
import { encodeLabels, type Label } from './labels.js';
import { badInput, type Matrix, type MatrixInput, toMatrix, zeros } from './matrix.js';

export interface LinearSvcOptions {
  /** Inverse regularisation strength. Default 1 (sklearn's); HSEmotion's AFEW protocol uses 1.1. */
  C?: number;
  /** Stopping tolerance on the projected-gradient spread (liblinear's eps). Default 1e-4. */
  tol?: number;
  /** Passes over the data per class before giving up (reported as converged: false). Default 1000. */
  maxIter?: number;
  /** Learn an intercept (as an appended constant feature). Default true. */
  fitIntercept?: boolean;
  /** Value of that constant feature. Default 1. */
  interceptScaling?: number;
  /** Seed of the coordinate visiting order. Default 0. */
  seed?: number;
}

const DEFAULTS: Required<LinearSvcOptions> = { C: 1, tol: 1e-4, maxIter: 1000, fitIntercept: true, interceptScaling: 1, seed: 0 };

export interface BinaryFit {
  /** d weights, then the bias weight when an intercept is fitted. */
  w: Float64Array;
  iterations: number;
  converged: boolean;
}

/**
 * One binary L2-regularised, L2-loss SVM by dual coordinate descent: min over α ≥ 0 of
 * ½ αᵀ(Q + D)α − eᵀα with Q_ij = y_i y_j x̃_i·x̃_j and D_ii = 1/(2C), keeping w = Σ α_i y_i x̃_i, where
 * x̃ = [x, bias] when bias > 0. `positive[i]` says whether row i is the +1 class.
 */
export function solveL2LossSvcDual(X: Matrix, positive: Uint8Array, C: number, bias: number, tol: number, maxIter: number, seed: number): BinaryFit {
  const { rows: n, cols: d, data } = X;
  const hasBias = bias > 0;
  const w = new Float64Array(d + (hasBias ? 1 : 0));
  const alpha = new Float64Array(n);
  const diag = 0.5 / C;
  const qd = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = positive[i] ? 1 : -1;
    let s = diag + (hasBias ? bias * bias : 0);
    for (let j = 0, o = i * d; j < d; j++) s += data[o + j] * data[o + j];
    qd[i] = s;
  }
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const rng = createRng(seed);
  let active = n;
  // Shrinking thresholds from the previous pass: a coordinate at its bound (α=0) whose gradient is
  // above the largest projected gradient seen last pass is very likely to stay there, so it is set aside.
  let pgMaxOld = Infinity;
  let pgMinOld = -Infinity;
  let iter = 0;
  while (iter < maxIter) {
    let pgMax = -Infinity;
    let pgMin = Infinity;
    for (let s = 0; s < active; s++) {
      const t = s + rng.nextBelow(active - s);
      const tmp = order[s];
      order[s] = order[t];
      order[t] = tmp;
    }
    for (let s = 0; s < active; s++) {
      const i = order[s];
      const o = i * d;
      let dot = hasBias ? w[d] * bias : 0;
      for (let j = 0; j < d; j++) dot += w[j] * data[o + j];
      const G = y[i] * dot - 1 + alpha[i] * diag;
      let pg = 0;
      if (alpha[i] === 0) {
        if (G > pgMaxOld) {
          active--;
          order[s] = order[active];
          order[active] = i;
          s--;
          continue;
        }
        if (G < 0) pg = G;
      } else {
        pg = G; // no upper bound for the L2 loss
      }
      if (pg > pgMax) pgMax = pg;
      if (pg < pgMin) pgMin = pg;
      if (Math.abs(pg) > 1e-12) {
        const old = alpha[i];
        alpha[i] = Math.max(old - G / qd[i], 0);
        const step = (alpha[i] - old) * y[i];
        for (let j = 0; j < d; j++) w[j] += step * data[o + j];
        if (hasBias) w[d] += step * bias;
      }
    }
    iter++;
    if (pgMax - pgMin <= tol) {
      if (active === n) return { w, iterations: iter, converged: true };
      // Converged on the active set: check once more on all coordinates before stopping.
      active = n;
      pgMaxOld = Infinity;
      pgMinOld = -Infinity;
      continue;
    }
    pgMaxOld = pgMax <= 0 ? Infinity : pgMax;
    pgMinOld = pgMin >= 0 ? -Infinity : pgMin;
  }
  return { w, iterations: iter, converged: false };
}

export class LinearSVC<L extends Label = Label> implements Classifier<L> {
  readonly options: Readonly<Required<LinearSvcOptions>>;
  classes: readonly L[] = [];
  /** One weight row per OvR problem (one row for two classes, positive = classes[1]). */
  coef: Matrix = zeros(0, 0);
  intercept = new Float64Array(0);
  private iterations: number[] = [];
  private converged: boolean[] = [];
  private trainingSet?: TrainingSetId;

  constructor(options: LinearSvcOptions = {}) {
    const o = { ...DEFAULTS, ...options };
    if (!(o.C > 0)) throw badInput(`LinearSVC: C must be > 0, got ${o.C}`, 'pass a positive C (HSEmotion uses 1.1)');
    if (!(o.tol > 0)) throw badInput(`LinearSVC: tol must be > 0, got ${o.tol}`, 'pass a positive tolerance such as 1e-4');
    if (!Number.isInteger(o.maxIter) || o.maxIter < 1) throw badInput(`LinearSVC: maxIter must be an integer ≥ 1, got ${o.maxIter}`, 'pass e.g. 1000');
    if (o.fitIntercept && !(o.interceptScaling > 0)) throw badInput(`LinearSVC: interceptScaling must be > 0, got ${o.interceptScaling}`, 'pass e.g. 1');
    this.options = o;
  }

  fit(Xin: MatrixInput, y: readonly L[]): this {
    const X = toMatrix(Xin, 'X');
    const { classes, index } = encodeLabels(y, X.rows);
    const o = this.options;
    const bias = o.fitIntercept ? o.interceptScaling : 0;
    const problems = classes.length === 2 ? [1] : classes.map((_, k) => k);
    const coef = zeros(problems.length, X.cols);
    const intercept = new Float64Array(problems.length);
    this.iterations = [];
    this.converged = [];
    const positive = new Uint8Array(X.rows);
    problems.forEach((k, p) => {
      for (let i = 0; i < X.rows; i++) positive[i] = index[i] === k ? 1 : 0;
      const r = solveL2LossSvcDual(X, positive, o.C, bias, o.tol, o.maxIter, o.seed);
      coef.data.set(r.w.subarray(0, X.cols), p * X.cols);
      intercept[p] = o.fitIntercept ? r.w[X.cols] * bias : 0;
      this.iterations.push(r.iterations);
      this.converged.push(r.converged);
    });
    this.classes = classes;
    this.coef = coef;
    this.intercept = intercept;
    this.trainingSet = trainingSetId(X, y);
    return this;
  }

  decisionFunction(Xin: MatrixInput): Matrix {
    if (this.classes.length === 0) throw notFitted('LinearSVC');
    return linearScores(toMatrix(Xin, 'X', this.coef.cols), this.coef, this.intercept);
  }

  predict(Xin: MatrixInput): L[] {
    return predictFromScores(this.decisionFunction(Xin), this.classes);
  }

  toJSON(): ClassifierRecord {
    if (!this.trainingSet) throw notFitted('LinearSVC');
    const o = this.options;
    return {
      estimator: 'LinearSVC',
      settings: { ...o, penalty: 'l2', loss: 'squared_hinge', dual: true, multiClass: 'ovr', solver: 'liblinear solve_l2r_l1l2_svc (L2 loss) port' },
      classes: [...this.classes],
      trainingSet: this.trainingSet,
      fit: { iterations: this.iterations, converged: this.converged.every(Boolean) },
    };
  }
}

/** X · Wᵀ + b. */
export function linearScores(X: Matrix, W: Matrix, b: Float64Array): Matrix {
  const out = zeros(X.rows, W.rows);
  const d = X.cols;
  for (let i = 0; i < X.rows; i++) {
    for (let k = 0; k < W.rows; k++) {
      let s = b[k];
      for (let j = 0, xo = i * d, wo = k * d; j < d; j++) s += X.data[xo + j] * W.data[wo + j];
      out.data[i * W.rows + k] = s;
    }
  }
  return out;
}

/**
 * sklearn's LinearClassifierMixin.predict: one column → classes[1] when the score is > 0; several →
 * the first column holding the maximum.
 */
export function predictFromScores<L extends Label>(scores: Matrix, classes: readonly L[]): L[] {
  const out: L[] = new Array(scores.rows);
  const k = scores.cols;
  for (let i = 0; i < scores.rows; i++) {
    if (k === 1) {
      out[i] = scores.data[i] > 0 ? classes[1] : classes[0];
      continue;
    }
    let best = 0;
    for (let c = 1; c < k; c++) if (scores.data[i * k + c] > scores.data[i * k + best]) best = c;
    out[i] = classes[best];
  }
  return out;
}
