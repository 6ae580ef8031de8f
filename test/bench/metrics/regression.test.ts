import { test } from 'node:test';
import assert from 'node:assert/strict';
import { regressionMetrics } from '../../../src/bench/metrics/regression.js';
import { BenchError } from '../../../src/errors.js';

test('CCC with population moments, Pearson, RMSE, SAGR on a worked case', () => {
  // x̄ = 2.5, ȳ = 5, s_x² = 1.25, s_y² = 5, s_xy = 2.5 → CCC = 5 / (1.25 + 5 + 6.25) = 0.4
  const m = regressionMetrics([1, 2, 3, 4], [2, 4, 6, 8]);
  assert.equal(m.ccc, 0.4);
  assert.equal(m.pearson, 1);
  assert.equal(m.rmse, Math.sqrt(7.5));
  assert.equal(m.sagr, 1);
});

test('CCC penalises bias that Pearson ignores; identical series give 1', () => {
  const same = regressionMetrics([0.1, -0.4, 0.3], [0.1, -0.4, 0.3]);
  assert.equal(same.ccc, 1);
  assert.equal(same.rmse, 0);
  // shifted by 1: s_x² = s_y² = s_xy = 2/3 → CCC = (4/3) / (4/3 + 1) = 4/7
  const shifted = regressionMetrics([1, 2, 3], [0, 1, 2]);
  assert.ok(Math.abs(shifted.ccc - 4 / 7) < 1e-15);
  assert.ok(Math.abs(shifted.pearson - 1) < 1e-15);
  assert.equal(shifted.rmse, 1);
});

test('SAGR counts sign(0) as its own sign; one item', () => {
  assert.equal(regressionMetrics([-1, 0, 2], [-2, 1, 3]).sagr, 2 / 3);
  assert.equal(regressionMetrics([0, -0.5], [0, -0.1]).sagr, 1);
  const one = regressionMetrics([0.3], [0.5]);
  assert.ok(Math.abs(one.rmse - 0.2) < 1e-15);
  assert.ok(Number.isNaN(one.pearson));
  // constant and equal? no: means differ, so CCC = 0 / (0 + 0 + 0.04) = 0
  assert.equal(one.ccc, 0);
});

test('undefined correlations are NaN, not a number pretending to be one', () => {
  const c = regressionMetrics([1, 1], [0, 2]); // constant prediction
  assert.ok(Number.isNaN(c.pearson));
  assert.equal(c.ccc, 0);
  assert.ok(Number.isNaN(regressionMetrics([0.1, 0.1, 0.1], [0.1, 0.1, 0.1]).ccc));
});

test('bad input names the series and the index', () => {
  const isBad = (pattern: RegExp) => (e: unknown) => e instanceof BenchError && e.code === 'BAD_INPUT' && pattern.test(e.message);
  assert.throws(() => regressionMetrics([0, NaN], [0, 1]), isBad(/regression predictions\[1\] = NaN/));
  assert.throws(() => regressionMetrics([0, 1], [0, -Infinity]), isBad(/regression truth\[1\] = -Infinity/));
  assert.throws(() => regressionMetrics([0], [0, 1]), isBad(/predictions has 1 items but regression truth has 2/));
  assert.throws(() => regressionMetrics([], []), isBad(/empty/));
});
