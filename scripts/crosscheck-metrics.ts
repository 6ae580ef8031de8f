/**
 * Compares src/bench/metrics with the reference values written by scripts/crosscheck-metrics.py
 * (scikit-learn, scipy, numpy) and prints the largest absolute difference per metric. Development only.
 *   /usr/bin/python3 scripts/crosscheck-metrics.py > /tmp/xcheck.json
 *   node --import tsx scripts/crosscheck-metrics.ts /tmp/xcheck.json
 */
import { readFileSync } from 'node:fs';
import {
  auF1Statistic,
  classificationMetrics,
  confusionMatrix,
  flattenScores,
  mcnemar,
  pointEstimate,
  quantileSorted,
  regressionMetrics,
  topKAccuracy,
} from '../src/bench/metrics/index.js';

const TOLERANCE = 1e-12;
const cases = JSON.parse(readFileSync(process.argv[2] ?? '/tmp/xcheck.json', 'utf8'));
const worst = new Map<string, number>();
let checked = 0;
function check(name: string, got: number, want: number | null): void {
  checked++;
  const d = want === null ? (Number.isNaN(got) ? 0 : Infinity) : Math.abs(got - want) / Math.max(1, Math.abs(want));
  worst.set(name, Math.max(worst.get(name) ?? 0, d));
}

for (const c of cases.classification) {
  const m = classificationMetrics(confusionMatrix(c.labels, c.preds, c.k));
  for (const key of ['accuracy', 'macroF1', 'weightedF1', 'uar'] as const) check(key, m[key], c[key]);
  for (const key of ['precision', 'recall', 'f1', 'support'] as const) (c[key] as number[]).forEach((v, j) => check(key, m[key][j], v));
  const flat = flattenScores(c.scores, c.labels.length, c.k);
  for (const [k, v] of Object.entries(c.topk)) check('topK', topKAccuracy(flat, c.labels, c.k, Number(k)), v as number);
}
for (const c of cases.regression) {
  const m = regressionMetrics(c.pred, c.truth);
  check('ccc', m.ccc, c.ccc);
  check('pearson', m.pearson, c.pearson);
  check('rmse', m.rmse, c.rmse);
  check('sagr', m.sagr, c.sagr);
}
for (const c of cases.mcnemar) {
  const a = Array<number>(c.b + c.c).fill(0);
  const b = Array<number>(c.b + c.c).fill(0);
  for (let i = 0; i < c.b; i++) a[i] = 1;
  for (let i = c.b; i < c.b + c.c; i++) b[i] = 1;
  const exact = mcnemar(a, b, { exactBelow: Infinity });
  check('mcnemar.exactP', exact.pValue, c.exactP);
  if (c.chiStat !== null) {
    const chi = mcnemar(a, b, { exactBelow: 0 });
    check('mcnemar.chiStat', chi.statistic, c.chiStat);
    // relative difference: chi-square tails get very small
    checked++;
    const rel = Math.abs(chi.pValue - c.chiP) / Math.max(c.chiP, 1e-300);
    worst.set('mcnemar.chiP (relative)', Math.max(worst.get('mcnemar.chiP (relative)') ?? 0, c.chiP < 1e-290 ? 0 : rel));
  }
}
for (const c of cases.quantile) check('quantile', quantileSorted(Float64Array.from(c.values).sort(), c.q), c.expected);
for (const c of cases.au) {
  const names = c.truth[0].map((_: number, a: number) => `AU${a}`);
  const v = pointEstimate(auF1Statistic({ truth: c.truth, scores: c.scores, names }), c.truth.length);
  check('au.mean', v.pAU, c.mean);
  names.forEach((n: string, a: number) => check('au.f1', v[`f1/${n}`], c.f1[a]));
}

let failed = false;
for (const [name, d] of [...worst].sort()) {
  const ok = d <= TOLERANCE;
  failed ||= !ok;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name.padEnd(26)} max diff ${d.toExponential(2)}`);
}
console.log(`${checked} values checked against scikit-learn/scipy/numpy, tolerance ${TOLERANCE}`);
process.exitCode = failed ? 1 : 0;
