/**
 * scikit-learn's `SVC` (C-SVC, one-vs-one) on libsvm-js, the classifier of HSEmotion's VGAF protocol
 * (`SVC(kernel='rbf', C=1.9)`). libsvm trains; prediction and decision values are computed here, in
 * float64, from the model's support vectors, coefficients and rho, exactly as libsvm's
 * svm_predict_values does (so the wasm heap holds nothing after fit).
 *
 * Two things make libsvm give scikit-learn's model:
 * - sklearn's bundled libsvm orders the classes by sorted label; stock libsvm by first appearance.
 *   The training rows are therefore passed stably sorted by class.
 * - gamma='scale' (sklearn's default) is 1 / (d · X.var()); libsvm-js's own default is 1/d. The
 *   value is computed here and passed explicitly.
 *
 * Limits (libsvm-js 0.2.1): the wasm heap grows to at most 2 GB and libsvm stores each value as a
 * 16-byte node, so n·d must stay well under ~100M (n=2,700 × d=5,632 takes ~540 MB and ~100 s, see
 * benchmarks/learn-loco.ts). Training is O(n²·d) kernel work; the kernel cache is `cacheSizeMb`.
 */
import { type Classifier, type ClassifierRecord, notFitted, trainingSetId, type TrainingSetId } from './classifier.js';
import { encodeLabels, type Label } from './labels.js';
import { type Libsvm, type LibsvmModelNumbers, loadLibsvm, readModel } from './libsvm.js';
import { badInput, checkPositive, type Matrix, type MatrixInput, rowOf, takeRows, toMatrix, zeros } from './matrix.js';

export type SvcKernel = 'rbf' | 'linear';

export interface SvcOptions {
  /** Default 'rbf'. */
  kernel?: SvcKernel;
  /** Default 1 (sklearn's); HSEmotion's VGAF protocol uses 1.9. */
  C?: number;
  /** 'scale' = 1/(d·X.var()) (default, as sklearn), 'auto' = 1/d, or a number. RBF only. */
  gamma?: 'scale' | 'auto' | number;
  /** libsvm's stopping tolerance. Default 1e-3. */
  tol?: number;
  /** libsvm's kernel cache in MB. Default 200 (sklearn's). */
  cacheSizeMb?: number;
  /** libsvm's shrinking heuristic. Default true. */
  shrinking?: boolean;
  /** Columns of decisionFunction for > 2 classes: 'ovr' (default, as sklearn) or 'ovo'. */
  decisionFunctionShape?: 'ovr' | 'ovo';
}

const DEFAULTS: Required<SvcOptions> = { kernel: 'rbf', C: 1, gamma: 'scale', tol: 1e-3, cacheSizeMb: 200, shrinking: true, decisionFunctionShape: 'ovr' };

export class SVC<L extends Label = Label> implements Classifier<L> {
  readonly options: Readonly<Required<SvcOptions>>;
  classes: readonly L[] = [];
  /** Indices of the support vectors in the training rows, grouped by class (sklearn's support_). */
  support: number[] = [];
  /** Support vectors per class (sklearn's n_support_). */
  nSupport: number[] = [];
  /** The gamma used (sklearn's _gamma). */
  gamma = NaN;
  private sv: Matrix = zeros(0, 0);
  private model?: LibsvmModelNumbers;
  private trainingSet?: TrainingSetId;

  /** Loads libsvm's wasm build (once per process) and returns an unfitted SVC. */
  static async create<L extends Label = Label>(options: SvcOptions = {}): Promise<SVC<L>> {
    return new SVC<L>(await loadLibsvm(), options);
  }

  private constructor(private readonly lib: Libsvm, options: SvcOptions) {
    const o = { ...DEFAULTS, ...options };
    if (o.kernel !== 'rbf' && o.kernel !== 'linear') throw badInput(`SVC: kernel must be 'rbf' or 'linear', got ${JSON.stringify(o.kernel)}`, "pass kernel: 'rbf' or 'linear'");
    checkPositive('SVC', 'C', o.C, 'pass a positive C (HSEmotion uses 1.9)');
    if (typeof o.gamma === 'number' ? !(o.gamma > 0) : o.gamma !== 'scale' && o.gamma !== 'auto') {
      throw badInput(`SVC: gamma must be 'scale', 'auto' or a number > 0, got ${JSON.stringify(o.gamma)}`, "leave gamma at 'scale' (sklearn's default)");
    }
    checkPositive('SVC', 'tol', o.tol, 'leave it at 1e-3');
    checkPositive('SVC', 'cacheSizeMb', o.cacheSizeMb, 'leave it at 200');
    this.options = o;
  }

  fit(Xin: MatrixInput, y: readonly L[]): this {
    const X = toMatrix(Xin, 'X');
    const { classes, index } = encodeLabels(y, X.rows);
    // Stable sort by class index: libsvm then numbers the classes as sklearn does.
    const order = Array.from({ length: X.rows }, (_, i) => i).sort((a, b) => index[a] - index[b] || a - b);
    const sorted = takeRows(X, order);
    const gamma = this.resolveGamma(X);
    const { SVM } = this.lib;
    const svm = new SVM({
      type: SVM.SVM_TYPES.C_SVC,
      kernel: this.options.kernel === 'rbf' ? SVM.KERNEL_TYPES.RBF : SVM.KERNEL_TYPES.LINEAR,
      cost: this.options.C,
      gamma,
      tolerance: this.options.tol,
      cacheSize: this.options.cacheSizeMb,
      shrinking: this.options.shrinking,
      quiet: true,
    });
    try {
      const samples = Array.from({ length: sorted.rows }, (_, i) => rowOf(sorted, i));
      svm.train(samples, order.map((i) => index[i]));
      const model = readModel(this.lib, svm);
      if (model.nrClass !== classes.length || model.labels.some((lab, k) => lab !== k)) {
        throw new Error(`SVC: libsvm numbered the classes ${model.labels.join(',')}, expected 0..${classes.length - 1}`);
      }
      this.model = model;
      this.sv = takeRows(sorted, model.svIndices);
      this.support = model.svIndices.map((i) => order[i]);
      this.nSupport = model.nSV;
    } finally {
      svm.free(); // libsvm's memory lives in the wasm heap and is never garbage-collected
    }
    this.classes = classes;
    this.gamma = gamma;
    this.trainingSet = trainingSetId(X, y);
    return this;
  }

