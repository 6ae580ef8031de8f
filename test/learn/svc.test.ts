import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SVC } from '../../src/learn/svc.js';
import { expectBenchError } from '../expect-error.js';
import { loadProblem, maxAbsDiff, reference } from './reference.js';

// libsvm trains here in wasm and in sklearn natively: the solver's floating-point path differs in
// the last bits, which moves rho and the coefficients by ~1e-9 (measured ≤ 3e-9).
const TOL = 1e-7;

for (const name of ['p64', 'p1024', 'binary']) {
  for (const kernel of ['rbf', 'linear'] as const) {
    test(`SVC(${kernel}) on libsvm-js matches scikit-learn ${reference.sklearn} on ${name}: support vectors, predictions, decision values within 1e-7`, async () => {
      const { ref, train, test: rows } = loadProblem(name);
      const r = ref.svc[kernel];
      const ovr = await SVC.create({ kernel, C: r.C });
      ovr.fit(train, ref.yTrain);
      assert.deepEqual(ovr.classes, r.classes);
      assert.deepEqual(ovr.nSupport, r.nSupport);
      assert.deepEqual(ovr.support, r.support);
      if (kernel === 'rbf') assert.ok(Math.abs(ovr.gamma - r.gamma) <= 1e-12 * r.gamma, `gamma ${ovr.gamma} vs ${r.gamma}`);
      assert.deepEqual(ovr.predict(rows), r.predict);
      const dOvr = ovr.decisionFunction(rows);
      assert.ok(maxAbsDiff(dOvr, r.decisionOvr) < TOL, `ovr decision differs by ${maxAbsDiff(dOvr, r.decisionOvr)}`);
      const ovo = await SVC.create({ kernel, C: r.C, decisionFunctionShape: 'ovo' });
      const dOvo = ovo.fit(train, ref.yTrain).decisionFunction(rows);
      assert.ok(maxAbsDiff(dOvo, r.decisionOvo) < TOL, `ovo decision differs by ${maxAbsDiff(dOvo, r.decisionOvo)}`);
      // sklearn's intercept_ is −rho (libsvm's sign), pair by pair.
      const rho = ovr.toJSON().fit.rho as number[];
      const intercept = r.classes.length === 2 ? r.intercept.map((v) => -v) : r.intercept;
      rho.forEach((v, p) => assert.ok(Math.abs(-v - intercept[p]) < TOL, `rho[${p}]`));
    });
  }
}

test('SVC: the record names the settings, the gamma used and the training set', async () => {
  const { ref, train } = loadProblem('binary');
  const clf = (await SVC.create({ C: 1.9 })).fit(train, ref.yTrain);
  const rec = clf.toJSON();
  assert.equal(rec.estimator, 'SVC');
  assert.equal(rec.settings.C, 1.9);
  assert.equal(rec.settings.gamma, 'scale');
  assert.equal(rec.settings.gammaValue, clf.gamma);
  assert.match(rec.trainingSet.sha256, /^[0-9a-f]{64}$/);
  // Refit on the same rows in another order: another training set, the same model.
  const perm = train.map((_, i) => i).reverse();
  const again = (await SVC.create({ C: 1.9 })).fit(perm.map((i) => train[i]), perm.map((i) => ref.yTrain[i]));
  assert.notEqual(again.toJSON().trainingSet.sha256, rec.trainingSet.sha256);
  assert.deepEqual(again.nSupport, clf.nSupport);
});

test('SVC rejects bad settings and input', async () => {
  await assert.rejects(SVC.create({ C: -1 }), expectBenchError('BAD_INPUT', /C must be > 0/));
  await assert.rejects(SVC.create({ gamma: 'big' as never }), expectBenchError('BAD_INPUT', /gamma must be/));
  const clf = await SVC.create();
  assert.throws(() => clf.predict([[1, 2]]), /call fit/);
  assert.throws(() => clf.fit([[1, 2], [3, Infinity]], [0, 1]), expectBenchError('BAD_INPUT', /row 2, feature 1 is Infinity/));
});
