import { test } from 'node:test';
import assert from 'node:assert/strict';
import { abawMtlScore, lsdScore, ABAW_EXPR_CLASSES } from '../../../src/bench/metrics/composite.js';
import { BenchError } from '../../../src/errors.js';

const mtlInput = {
  valence: { pred: [0.1, -0.2, 0.3, 0.4], truth: [0.1, -0.2, 0.3, 0.4] }, // CCC 1
  arousal: { pred: [1, 2, 3, 4], truth: [2, 4, 6, 8] }, // CCC 0.4
  // F1: neutral 2/3, anger 1, disgust 1, fear 0, other 4 classes 0 → macro over 8 = (8/3)/8 = 1/3
  expression: { labels: [0, 1, 2, 3], preds: [0, 1, 2, 0] },
  au: {
    names: ['AU1', 'AU2'],
    truth: [
      [1, 0],
      [1, 0],
      [0, 0],
      [0, 1],
    ],
    // AU1 positive at ≥ 0.5: [1,0,1,1] vs [1,1,0,0] → tp 1, fp 2, fn 1 → F1 2/5; AU2 never ≥ 0.5 → 0
    scores: [
      [0.5, 0.2],
      [0.4, 0.1],
      [0.9, 0.0],
      [0.7, 0.49],
    ],
  },
};

test('ABAW MTL score = P_VA + P_EXPR + P_AU on a worked case', () => {
  const r = abawMtlScore(mtlInput, { resamples: 0 });
  assert.equal(r.pVA.value, 0.7);
  assert.ok(Math.abs(r.pEXPR.value - 1 / 3) < 1e-15);
  assert.ok(Math.abs(r.pAU.value - 0.2) < 1e-15);
  assert.ok(Math.abs(r.mtl.value - (0.7 + 1 / 3 + 0.2)) < 1e-15);
  assert.equal(r['valence.ccc'].value, 1);
  assert.equal(r['arousal.ccc'].value, 0.4);
  assert.equal(r['au.f1/AU1'].value, 2 / 5);
  assert.equal(r['au.f1/AU2'].value, 0);
  assert.equal(r['expr.f1/neutral'].value, 4 / 6);
  assert.equal(ABAW_EXPR_CLASSES.length, 8);
});

test('the MTL score gets a bootstrap CI like any metric', () => {
  const r = abawMtlScore(mtlInput, { resamples: 300, seed: 4 });
  assert.equal(r.mtl.ci!.resamples, 300);
  assert.ok(r.mtl.ci!.low <= r.mtl.ci!.high);
});

test('LSD score is macro-F1 over its 6 classes', () => {
  // F1: 1,1,1,1, sadness 2/3 (one surprise predicted as sadness), surprise 0 → (4 + 2/3)/6 = 7/9
  const r = lsdScore([0, 1, 2, 3, 4, 5], [0, 1, 2, 3, 4, 4], { resamples: 0 });
  assert.ok(Math.abs(r.lsd.value - 7 / 9) < 1e-15);
  assert.equal(r.lsd.value, r.macroF1.value);
  assert.equal(r['f1/sadness'].value, 4 / 6);
});

test('composite inputs are checked', () => {
  const isBad = (pattern: RegExp) => (e: unknown) => e instanceof BenchError && e.code === 'BAD_INPUT' && pattern.test(e.message);
  assert.throws(() => abawMtlScore({ ...mtlInput, expression: { labels: [0, 1, 2, 8], preds: [0, 1, 2, 0] } }), isBad(/labels\[3\] = 8/));
  assert.throws(
    () => abawMtlScore({ ...mtlInput, valence: { pred: [0, 0, NaN, 0], truth: [0, 0, 0, 0] } }),
    isBad(/valence predictions\[2\] = NaN/),
  );
  assert.throws(() => abawMtlScore({ ...mtlInput, au: { ...mtlInput.au, truth: [[1, 0], [1, 0], [0, 2], [0, 1]] } }), isBad(/AU truth\[2\]\[1\] = 2 is not 0 or 1/));
  assert.throws(() => lsdScore([0, 6], [0, 1]), isBad(/labels\[1\] = 6/));
});
