import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareClassifiers, mcnemar, pairedBootstrap } from '../../../src/bench/metrics/compare.js';
import { regressionStatistic } from '../../../src/bench/metrics/regression.js';
import { BenchError } from '../../../src/errors.js';

/** Correctness vectors with b items only A gets right, c only B gets right, and `both` right for both. */
function pairs(b: number, c: number, both = 0): [number[], number[]] {
  const a = [...Array(b).fill(1), ...Array(c).fill(0), ...Array(both).fill(1)];
  const bb = [...Array(b).fill(0), ...Array(c).fill(1), ...Array(both).fill(1)];
  return [a, bb];
}

test('McNemar exact binomial for few discordant pairs', () => {
  assert.deepEqual(mcnemar(...pairs(3, 0, 5)), { b: 3, c: 0, test: 'exact-binomial', statistic: 0, pValue: 0.25 });
  // b + c = 12: p = 2·(1 + 12 + 66)/2^12
  assert.deepEqual(mcnemar(...pairs(10, 2)), { b: 10, c: 2, test: 'exact-binomial', statistic: 2, pValue: 158 / 4096 });
  assert.deepEqual(mcnemar(...pairs(0, 0, 4)), { b: 0, c: 0, test: 'exact-binomial', statistic: 0, pValue: 1 });
  assert.equal(mcnemar(...pairs(12, 12)).pValue, 1); // capped at 1
});

test('McNemar chi-square with continuity correction from b + c = 25', () => {
  const r = mcnemar(...pairs(30, 10));
  assert.equal(r.test, 'chi-square-cc');
  assert.equal(r.statistic, 361 / 40); // (|30 − 10| − 1)² / 40
  assert.ok(Math.abs(r.pValue - 0.002663119259138558) / 0.002663119259138558 < 1e-12); // scipy chi2.sf(9.025, 1)
  assert.equal(mcnemar(...pairs(13, 12)).test, 'chi-square-cc');
  assert.equal(mcnemar(...pairs(13, 11)).test, 'exact-binomial');
  assert.equal(mcnemar(...pairs(13, 12), { exactBelow: 100 }).test, 'exact-binomial');
});

test('paired bootstrap: identical models differ by exactly 0; a perfect vs a useless model by 1', () => {
  const labels = [0, 1, 2, 0, 1, 2, 0, 1];
  const preds = [0, 1, 2, 1, 1, 0, 0, 2];
  const classes = ['a', 'b', 'c'];
  const same = compareClassifiers({ labels, predsA: preds, predsB: preds, classes }, { resamples: 300, seed: 2 });
  assert.deepEqual(same.difference.accuracy, { value: 0, ci: { low: 0, high: 0, level: 0.95, resamples: 300, seed: 2, unit: 'item' } });
  assert.equal(same.mcnemar.pValue, 1);

  const wrong = labels.map((l) => (l + 1) % 3);
  const r = compareClassifiers({ labels, predsA: labels, predsB: wrong, classes }, { resamples: 300, seed: 2 });
  assert.equal(r.difference.accuracy.value, 1);
  assert.deepEqual([r.difference.accuracy.ci!.low, r.difference.accuracy.ci!.high], [1, 1]);
  assert.equal(r.difference.macroF1.value, 1);
  assert.deepEqual([r.mcnemar.b, r.mcnemar.c], [8, 0]);
  assert.equal(r.mcnemar.pValue, 2 / 256);
  assert.ok('f1/b' in r.difference);
});

test('paired bootstrap works for any statistic (here CCC of two regressors)', () => {
  const truth = [0.1, 0.5, -0.3, 0.8, -0.6, 0.2];
  const a = regressionStatistic(truth, truth);
  const b = regressionStatistic(truth.map((t) => t + 0.5), truth);
  const d = pairedBootstrap(a, b, truth.length, { resamples: 200, seed: 5 });
  assert.deepEqual(Object.keys(d), ['ccc', 'pearson', 'rmse', 'sagr']);
  assert.ok(Math.abs(d.rmse.value - -0.5) < 1e-15);
  assert.ok(Math.abs(d.pearson.value) < 1e-15);
  assert.ok(d.ccc.value > 0 && d.ccc.ci!.low > 0);
});

test('comparison inputs are checked', () => {
  assert.throws(() => mcnemar([1, 0], [1]), (e) => e instanceof BenchError && /correctB has 1 items but correctA has 2/.test(e.message));
  assert.throws(
    () => compareClassifiers({ labels: [0, 1], predsA: [0, 1], predsB: [0, 3], classes: ['a', 'b'] }),
    (e) => e instanceof BenchError && /preds\[1\] = 3/.test(e.message),
  );
});
