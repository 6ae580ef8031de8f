/**
 * Composite challenge scores (reference: docs/corpora.md §5).
 * - ABAW MTL: P_MTL = P_VA + P_EXPR + P_AU with P_VA = (CCC_V + CCC_A)/2, P_EXPR = macro-F1 over the 8
 *   ABAW expressions, P_AU = mean over the AUs of binary F1 with score ≥ threshold (0.5) as positive
 *   (F1 = 0 when an AU is neither present nor predicted, as sklearn zero_division=0).
 * - LSD: macro-F1 over its 6 classes.
 * Both are resample statistics, so they get bootstrap CIs like any other metric.
 */
import { bootstrap, type BootstrapOptions, type MetricEstimate } from './bootstrap.js';
import { confusionStatistic } from './classification.js';
import { confusionMatrix } from './confusion.js';
import { regressionStatistic } from './regression.js';
import { concatStatistics, prefixStatistic, withDerived, type ResampleStatistic } from './statistic.js';
import { BenchError } from '../../errors.js';
import { checkLength, checkNonEmpty } from './validate.js';

/** ABAW expression classes in the challenge's index order (Aff-Wild2 EXPR files). */
export const ABAW_EXPR_CLASSES = ['neutral', 'anger', 'disgust', 'fear', 'happiness', 'sadness', 'surprise', 'other'] as const;
/** The 12 Aff-Wild2 action units in the challenge's column order. */
export const ABAW_AUS = ['AU1', 'AU2', 'AU4', 'AU6', 'AU7', 'AU10', 'AU12', 'AU15', 'AU23', 'AU24', 'AU25', 'AU26'] as const;
/** ABAW4 LSD classes. */
export const LSD_CLASSES = ['anger', 'disgust', 'fear', 'happiness', 'sadness', 'surprise'] as const;

export interface AuInput {
  /** Ground truth per item: one 0/1 per AU. */
  truth: ReadonlyArray<ArrayLike<number>>;
  /** Scores per item: one probability per AU, positive when ≥ threshold. */
  scores: ReadonlyArray<ArrayLike<number>>;
  /** AU names (column order). Default ABAW_AUS. */
  names?: readonly string[];
}

function flattenRows(rows: ReadonlyArray<ArrayLike<number>>, width: number, what: string): Float64Array {
  const flat = new Float64Array(rows.length * width);
  rows.forEach((row, i) => {
    if (row.length !== width) {
      throw new BenchError('BAD_INPUT', `${what}[${i}] has ${row.length} values but there are ${width} AUs`, { fix: 'give one value per AU for every item' });
    }
    for (let a = 0; a < width; a++) flat[i * width + a] = row[a];
  });
  return flat;
}

function checkCells(flat: Float64Array, width: number, what: string, ok: (v: number) => boolean, problem: string, fix: string): void {
  const j = flat.findIndex((v) => !ok(v));
  if (j >= 0) {
    throw new BenchError('BAD_INPUT', `${what}[${Math.floor(j / width)}][${j % width}] = ${flat[j]} ${problem}`, { fix });
  }
}

/** Binary F1 per AU (names `f1/<AU>`) and their mean (`pAU`). */
export function auF1Statistic(input: AuInput, threshold = 0.5): ResampleStatistic {
  const names = input.names ?? ABAW_AUS;
  const width = names.length;
  const n = checkNonEmpty(input.truth.length, 'AU truth');
  checkLength(input.scores, n, 'AU scores', 'AU truth');
  const truth = flattenRows(input.truth, width, 'AU truth');
  const scores = flattenRows(input.scores, width, 'AU scores');
  checkCells(truth, width, 'AU truth', (v) => v === 0 || v === 1, 'is not 0 or 1', 'binarise the AU ground truth');
  checkCells(scores, width, 'AU scores', Number.isFinite, 'is not a finite number', 'drop or repair that item');
  // Per item and AU: 0 = TN, 1 = FP, 2 = FN, 3 = TP.
  const cell = new Uint8Array(n * width);
  for (let j = 0; j < cell.length; j++) cell[j] = truth[j] * 2 + (scores[j] >= threshold ? 1 : 0);
  const counts = new Float64Array(width * 4);
  return {
    names: ['pAU', ...names.map((a) => `f1/${a}`)],
    compute: (indices, length, out, offset) => {
      counts.fill(0);
      for (let j = 0; j < length; j++) {
        const base = indices[j] * width;
        for (let a = 0; a < width; a++) counts[a * 4 + cell[base + a]]++;
      }
      let sum = 0;
      for (let a = 0; a < width; a++) {
        const fp = counts[a * 4 + 1];
        const fn = counts[a * 4 + 2];
        const tp = counts[a * 4 + 3];
        const denom = 2 * tp + fp + fn;
        const f1 = denom > 0 ? (2 * tp) / denom : 0;
        out[offset + 1 + a] = f1;
        sum += f1;
      }
      out[offset] = sum / width;
    },
  };
}

