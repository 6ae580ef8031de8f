import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scoreClassification } from '../../../src/bench/metrics/report.js';
import { BenchError } from '../../../src/errors.js';
import type { RunRecord } from '../../../src/bench/records.js';

const classes = ['a', 'b', 'c', 'd'];
const labels = [0, 0, 0, 1, 1, 2, 2];
const preds = [0, 0, 1, 1, 3, 0, 1];

test('the report carries the confusion matrix, every metric and how the CIs were made', () => {
  const r = scoreClassification({ labels, preds, classes }, { resamples: 400, seed: 9 });
  assert.equal(r.n, 7);
  assert.deepEqual(r.support, [3, 2, 2, 0]);
  assert.deepEqual(r.confusion[0], [2, 1, 0, 0]);
  assert.equal(r.metrics.accuracy.value, 3 / 7);
  assert.equal(r.metrics['recall/b'].value, 1 / 2);
  assert.equal(r.metrics['f1/c'].value, 0);
  assert.deepEqual(r.ci, { resamples: 400, level: 0.95, seed: 9, unit: 'item', groups: null });
  assert.equal(r.metrics.uar.ci!.seed, 9);
  assert.equal(r.metrics.top2Accuracy, undefined); // no scores, no top-k
  // usable as a run record's metrics and confusion
  const partial: Pick<RunRecord, 'metrics' | 'confusion' | 'classes'> = { metrics: r.metrics, confusion: r.confusion, classes: r.classes };
  assert.equal(partial.metrics!.macroF1.value, r.metrics.macroF1.value);
});

test('scores give top-k (k < K) and predictions default to the argmax', () => {
  const scores = [
    [0.6, 0.3, 0.1],
    [0.2, 0.5, 0.3],
    [0.1, 0.5, 0.4],
  ];
  const r = scoreClassification({ labels: [0, 1, 2], scores, classes: ['x', 'y', 'z'] }, { resamples: 0, topK: [2, 3] });
  assert.equal(r.metrics.accuracy.value, 2 / 3); // preds = argmax = [0, 1, 1]
  assert.equal(r.metrics.top2Accuracy.value, 1);
  assert.equal(r.metrics.top3Accuracy, undefined); // k = K is always 1: skipped
  assert.equal(r.ci, null);
});

test('group CIs resample groups and count them', () => {
  const groups = ['g1', 'g1', 'g2', 'g2', 'g3', 'g3', 'g3'];
  const r = scoreClassification({ labels, preds, classes, groups }, { resamples: 100, groupCi: true });
  assert.deepEqual(r.ci, { resamples: 100, level: 0.95, seed: 0, unit: 'group', groups: 3 });
  assert.equal(r.metrics.accuracy.ci!.unit, 'group');
});

test('report input errors', () => {
  const isBad = (pattern: RegExp) => (e: unknown) => e instanceof BenchError && e.code === 'BAD_INPUT' && pattern.test(e.message);
  assert.throws(() => scoreClassification({ labels, classes }), isBad(/neither predictions nor scores/));
  assert.throws(() => scoreClassification({ labels, preds, classes }, { groupCi: true }), isBad(/no groups were given/));
  assert.throws(() => scoreClassification({ labels: [], preds: [], classes }), isBad(/labels is empty/));
  assert.throws(() => scoreClassification({ labels: [0], scores: [[0.1, NaN, 0, 0]], classes }), isBad(/scores\[0\]\[1\] = NaN/));
});
