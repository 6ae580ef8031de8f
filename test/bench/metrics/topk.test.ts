import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flattenScores } from '../../../src/bench/metrics/scores.js';
import { topKAccuracy, trueClassRanks } from '../../../src/bench/metrics/topk.js';
import { BenchError } from '../../../src/errors.js';

test('top-k ranks the true class; ties rank the higher class index first (as sklearn)', () => {
  const scores = flattenScores(
    [
      [0.1, 0.7, 0.2], // true 1: rank 0
      [0.5, 0.3, 0.2], // true 2: rank 2
      [0.5, 0.5, 0.1], // true 1 tied with 0: the higher index (1) ranks first → rank 0
      [0.5, 0.5, 0.1], // true 0 tied with 1: class 1 ranks first → rank 1
    ],
    4,
    3,
  );
  const labels = [1, 2, 1, 0];
  assert.deepEqual(Array.from(trueClassRanks(scores, labels, 3)), [0, 2, 0, 1]);
  assert.equal(topKAccuracy(scores, labels, 3, 1), 2 / 4);
  assert.equal(topKAccuracy(scores, labels, 3, 2), 3 / 4);
  assert.equal(topKAccuracy(scores, labels, 3, 3), 1);
});

test('scores must be K finite values per item', () => {
  const isBad = (pattern: RegExp) => (e: unknown) => e instanceof BenchError && e.code === 'BAD_INPUT' && pattern.test(e.message);
  assert.throws(() => flattenScores([[0, 1], [NaN, 1]], 2, 2), isBad(/scores\[1\]\[0\] = NaN is not a finite number/));
  assert.throws(() => flattenScores([[0, 1], [0, Infinity]], 2, 2), isBad(/scores\[1\]\[1\] = Infinity/));
  assert.throws(() => flattenScores([[0, 1], [0]], 2, 2), isBad(/scores\[1\] has 1 values but there are 2 classes/));
  assert.throws(() => flattenScores(new Float64Array(3), 2, 2), isBad(/has 3 items but labels × classes has 4/));
  assert.throws(() => topKAccuracy(new Float64Array(2), [0], 2, 0), isBad(/top-k needs an integer k ≥ 1/));
});