  /** sklearn's gamma: 'scale' → 1/(d·var(X)) (1 when X is constant), 'auto' → 1/d. */
  private resolveGamma(X: Matrix): number {
    const g = this.options.gamma;
    if (typeof g === 'number') return g;
    if (g === 'auto') return 1 / X.cols;
    let mean = 0;
    for (let k = 0; k < X.data.length; k++) mean += X.data[k];
    mean /= X.data.length;
    let v = 0;
    for (let k = 0; k < X.data.length; k++) v += (X.data[k] - mean) ** 2;
    v /= X.data.length;
    return v === 0 ? 1 : 1 / (X.cols * v);
  }

  /** libsvm's pairwise decision values (class pairs (0,1), (0,2), …), one row per input row. */
  decisionOvo(Xin: MatrixInput): Matrix {
    const model = this.model;
    if (!model) throw notFitted('SVC');
    const X = toMatrix(Xin, 'X', this.sv.cols);
    const k = model.nrClass;
    const pairs = (k * (k - 1)) / 2;
    const out = zeros(X.rows, pairs);
    const start: number[] = [0];
    for (let c = 1; c < k; c++) start.push(start[c - 1] + model.nSV[c - 1]);
    const kv = new Float64Array(model.l);
    const d = X.cols;
    const rbf = this.options.kernel === 'rbf';
    for (let i = 0; i < X.rows; i++) {
      const xo = i * d;
      for (let s = 0; s < model.l; s++) {
        let acc = 0;
        const so = s * d;
        if (rbf) {
          for (let j = 0; j < d; j++) {
            const diff = X.data[xo + j] - this.sv.data[so + j];
            acc += diff * diff;
          }
          kv[s] = Math.exp(-this.gamma * acc);
        } else {
          for (let j = 0; j < d; j++) acc += X.data[xo + j] * this.sv.data[so + j];
          kv[s] = acc;
        }
      }
      let p = 0;
      for (let a = 0; a < k; a++) {
        for (let b = a + 1; b < k; b++, p++) {
          let sum = 0;
          const ca = model.svCoef[b - 1];
          const cb = model.svCoef[a];
          for (let s = start[a]; s < start[a] + model.nSV[a]; s++) sum += ca[s] * kv[s];
          for (let s = start[b]; s < start[b] + model.nSV[b]; s++) sum += cb[s] * kv[s];
          out.data[i * pairs + p] = sum - model.rho[p];
        }
      }
    }
    return out;
  }

  /**
   * sklearn's decision_function: two classes → one column, positive = classes[1] (libsvm's sign
   * flipped); more → 'ovo' pairs, or 'ovr' = votes plus the confidences squashed into (−1/3, 1/3),
   * as sklearn's _ovr_decision_function.
   */
  decisionFunction(Xin: MatrixInput): Matrix {
    const ovo = this.decisionOvo(Xin);
    const k = this.classes.length;
    if (k === 2) return { rows: ovo.rows, cols: 1, data: ovo.data.map((v) => -v) };
    if (this.options.decisionFunctionShape === 'ovo') return ovo;
    const out = zeros(ovo.rows, k);
    const conf = new Float64Array(k);
    for (let i = 0; i < ovo.rows; i++) {
      conf.fill(0);
      let p = 0;
      for (let a = 0; a < k; a++) {
        for (let b = a + 1; b < k; b++, p++) {
          const v = ovo.data[i * ovo.cols + p];
          conf[a] += v;
          conf[b] -= v;
          out.data[i * k + (v < 0 ? b : a)] += 1;
        }
      }
      for (let c = 0; c < k; c++) out.data[i * k + c] += conf[c] / (3 * (Math.abs(conf[c]) + 1));
    }
    return out;
  }

  /** libsvm's vote: pair (a, b) votes a when its value is > 0; most votes wins, the lowest class on ties. */
  predict(Xin: MatrixInput): L[] {
    const ovo = this.decisionOvo(Xin);
    const k = this.classes.length;
    const votes = new Int32Array(k);
    const out: L[] = new Array(ovo.rows);
    for (let i = 0; i < ovo.rows; i++) {
      votes.fill(0);
      let p = 0;
      for (let a = 0; a < k; a++) for (let b = a + 1; b < k; b++, p++) votes[ovo.data[i * ovo.cols + p] > 0 ? a : b]++;
      let best = 0;
      for (let c = 1; c < k; c++) if (votes[c] > votes[best]) best = c;
      out[i] = this.classes[best];
    }
    return out;
  }

  toJSON(): ClassifierRecord {
    if (!this.trainingSet || !this.model) throw notFitted('SVC');
    return {
      estimator: 'SVC',
      settings: { ...this.options, gammaValue: this.gamma, engine: 'libsvm-js 0.2.1 (libsvm 3.22, wasm)', classOrder: 'sorted (training rows stably sorted by class)' },
      classes: [...this.classes],
      trainingSet: this.trainingSet,
      fit: { nSupport: this.nSupport, rho: Array.from(this.model.rho) },
    };
  }
}
