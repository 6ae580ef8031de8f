/**
 * Regression metrics for valence/arousal, from running moments:
 * - CCC (Lin) = 2·s_xy / (s_x² + s_y² + (x̄ − ȳ)²) with POPULATION moments (1/N), as ABAW defines it;
 * - Pearson r = s_xy / (s_x·s_y);
 * - RMSE = √(mean (x − y)²);
 * - SAGR = fraction of items where sign(x) = sign(y), with sign(0) = 0 (as numpy.sign).
 * CCC and Pearson are NaN when undefined (a constant series; for CCC both constant and equal).
 * All four are symmetric in (pred, truth).
 *
 * Moments are accumulated on values shifted by the full-sample means, so the one-pass sums are as
 * accurate as a two-pass computation on the full sample and stay accurate on bootstrap resamples.
 */
import type { ResampleStatistic } from './statistic.js';
import { pointEstimate } from './statistic.js';
import { checkFinite, checkLength, checkNonEmpty } from './validate.js';

export const REGRESSION_METRICS = ['ccc', 'pearson', 'rmse', 'sagr'] as const;
export type RegressionMetric = (typeof REGRESSION_METRICS)[number];
export type RegressionSummary = Record<RegressionMetric, number>;

/** Relative size below which a variance is rounding noise of a constant series. */
const VARIANCE_EPS = 1e-14;

function mean(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  return s / v.length;
}

function checkPair(pred: ArrayLike<number>, truth: ArrayLike<number>, what: string): void {
  checkNonEmpty(truth.length, `${what} truth`);
  checkLength(pred, truth.length, `${what} predictions`, `${what} truth`);
  checkFinite(pred, `${what} predictions`);
  checkFinite(truth, `${what} truth`);
}

/**
 * CCC, Pearson, RMSE and SAGR of `pred` against `truth` as a resample statistic. Value names are
 * `${prefix}ccc` etc. Inputs are validated (same length, finite, non-empty).
 */
export function regressionStatistic(pred: ArrayLike<number>, truth: ArrayLike<number>, prefix = '', what = 'regression'): ResampleStatistic {
  checkPair(pred, truth, what);
  // Typed copies only when needed; the resample loop reads them directly.
  const x = pred instanceof Float64Array ? pred : Float64Array.from(pred);
  const y = truth instanceof Float64Array ? truth : Float64Array.from(truth);
  const cx = mean(x);
  const cy = mean(y);
  return {
    names: REGRESSION_METRICS.map((m) => prefix + m),
    compute: (indices, length, out, offset) => {
      let sx = 0;
      let sy = 0;
      let sxx = 0;
      let syy = 0;
      let sxy = 0;
      let sse = 0;
      let sagree = 0;
      for (let j = 0; j < length; j++) {
        const i = indices[j];
        const p = x[i];
        const t = y[i];
        const a = p - cx;
        const b = t - cy;
        const e = p - t;
        sx += a;
        sy += b;
        sxx += a * a;
        syy += b * b;
        sxy += a * b;
        sse += e * e;
        // sign(p) === sign(t), branch-free
        sagree += +(+(p > 0) - +(p < 0) === +(t > 0) - +(t < 0));
      }
      const mx = sx / length;
      const my = sy / length;
      let vx = sxx / length - mx * mx;
      let vy = syy / length - my * my;
      if (vx <= VARIANCE_EPS * (sxx / length)) vx = 0;
      if (vy <= VARIANCE_EPS * (syy / length)) vy = 0;
      const cov = sxy / length - mx * my;
      const meanDiff = cx + mx - (cy + my);
      const denom = vx + vy + meanDiff * meanDiff;
      out[offset] = denom > 0 ? (2 * cov) / denom : NaN;
      out[offset + 1] = vx > 0 && vy > 0 ? cov / Math.sqrt(vx * vy) : NaN;
      out[offset + 2] = Math.sqrt(sse / length);
      out[offset + 3] = sagree / length;
    },
  };
}

/** CCC, Pearson r, RMSE and SAGR of `pred` against `truth`. */
export function regressionMetrics(pred: ArrayLike<number>, truth: ArrayLike<number>): RegressionSummary {
  return pointEstimate(regressionStatistic(pred, truth), truth.length) as RegressionSummary;
}

/** Lin's concordance correlation coefficient (population moments). */
export function ccc(pred: ArrayLike<number>, truth: ArrayLike<number>): number {
  return regressionMetrics(pred, truth).ccc;
}
