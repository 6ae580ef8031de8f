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
import { axpyDotRows, axpyRows, dotRows } from './kernels.js';
import { checkPositive, type Matrix, type MatrixInput, toMatrix, zeros } from './matrix.js';

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
 * Binary L2-regularised, L2-loss SVMs by dual coordinate descent, one per entry of `positives`
 * (problem p: rows with index[i] === positives[p] are +1, the rest −1). Each solves
 * min over α ≥ 0 of ½ αᵀ(Q + D)α − eᵀα with Q_ij = y_i y_j x̃_i·x̃_j and D_ii = 1/(2C), keeping
 * w = Σ α_i y_i x̃_i, where x̃ = [x, bias] when bias > 0.
 *
 * The one-vs-rest problems run in lockstep: one random order per pass, and each row, once read, is
 * used by every problem that still needs it. Each problem keeps its own α, w, shrunk set, thresholds,
 * iteration count and stopping test, exactly as liblinear runs it alone; only the (random) visiting
 * order is shared. Reading each row once per pass for all classes (./kernels.ts), instead of once
 * per class, is what makes a 3,000 × 5,120 fold take seconds: the solver is bound by loading X.
 */
export function solveL2LossSvcDual(X: Matrix, index: Int32Array, positives: readonly number[], C: number, bias: number, tol: number, maxIter: number, seed: number): BinaryFit[] {
  const { rows: n, cols: d, data } = X;
  const P = positives.length;
  const hasBias = bias > 0;
  const diag = 0.5 / C;
  const qd = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = diag + (hasBias ? bias * bias : 0);
    for (let j = 0, o = i * d; j < d; j++) s += data[o + j] * data[o + j];
    qd[i] = s;
  }
  const w = positives.map(() => new Float64Array(d + (hasBias ? 1 : 0)));
  const alpha = positives.map(() => new Float64Array(n));
  const shrunk = positives.map(() => new Uint8Array(n));
  const activeCount = new Int32Array(P).fill(n);
  // Shrinking thresholds from the previous pass: a coordinate at its bound (α=0) whose gradient is
  // above the largest projected gradient seen last pass is very likely to stay there, so it is set aside.
  const pgMaxOld = new Float64Array(P).fill(Infinity);
  const pgMinOld = new Float64Array(P).fill(-Infinity);
  const pgMax = new Float64Array(P);
  const pgMin = new Float64Array(P);
  const iterations = new Int32Array(P);
  const done = new Uint8Array(P);
  const converged = new Uint8Array(P);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const rng = createRng(seed);
  // Per row: the problems that use it and their w·x. A row's w updates are held back (pending) and
  // applied in the same sweep that reads w for the next row (axpyDotRows): w is loaded once per row,
  // not twice, with bit-identical results.
  const active = new Int32Array(P);
  const dot = new Float64Array(P);
  const pendingAt = new Int32Array(P).fill(-1); // problem → index in the pending lists, or -1
  let pendW: Float64Array[] = [];
  let pendStep = new Float64Array(P);
  let pendProblem = new Int32Array(P);
  let np = 0;
  let pendOff = 0;
  let nextW: Float64Array[] = [];
  let nextStep = new Float64Array(P);
  let nextProblem = new Int32Array(P);
  const fusedW: Float64Array[] = new Array(P);
  const fusedStep = new Float64Array(P);
  const fusedQ = new Int32Array(P);
  const fusedDot = new Float64Array(P);
  const plainW: Float64Array[] = new Array(P);
  const plainQ = new Int32Array(P);
  const plainDot = new Float64Array(P);
  const restW: Float64Array[] = new Array(P);
  const restStep = new Float64Array(P);
  const zeroOffsets = new Int32Array(P);
  const flush = (): void => {
    axpyRows(pendW, zeroOffsets, pendStep, np, data, pendOff, d);
    for (let k = 0; k < np; k++) pendingAt[pendProblem[k]] = -1;
    np = 0;
  };
  let remaining = P;
  while (remaining > 0) {
    pgMax.fill(-Infinity);
    pgMin.fill(Infinity);
    for (let s = 0; s < n; s++) {
      const t = s + rng.nextBelow(n - s);
      const tmp = order[s];
      order[s] = order[t];
      order[t] = tmp;
    }
    for (let s = 0; s < n; s++) {
      const i = order[s];
      const o = i * d;
      let na = 0;
      for (let p = 0; p < P; p++) {
        if (done[p] || shrunk[p][i]) continue;
        active[na++] = p;
      }
      if (na === 0) continue;
      // Split the active problems: a pending update to apply while reading (fused), or none (plain);
      // pending updates of problems this row does not use are applied on their own (rest).
      let nf = 0;
      let nq = 0;
      let nr = 0;
      for (let q = 0; q < na; q++) {
        const p = active[q];
        const k = pendingAt[p];
        if (k >= 0) {
          fusedW[nf] = w[p];
          fusedStep[nf] = pendStep[k];
          fusedQ[nf++] = q;
          pendingAt[p] = -2; // consumed
        } else {
          plainW[nq] = w[p];
          plainQ[nq++] = q;
        }
      }
      for (let k = 0; k < np; k++) {
        if (pendingAt[pendProblem[k]] === -2) continue;
        restW[nr] = pendW[k];
        restStep[nr++] = pendStep[k];
      }
      if (nr > 0) axpyRows(restW, zeroOffsets, restStep, nr, data, pendOff, d);
      if (nf > 0) axpyDotRows(fusedW, fusedStep, nf, data, pendOff, o, d, fusedDot);
      if (nq > 0) dotRows(plainW, zeroOffsets, nq, data, o, d, plainDot);
      for (let k = 0; k < np; k++) pendingAt[pendProblem[k]] = -1;
      for (let f = 0; f < nf; f++) dot[fusedQ[f]] = fusedDot[f];
      for (let f = 0; f < nq; f++) dot[plainQ[f]] = plainDot[f];
      let nu = 0;
      for (let q = 0; q < na; q++) {
        const p = active[q];
        const ap = alpha[p];
        const yi = index[i] === positives[p] ? 1 : -1;
        const G = yi * (dot[q] + (hasBias ? w[p][d] * bias : 0)) - 1 + ap[i] * diag;
        let pg = 0;
        if (ap[i] === 0) {
          if (G > pgMaxOld[p]) {
            shrunk[p][i] = 1;
            activeCount[p]--;
            continue;
          }
          if (G < 0) pg = G;
        } else {
          pg = G; // no upper bound for the L2 loss
        }
        if (pg > pgMax[p]) pgMax[p] = pg;
        if (pg < pgMin[p]) pgMin[p] = pg;
        if (Math.abs(pg) > 1e-12) {
          const old = ap[i];
          ap[i] = Math.max(old - G / qd[i], 0);
          const step = (ap[i] - old) * yi;
          if (hasBias) w[p][d] += step * bias;
          nextW[nu] = w[p];
          nextStep[nu] = step;
          nextProblem[nu++] = p;
        }
      }
      // This row's updates become the pending ones (swap the buffers).
      const tw = pendW;
      pendW = nextW;
      nextW = tw;
      const ts = pendStep;
      pendStep = nextStep;
      nextStep = ts;
      const tp = pendProblem;
      pendProblem = nextProblem;
      nextProblem = tp;
      np = nu;
      pendOff = o;
      for (let k = 0; k < np; k++) pendingAt[pendProblem[k]] = k;
    }
    flush();
    for (let p = 0; p < P; p++) {
      if (done[p]) continue;
      iterations[p]++;
      if (pgMax[p] - pgMin[p] <= tol) {
        if (activeCount[p] === n) {
          done[p] = converged[p] = 1;
        } else {
          // Converged on the active set: check once more on all coordinates before stopping.
          shrunk[p].fill(0);
          activeCount[p] = n;
          pgMaxOld[p] = Infinity;
          pgMinOld[p] = -Infinity;
        }
      } else {
        pgMaxOld[p] = pgMax[p] <= 0 ? Infinity : pgMax[p];
        pgMinOld[p] = pgMin[p] >= 0 ? -Infinity : pgMin[p];
      }
      if (!done[p] && iterations[p] >= maxIter) done[p] = 1;
      if (done[p]) remaining--;
    }
  }
  return positives.map((_, p) => ({ w: w[p], iterations: iterations[p], converged: converged[p] === 1 }));
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
    checkPositive('LinearSVC', 'C', o.C, 'pass a positive C (HSEmotion uses 1.1)');
    checkPositive('LinearSVC', 'tol', o.tol, 'pass a positive tolerance such as 1e-4');
    checkPositive('LinearSVC', 'maxIter', o.maxIter, 'pass e.g. 1000', true);
    if (o.fitIntercept) checkPositive('LinearSVC', 'interceptScaling', o.interceptScaling, 'pass e.g. 1');
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
    const fits = solveL2LossSvcDual(X, index, problems, o.C, bias, o.tol, o.maxIter, o.seed);
    fits.forEach((r, p) => {
      coef.data.set(r.w.subarray(0, X.cols), p * X.cols);
      intercept[p] = o.fitIntercept ? r.w[X.cols] * bias : 0;
    });
    this.iterations = fits.map((r) => r.iterations);
    this.converged = fits.map((r) => r.converged);
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
