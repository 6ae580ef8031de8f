import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classificationMetrics, confusionStatistic } from '../../../src/bench/metrics/classification.js';
import { confusionMatrix, fromRows, toRows } from '../../../src/bench/metrics/confusion.js';
import { BenchError } from '../../../src/errors.js';

test('K = 4 with a class never predicted (2) and a class absent from the truth (3)', () => {
  // rows = true: t0 → [2,1,0,0], t1 → [0,1,0,1], t2 → [1,1,0,0], t3 → none
  const cm = confusionMatrix([0, 0, 0, 1, 1, 2, 2], [0, 0, 1, 1, 3, 0, 1], 4);
  assert.deepEqual(toRows(cm), [
    [2, 1, 0, 0],
    [0, 1, 0, 1],
    [1, 1, 0, 0],
    [0, 0, 0, 0],
  ]);
  const m = classificationMetrics(cm);
  assert.equal(m.n, 7);
  assert.equal(m.accuracy, 3 / 7);
  assert.deepEqual(m.support, [3, 2, 2, 0]);
  assert.deepEqual(m.precision, [2 / 3, 1 / 3, 0, 0]); // class 2 never predicted → 0
  assert.deepEqual(m.recall, [2 / 3, 1 / 2, 0, 0]); // class 3 absent → 0 (sklearn zero_division=0)
  assert.deepEqual(m.f1, [4 / 6, 2 / 5, 0, 0]);
  // macro-F1 averages over all 4 given classes: (2/3 + 2/5 + 0 + 0) / 4 = 4/15
  assert.equal(m.macroF1, (2 / 3 + 2 / 5) / 4);
  assert.ok(Math.abs(m.macroF1 - 4 / 15) < 1e-15);
  // weighted-F1 = (2/3·3 + 2/5·2) / 7 = 2/5
  assert.ok(Math.abs(m.weightedF1 - 2 / 5) < 1e-15);
  // UAR over the 3 classes present in the truth: (2/3 + 1/2 + 0) / 3 = 7/18
  assert.ok(Math.abs(m.uar - 7 / 18) < 1e-15);
});

test('one item', () => {
  const m = classificationMetrics(confusionMatrix([1], [1], 3));
  assert.equal(m.accuracy, 1);
  assert.equal(m.macroF1, 1 / 3); // classes 0 and 2: no support, no predictions → F1 0
  assert.equal(m.weightedF1, 1);
  assert.equal(m.uar, 1);
});

test('all wrong, K = 2', () => {
  const m = classificationMetrics(confusionMatrix([0, 1, 1], [1, 0, 0], 2));
  assert.equal(m.accuracy, 0);
  assert.equal(m.macroF1, 0);
  assert.equal(m.weightedF1, 0);
  assert.equal(m.uar, 0);
  assert.deepEqual(m.precision, [0, 0]);
});

test('K = 2 worked case', () => {
  // [[1,1],[1,2]]
  const m = classificationMetrics(confusionMatrix([0, 0, 1, 1, 1], [0, 1, 1, 1, 0], 2));
  assert.equal(m.accuracy, 3 / 5);
  assert.deepEqual(m.precision, [1 / 2, 2 / 3]);
  assert.deepEqual(m.recall, [1 / 2, 2 / 3]);
  assert.deepEqual(m.f1, [1 / 2, 4 / 6]);
  assert.ok(Math.abs(m.macroF1 - 7 / 12) < 1e-15);
  assert.ok(Math.abs(m.weightedF1 - 3 / 5) < 1e-15);
  assert.ok(Math.abs(m.uar - 7 / 12) < 1e-15);
});

test('metrics from stored rows equal metrics from the items', () => {
  const labels = [0, 2, 1, 1, 0, 2, 2];
  const preds = [0, 1, 1, 2, 0, 2, 0];
  const cm = confusionMatrix(labels, preds, 3);
  assert.deepEqual(classificationMetrics(fromRows(toRows(cm))), classificationMetrics(cm));
});

test('the resample statistic on an index multiset equals metrics of the rebuilt arrays', () => {
  const labels = [0, 2, 1, 1, 0, 2, 2, 3];
  const preds = [0, 1, 1, 2, 0, 2, 0, 3];
  const classes = ['a', 'b', 'c', 'd'];
  const stat = confusionStatistic(labels, preds, classes);
  const idx = Int32Array.from([7, 7, 1, 3, 3, 3, 0]);
  const out = new Float64Array(stat.names.length);
  stat.compute(idx, idx.length, out, 0);
  const m = classificationMetrics(confusionMatrix(Array.from(idx, (i) => labels[i]), Array.from(idx, (i) => preds[i]), 4));
  assert.deepEqual(stat.names.slice(0, 5), ['accuracy', 'macroF1', 'weightedF1', 'uar', 'precision/a']);
  assert.deepEqual(Array.from(out), [m.accuracy, m.macroF1, m.weightedF1, m.uar, ...m.precision, ...m.recall, ...m.f1]);
});

test('bad input is a BAD_INPUT error naming what and where', () => {
  const isBad = (pattern: RegExp) => (e: unknown) => e instanceof BenchError && e.code === 'BAD_INPUT' && pattern.test(e.message);
  assert.throws(() => confusionMatrix([0, 1, 2], [0, 1], 3), isBad(/preds has 2 items but labels has 3/));
  assert.throws(() => confusionMatrix([0, 1, 5], [0, 1, 1], 3), isBad(/labels\[2\] = 5 is not a class index in 0\.\.2/));
  assert.throws(() => confusionMatrix([0, 1], [0, 1.5], 3), isBad(/preds\[1\] = 1\.5/));
  assert.throws(() => confusionMatrix([0, 1], [0, -1], 3), isBad(/preds\[1\] = -1/));
  assert.throws(() => confusionMatrix([], [], 3), isBad(/labels is empty/));
  assert.throws(() => confusionMatrix([0], [0], 0), isBad(/number of classes/));
});