export interface MtlInput {
  valence: { pred: ArrayLike<number>; truth: ArrayLike<number> };
  arousal: { pred: ArrayLike<number>; truth: ArrayLike<number> };
  /** Expression labels and predictions as indices into ABAW_EXPR_CLASSES. */
  expression: { labels: ArrayLike<number>; preds: ArrayLike<number> };
  au: AuInput;
}

export interface MtlOptions extends BootstrapOptions {
  /** AU score threshold for a positive. Default 0.5. */
  threshold?: number;
}

/**
 * ABAW multi-task score. Values: `mtl`, `pVA`, `pEXPR`, `pAU`, then every component prefixed
 * `valence.`, `arousal.`, `expr.`, `au.` (e.g. `valence.ccc`, `expr.f1/anger`, `au.f1/AU12`).
 * All inputs describe the same N items, in the same order.
 */
export function abawMtlScore(input: MtlInput, options: MtlOptions = {}): Record<string, MetricEstimate> {
  const n = input.expression.labels.length;
  confusionMatrix(input.expression.labels, input.expression.preds, ABAW_EXPR_CLASSES.length);
  checkLength(input.valence.truth, n, 'valence truth', 'expression labels');
  checkLength(input.arousal.truth, n, 'arousal truth', 'expression labels');
  checkLength(input.au.truth, n, 'AU truth', 'expression labels');
  const parts = concatStatistics([
    regressionStatistic(input.valence.pred, input.valence.truth, 'valence.', 'valence'),
    regressionStatistic(input.arousal.pred, input.arousal.truth, 'arousal.', 'arousal'),
    prefixStatistic(confusionStatistic(input.expression.labels, input.expression.preds, ABAW_EXPR_CLASSES), 'expr.'),
    prefixStatistic(auF1Statistic(input.au, options.threshold ?? 0.5), 'au.'),
  ]);
  const iV = parts.names.indexOf('valence.ccc');
  const iA = parts.names.indexOf('arousal.ccc');
  const iE = parts.names.indexOf('expr.macroF1');
  const iU = parts.names.indexOf('au.pAU');
  const mtl = withDerived(parts, ['mtl', 'pVA', 'pEXPR', 'pAU'], (v, out, offset) => {
    const pVA = (v[iV] + v[iA]) / 2;
    out[offset] = pVA + v[iE] + v[iU];
    out[offset + 1] = pVA;
    out[offset + 2] = v[iE];
    out[offset + 3] = v[iU];
  });
  return bootstrap(mtl, n, options);
}

/**
 * LSD score: macro-F1 over the 6 LSD classes (labels and predictions as indices into LSD_CLASSES).
 * Returns `lsd` plus every classification metric of the 6-class confusion matrix.
 */
export function lsdScore(labels: ArrayLike<number>, preds: ArrayLike<number>, options: BootstrapOptions = {}): Record<string, MetricEstimate> {
  confusionMatrix(labels, preds, LSD_CLASSES.length);
  const base = confusionStatistic(labels, preds, LSD_CLASSES);
  const iF = base.names.indexOf('macroF1');
  const lsd = withDerived(base, ['lsd'], (v, out, offset) => {
    out[offset] = v[iF];
  });
  return bootstrap(lsd, labels.length, options);
}
