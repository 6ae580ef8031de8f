/**
 * Scores one model's classification predictions into a MetricsReport: the confusion matrix, every
 * metric (accuracy, macro/weighted F1, UAR, top-k, per-class precision/recall/F1) and, when resamples
 * > 0, a seeded percentile bootstrap CI on each. The report's `metrics` and `confusion` have the shapes
 * of a RunRecord's, so run records and `bench score` share this code.
 */
import { BenchError } from '../../errors.js';
import { bootstrap, BOOTSTRAP_DEFAULTS, type BootstrapOptions, type MetricEstimate } from './bootstrap.js';
import { confusionStatistic } from './classification.js';
import { confusionMatrix, toRows } from './confusion.js';
import { argmaxRows, flattenScores, type ScoreInput } from './scores.js';
import { concatStatistics, meanStatistic, type ResampleStatistic } from './statistic.js';
import { hitsFromRanks, trueClassRanks } from './topk.js';
import { checkLength } from './validate.js';

export interface ClassificationInput {
  /** True class of each item, as an index into `classes`. */
  labels: ArrayLike<number>;
  /** Predicted class of each item (index into `classes`); when absent, the argmax of `scores`. */
  preds?: ArrayLike<number>;
  /** Per-item scores in `classes` order; enables top-k accuracy. */
  scores?: ScoreInput;
  /** Group (clip, video, actor) of each item, for the group bootstrap. */
  groups?: ArrayLike<string | number>;
  /** The K class names, in index order (explicit, so classes never seen still count). */
  classes: readonly string[];
}

export interface ScoreOptions extends Omit<BootstrapOptions, 'groups'> {
  /** Resample whole groups instead of items (needs `groups`). Default false. */
  groupCi?: boolean;
  /** k values for top-k accuracy (needs scores); k ≥ K is skipped (always 1). Default [2, 3]. */
  topK?: readonly number[];
}

export interface MetricsReport {
  kind: 'classification';
  classes: string[];
  /** Items scored. */
  n: number;
  /** Items per true class. */
  support: number[];
  /** confusion[true][pred]. */
  confusion: number[][];
  /**
   * accuracy, macroF1 (mean over all K classes), weightedF1, uar, top<k>Accuracy, then
   * precision/<class>, recall/<class>, f1/<class>.
   */
  metrics: Record<string, MetricEstimate>;
  /** How the intervals were made, or null when resamples = 0. */
  ci: { resamples: number; level: number; seed: number; unit: 'item' | 'group'; groups: number | null } | null;
}

/** Every classification metric of one model's predictions, with bootstrap CIs. */
export function scoreClassification(input: ClassificationInput, options: ScoreOptions = {}): MetricsReport {
  const classes = [...input.classes];
  const k = classes.length;
  const n = input.labels.length;
  const flat = input.scores === undefined ? undefined : flattenScores(input.scores, n, k);
  let preds = input.preds;
  if (preds === undefined) {
    if (flat === undefined) throw new BenchError('BAD_INPUT', 'neither predictions nor scores were given', { fix: 'pass preds, scores, or both' });
    preds = argmaxRows(flat, k);
  }
  const cm = confusionMatrix(input.labels, preds, k); // validates labels, preds, n ≥ 1

  const parts: ResampleStatistic[] = [confusionStatistic(input.labels, preds, classes)];
  if (flat !== undefined) {
    const ranks = trueClassRanks(flat, input.labels, k);
    for (const t of options.topK ?? [2, 3]) {
      if (t < k) parts.push(meanStatistic(`top${t}Accuracy`, hitsFromRanks(ranks, t)));
    }
  }

  if (options.groupCi && input.groups === undefined) {
    throw new BenchError('BAD_INPUT', 'group confidence intervals were asked for but no groups were given', {
      fix: 'give each item a group (clip, video or actor), or resample items',
    });
  }
  let groupCount: number | null = null;
  if (input.groups !== undefined) {
    checkLength(input.groups, n, 'groups', 'labels');
    groupCount = new Set(Array.from(input.groups)).size;
  }
  const resamples = options.resamples ?? BOOTSTRAP_DEFAULTS.resamples;
  const metrics = bootstrap(parts.length === 1 ? parts[0] : concatStatistics(parts), n, {
    resamples,
    level: options.level,
    seed: options.seed,
    groups: options.groupCi ? input.groups : undefined,
  });

  const confusion = toRows(cm);
  return {
    kind: 'classification',
    classes,
    n,
    support: confusion.map((row) => row.reduce((a, b) => a + b, 0)),
    confusion,
    metrics,
    ci:
      resamples > 0
        ? {
            resamples,
            level: options.level ?? BOOTSTRAP_DEFAULTS.level,
            seed: options.seed ?? BOOTSTRAP_DEFAULTS.seed,
            unit: options.groupCi ? 'group' : 'item',
            groups: groupCount,
          }
        : null,
  };
}
