import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogisticRegression } from '../../src/learn/logistic.js';
import { minimizeLbfgs } from '../../src/learn/lbfgs.js';
import { StandardScaler } from '../../src/learn/scaler.js';
import { expectBenchError } from '../expect-error.js';
import { loadProblem, maxAbsDiff, reference } from './reference.js';

// sklearn's lbfgs stops on scipy's relative-decrease rule, up to 8.4e-5 from the true optimum of its
// own objective on these problems (the fixture polishes it to |grad| ~ 1e-10 to know). Two bars:
// within SKLEARN_TOL of sklearn's coefficients and probabilities, and within OPTIMUM_TOL of the
// polished optimum when the relative-decrease rule is off.
const SKLEARN_TOL = 2e-4;
const OPTIMUM_TOL = 1e-6;

for (const name of ['p64', 'p1024', 'binary']) {
  for (const variant of ['raw', 'scaled'] as const) {
    test(`LogisticRegression (lbfgs${variant === 'scaled' ? ', standardised' : ''}) matches scikit-learn ${reference.sklearn} on ${name}`, () => {
      const { ref, train, test: rows } = loadProblem(name);
      const r = ref.logistic[variant];
      const clf = new LogisticRegression({ C: r.C, standardize: r.standardize, tol: 1e-10, maxIter: 10000 }).fit(train, ref.yTrain);
      assert.deepEqual(clf.classes, r.classes);
      assert.deepEqual(clf.predict(rows), r.predict);
      assert.ok(maxAbsDiff(clf.coef, r.coef) < SKLEARN_TOL, `coef differs from sklearn by ${maxAbsDiff(clf.coef, r.coef)}`);
      assert.ok(maxAbsDiff(clf.predictProba(rows), r.proba) < SKLEARN_TOL, `proba differs by ${maxAbsDiff(clf.predictProba(rows), r.proba)}`);
      if (r.standardize) {
        assert.ok(maxAbsDiff({ rows: 1, cols: ref.d, data: clf.scaler!.mean }, r.scalerMean!) < 1e-12);
        assert.ok(maxAbsDiff({ rows: 1, cols: ref.d, data: clf.scaler!.scale }, r.scalerScale!) < 1e-12);
      }
      const exact = new LogisticRegression({ C: r.C, standardize: r.standardize, tol: 1e-10, maxIter: 10000, ftol: 0 }).fit(train, ref.yTrain);
      assert.ok(maxAbsDiff(exact.coef, r.optimumCoef) < OPTIMUM_TOL, `coef differs from the optimum by ${maxAbsDiff(exact.coef, r.optimumCoef)}`);
      const b = { rows: 1, cols: exact.intercept.length, data: exact.intercept };
      assert.ok(maxAbsDiff(b, r.optimumIntercept) < OPTIMUM_TOL, `intercept differs from the optimum by ${maxAbsDiff(b, r.optimumIntercept)}`);
      assert.equal(exact.toJSON().fit.converged, true);
    });
  }
}

test('LogisticRegression: probabilities sum to 1, the fit is deterministic, and the record has its settings', () => {
  const { ref, train, test: rows } = loadProblem('p64');
  const a = new LogisticRegression({ C: 0.5 }).fit(train, ref.yTrain);
  const b = new LogisticRegression({ C: 0.5 }).fit(train, ref.yTrain);
  assert.deepEqual(a.coef.data, b.coef.data);
  const p = a.predictProba(rows);
  for (let i = 0; i < p.rows; i++) {
    let s = 0;
    for (let k = 0; k < p.cols; k++) s += p.data[i * p.cols + k];
    assert.ok(Math.abs(s - 1) < 1e-12);
  }
  const rec = a.toJSON();
  assert.equal(rec.estimator, 'LogisticRegression');
  assert.equal(rec.settings.C, 0.5);
  assert.equal(rec.settings.multiClass, 'multinomial');
  assert.equal(rec.settings.maxIter, 100);
  assert.equal(typeof rec.fit.iterations, 'number');
});

test('LogisticRegression says when it stopped before converging', () => {
  const { ref, train } = loadProblem('p64');
  const rec = new LogisticRegression({ maxIter: 2 }).fit(train, ref.yTrain).toJSON();
  assert.equal(rec.fit.converged, false);
  assert.equal(rec.fit.stop, 'maxIter');
});

test('LogisticRegression and StandardScaler reject bad input', () => {
  assert.throws(() => new LogisticRegression({ C: 0 }), expectBenchError('BAD_INPUT', /C must be > 0/));
  assert.throws(() => new LogisticRegression({ maxIter: 1.5 }), expectBenchError('BAD_INPUT', /maxIter/));
  assert.throws(() => new LogisticRegression().predict([[1]]), /call fit/);
  const clf = new LogisticRegression().fit([[0, 1], [1, 0], [2, 2]], ['a', 'b', 'c']);
  assert.throws(() => clf.predictProba([[1, 2, 3]]), expectBenchError('BAD_INPUT', /fitted on 2/));
  assert.throws(() => new StandardScaler().transform([[1]]), /call fit/);
});

test('StandardScaler maps a constant feature to 0 (scale 1), as sklearn does', () => {
  const s = new StandardScaler().fit([[1, 5], [3, 5]]);
  assert.deepEqual(Array.from(s.scale), [1, 1]);
  assert.deepEqual(Array.from(s.transform([[2, 5], [4, 5]]).data), [0, 0, 2, 0]);
  // A feature constant up to rounding (0.1 three times sums inexactly) is constant too.
  const t = new StandardScaler().fit([[0.1, 0], [0.1, 1], [0.1, 2]]);
  assert.equal(t.scale[0], 1);
  assert.ok(Math.abs(t.scale[1] - Math.sqrt(2 / 3)) < 1e-15);
});

test('L-BFGS finds the minimum of the Rosenbrock function, and stops at maxIter when told', () => {
  const rosen = (x: Float64Array, g: Float64Array) => {
    const [a, b] = x;
    g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
    g[1] = 200 * (b - a * a);
    return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
  };
  const r = minimizeLbfgs(rosen, Float64Array.from([-1.2, 1]), { gtol: 1e-10, maxIter: 1000, ftol: 0 });
  assert.equal(r.converged, true);
  assert.ok(Math.abs(r.x[0] - 1) < 1e-8 && Math.abs(r.x[1] - 1) < 1e-8, `stopped at ${r.x}`);
  const short = minimizeLbfgs(rosen, Float64Array.from([-1.2, 1]), { maxIter: 3 });
  assert.equal(short.converged, false);
  assert.equal(short.reason, 'maxIter');
  assert.throws(() => minimizeLbfgs(() => NaN, new Float64Array(1)), /objective is NaN/);
});
