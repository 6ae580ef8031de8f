import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootstrap, quantileSorted } from '../../../src/bench/metrics/bootstrap.js';
import { confusionStatistic } from '../../../src/bench/metrics/classification.js';
import { regressionStatistic } from '../../../src/bench/metrics/regression.js';
import { BenchError } from '../../../src/errors.js';

const classes = ['no', 'yes'];

test('quantiles interpolate linearly (numpy default)', () => {
  assert.equal(quantileSorted([1, 2, 3, 4], 0.25), 1.75);
  assert.equal(quantileSorted([1, 2, 3, 4], 0.5), 2.5);
  assert.equal(quantileSorted([1, 2, 3, 4], 1), 4);
  assert.equal(quantileSorted([7], 0.025), 7);
  assert.ok(Number.isNaN(quantileSorted([], 0.5)));
});

test('the CI records its level, resamples, seed and unit, and is reproducible from the seed', () => {
  const labels = [0, 0, 1, 1, 1, 0, 1, 0, 0, 1];
  const preds = [0, 1, 1, 1, 0, 0, 1, 0, 1, 1];
  const stat = confusionStatistic(labels, preds, classes);
  const a = bootstrap(stat, 10, { resamples: 500, level: 0.9, seed: 7 });
  const b = bootstrap(stat, 10, { resamples: 500, level: 0.9, seed: 7 });
  const c = bootstrap(stat, 10, { resamples: 500, level: 0.9, seed: 8 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  assert.equal(a.accuracy.value, 0.7);
  assert.deepEqual(Object.keys(a.accuracy.ci!).sort(), ['high', 'level', 'low', 'resamples', 'seed', 'unit']);
  assert.equal(a.accuracy.ci!.level, 0.9);
  assert.equal(a.accuracy.ci!.resamples, 500);
  assert.equal(a.accuracy.ci!.seed, 7);
  assert.equal(a.accuracy.ci!.unit, 'item');
  // accuracy of a resample of 10 items is a multiple of 1/10
  assert.ok(a.accuracy.ci!.low < 0.7 && a.accuracy.ci!.high > 0.7);
});

test('a single item or a constant outcome gives a zero-width interval', () => {
  const one = bootstrap(confusionStatistic([1], [1], classes), 1, { resamples: 200 });
  assert.deepEqual([one.accuracy.ci!.low, one.accuracy.ci!.high], [1, 1]);
  const allRight = bootstrap(confusionStatistic([0, 1, 1, 0], [0, 1, 1, 0], classes), 4, { resamples: 200 });
  assert.deepEqual([allRight.accuracy.ci!.low, allRight.accuracy.ci!.high], [1, 1]);
});

test('resamples = 0 gives point estimates only', () => {
  const r = bootstrap(confusionStatistic([0, 1], [0, 0], classes), 2, { resamples: 0 });
  assert.deepEqual(r.accuracy, { value: 0.5 });
});

test('group bootstrap resamples whole groups: one all-right and one all-wrong clip give [0, 1]', () => {
  // clip A: 10 items all right; clip B: 10 items all wrong.
  const labels = Array.from({ length: 20 }, (_, i) => i % 2);
  const preds = labels.map((l, i) => (i < 10 ? l : 1 - l));
  const groups = labels.map((_, i) => (i < 10 ? 'A' : 'B'));
  const stat = confusionStatistic(labels, preds, classes);
  const byGroup = bootstrap(stat, 20, { resamples: 2000, seed: 3, groups });
  assert.equal(byGroup.accuracy.value, 0.5);
  assert.equal(byGroup.accuracy.ci!.unit, 'group');
  // each resample is AA (1), AB/BA (0.5) or BB (0), each ≥ 25% likely
  assert.deepEqual([byGroup.accuracy.ci!.low, byGroup.accuracy.ci!.high], [0, 1]);
  // item resampling treats the 20 items as independent: a much narrower interval
  const byItem = bootstrap(stat, 20, { resamples: 2000, seed: 3 });
  assert.ok(byItem.accuracy.ci!.low >= 0.2 && byItem.accuracy.ci!.high <= 0.8, JSON.stringify(byItem.accuracy.ci));
});

test('resamples where a value is undefined are left out and counted', () => {
  // n = 2: half the resamples repeat one item, where Pearson r is undefined.
  const r = bootstrap(regressionStatistic([0, 1], [0, 2]), 2, { resamples: 1000, seed: 1 });
  assert.equal(r.pearson.value, 1);
  const undef = r.pearson.ci!.undefinedResamples!;
  assert.ok(undef > 400 && undef < 600, `undefined in ${undef}`);
  assert.deepEqual([r.pearson.ci!.low, r.pearson.ci!.high], [1, 1]);
  assert.equal(r.rmse.ci!.undefinedResamples, undefined);
});

test('bad bootstrap options are BAD_INPUT errors', () => {
  const stat = confusionStatistic([0, 1], [0, 1], classes);
  const isBad = (pattern: RegExp) => (e: unknown) => e instanceof BenchError && e.code === 'BAD_INPUT' && pattern.test(e.message);
  assert.throws(() => bootstrap(stat, 2, { level: 1 }), isBad(/confidence level/));
  assert.throws(() => bootstrap(stat, 2, { resamples: -5 }), isBad(/resamples/));
  assert.throws(() => bootstrap(stat, 2, { seed: -1 }), isBad(/seed/));
  assert.throws(() => bootstrap(stat, 2, { groups: ['a'] }), isBad(/groups has 1 items but the item list has 2/));
  assert.throws(() => bootstrap(stat, 2, { groups: ['a', ''] }), isBad(/groups\[1\] is empty/));
  assert.throws(() => bootstrap(stat, 0), isBad(/empty/));
});
