/**
 * scikit-learn's StandardScaler: per feature, subtract the training mean and divide by the training
 * standard deviation (population, ddof=0). A constant feature gets scale 1, as sklearn 1.2 does
 * (`_is_constant_feature`: a variance within rounding error of 0 counts as 0), so it maps to 0
 * instead of NaN or rounding noise blown up.
 */
import { notFitted } from './classifier.js';
import { type Matrix, type MatrixInput, toMatrix } from './matrix.js';

export class StandardScaler {
  mean = new Float64Array(0);
  scale = new Float64Array(0);

  fit(Xin: MatrixInput): this {
    const X = toMatrix(Xin, 'X');
    const { rows: n, cols: d, data } = X;
    const mean = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += data[i * d + j];
    for (let j = 0; j < d; j++) mean[j] /= n;
    const v = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) {
        const c = data[i * d + j] - mean[j];
        v[j] += c * c;
      }
    }
    const scale = new Float64Array(d);
    const eps = 2.220446049250313e-16;
    for (let j = 0; j < d; j++) {
      const variance = v[j] / n;
      const roundingBound = n * eps * variance + (n * mean[j] * eps) ** 2;
      scale[j] = variance <= roundingBound ? 1 : Math.sqrt(variance);
    }
    this.mean = mean;
    this.scale = scale;
    return this;
  }

  transform(Xin: MatrixInput): Matrix {
    if (this.mean.length === 0) throw notFitted('StandardScaler');
    const X = toMatrix(Xin, 'X', this.mean.length);
    const d = X.cols;
    const out = new Float64Array(X.data.length);
    for (let i = 0; i < X.rows; i++) for (let j = 0; j < d; j++) out[i * d + j] = (X.data[i * d + j] - this.mean[j]) / this.scale[j];
    return { rows: X.rows, cols: d, data: out };
  }

  toJSON(): { mean: number[]; scale: number[] } {
    return { mean: Array.from(this.mean), scale: Array.from(this.scale) };
  }
}
