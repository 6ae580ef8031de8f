/**
 * Comparing two models on the same items: McNemar's test on their correct/incorrect pairs, and the
 * paired bootstrap CI of the difference in any metric (both models scored on the same resampled items).
 */
import { confusionStatistic } from './classification.js';
import { confusionMatrix } from './confusion.js';
import { bootstrap, type BootstrapOptions, type MetricEstimate } from './bootstrap.js';
import { binomialHalfCdf, chiSquare1Sf } from './special.js';
import { differenceStatistic, type ResampleStatistic } from './statistic.js';
import { checkLength } from './validate.js';

export interface McNemarOptions {
  /** Use the exact binomial test when b + c is below this, else chi-square with continuity correction. Default 25. */
  exactBelow?: number;
}

export interface McNemarResult {
  /** Items model A got right and model B got wrong. */
  b: number;
  /** Items model A got wrong and model B got right. */
  c: number;
  test: 'exact-binomial' | 'chi-square-cc';
  /** min(b, c) for the exact test (as statsmodels); (|b − c| − 1)² / (b + c) for chi-square. */
  statistic: number;
  /** Two-sided p-value. */
  pValue: number;
}

/**
 * McNemar's test from per-item correctness of two models on the same items.
 * Exact: p = min(1, 2·P(X ≤ min(b,c))), X ~ Bin(b+c, 1/2). Chi-square: p = P(χ²₁ > (|b−c|−1)²/(b+c)).
 * With no discordant pairs (b = c = 0) the exact test gives p = 1.
 */
export function mcnemar(correctA: ArrayLike<boolean | number>, correctB: ArrayLike<boolean | number>, options: McNemarOptions = {}): McNemarResult {
  checkLength(correctB, correctA.length, 'correctB', 'correctA');
  const exactBelow = options.exactBelow ?? 25;
  let b = 0;
  let c = 0;
  for (let i = 0; i < correctA.length; i++) {
    const a = Boolean(correctA[i]);
    const bb = Boolean(correctB[i]);
    if (a && !bb) b++;
    else if (!a && bb) c++;
  }
  const n = b + c;
  if (n < exactBelow) {
    const m = Math.min(b, c);
    return { b, c, test: 'exact-binomial', statistic: m, pValue: Math.min(1, 2 * binomialHalfCdf(m, n)) };
  }
  const statistic = (Math.abs(b - c) - 1) ** 2 / n;
  return { b, c, test: 'chi-square-cc', statistic, pValue: chiSquare1Sf(statistic) };
}

/** Paired bootstrap of a − b for every value name the two statistics share, over the same `n` items. */
export function pairedBootstrap(a: ResampleStatistic, b: ResampleStatistic, n: number, options: BootstrapOptions = {}): Record<string, MetricEstimate> {
  return bootstrap(differenceStatistic(a, b), n, options);
}

export interface ClassifierComparisonInput {
  /** True class index of each item. */
  labels: ArrayLike<number>;
  predsA: ArrayLike<number>;
  predsB: ArrayLike<number>;
  classes: readonly string[];
}

export interface ClassifierComparison {
  mcnemar: McNemarResult;
  /** Metric of A minus metric of B (accuracy, macroF1, …, per class), with paired bootstrap CIs. */
  difference: Record<string, MetricEstimate>;
}

/** McNemar's test and paired-bootstrap differences of every classification metric, A − B. */
export function compareClassifiers(input: ClassifierComparisonInput, options: BootstrapOptions & McNemarOptions = {}): ClassifierComparison {
  const { labels, predsA, predsB, classes } = input;
  // Validates lengths and indices of both prediction sets.
  confusionMatrix(labels, predsA, classes.length);
  confusionMatrix(labels, predsB, classes.length);
  const n = labels.length;
  const correctA = new Uint8Array(n);
  const correctB = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    correctA[i] = predsA[i] === labels[i] ? 1 : 0;
    correctB[i] = predsB[i] === labels[i] ? 1 : 0;
  }
  return {
    mcnemar: mcnemar(correctA, correctB, options),
    difference: pairedBootstrap(confusionStatistic(labels, predsA, classes), confusionStatistic(labels, predsB, classes), n, options),
  };
}
