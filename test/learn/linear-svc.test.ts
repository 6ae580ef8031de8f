import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinearSVC } from '../../src/learn/linear-svc.js';
import { expectBenchError } from '../expect-error.js';
import { loadProblem, maxAbsDiff, reference } from './reference.js';

for (const name of ['p64', 'p1024', 'binary']) {
  test(`LinearSVC matches scikit-learn ${reference.sklearn} on ${name}: same predictions, decision values within 1e-6`, () => {
    const { ref, train, test: rows } = loadProblem(name);
    const r = ref.linearSvc;
    const clf = new LinearSVC({ C: r.C, tol: r.tol, maxIter: r.maxIter }).fit(train, ref.yTrain);
    assert.deepEqual(clf.classes, r.classes);
    assert.deepEqual(clf.predict(rows), r.predict);
    const dec = clf.decisionFunction(rows);
    assert.ok(maxAbsDiff(dec, r.decision) < 1e-6, `decision values differ by ${maxAbsDiff(dec, r.decision)}`);
    assert.ok(maxAbsDiff(clf.coef, r.coef) < 1e-6, `coef differs by ${maxAbsDiff(clf.coef, r.coef)}`);
    const rec = clf.toJSON();
    assert.equal(rec.estimator, 'LinearSVC');
    assert.equal(rec.fit.converged, true);
    assert.equal(rec.trainingSet.rows, ref.nTrain);
  });
}

test('LinearSVC at the default tolerance is seeded: the same seed gives the same weights, another seed a slightly different stop', () => {
  const { ref, train } = loadProblem('p64');
  const a = new LinearSVC({ C: 1.1 }).fit(train, ref.yTrain);
  const b = new LinearSVC({ C: 1.1 }).fit(train, ref.yTrain);
  const c = new LinearSVC({ C: 1.1, seed: 5 }).fit(train, ref.yTrain);
  assert.deepEqual(a.coef.data, b.coef.data);
  assert.notDeepEqual(a.coef.data, c.coef.data);
  assert.deepEqual(a.toJSON(), b.toJSON());
});

test('LinearSVC reports non-convergence instead of hiding it', () => {
  const { ref, train } = loadProblem('p64');
  const clf = new LinearSVC({ C: 1.1, maxIter: 3 }).fit(train, ref.yTrain);
  assert.equal(clf.toJSON().fit.converged, false);
  assert.deepEqual(clf.toJSON().fit.iterations, [3, 3, 3, 3, 3, 3, 3]);
});

test('LinearSVC sorts string labels like np.unique and maps predictions back', () => {
  const X = [[0, 0], [0, 1], [5, 5], [5, 6], [-5, 5], [-5, 6]];
  const y = ['sad', 'sad', 'happy', 'happy', 'angry', 'angry'];
  const clf = new LinearSVC().fit(X, y);
  assert.deepEqual(clf.classes, ['angry', 'happy', 'sad']);
  assert.deepEqual(clf.predict(X), y);
  assert.equal(clf.decisionFunction(X).cols, 3);
});

test('LinearSVC rejects bad input with the row and a fix', () => {
  assert.throws(() => new LinearSVC().fit([[1, 2], [1]], [0, 1]), expectBenchError('BAD_INPUT', /row 2 has 1 values/));
  assert.throws(() => new LinearSVC().fit([[1, 2], [1, NaN]], [0, 1]), expectBenchError('BAD_INPUT', /row 2, feature 1 is NaN/));
  assert.throws(() => new LinearSVC().fit([[1, 2], [3, 4]], [0, 0]), expectBenchError('BAD_INPUT', /only one class/));
  assert.throws(() => new LinearSVC().fit([[1, 2], [3, 4]], [0]), expectBenchError('BAD_INPUT', /1 labels but X has 2 rows/));
  assert.throws(() => new LinearSVC({ C: 0 }), expectBenchError('BAD_INPUT', /C must be > 0/));
  const clf = new LinearSVC().fit([[1, 2], [3, 4]], [0, 1]);
  assert.throws(() => clf.predict([[1, 2, 3]]), expectBenchError('BAD_INPUT', /3 features per row but the classifier was fitted on 2/));
  assert.throws(() => new LinearSVC().predict([[1, 2]]), /call fit/);
});
