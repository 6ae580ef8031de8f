import { test } from 'node:test';
import assert from 'node:assert/strict';
import { leaveOneCorpusOut, stack } from '../../src/learn/loco.js';
import { LinearSVC } from '../../src/learn/linear-svc.js';
import { LogisticRegression } from '../../src/learn/logistic.js';
import { expectBenchError } from '../expect-error.js';
import { loadProblem } from './reference.js';

// Three "corpora" cut from one reference problem: each fold trains on two and predicts the third.
function corpora() {
  const { ref, train, test: rows } = loadProblem('p64');
  const all = [...train, ...rows];
  const y = [...ref.yTrain, ...ref.yTest];
  return ['A', 'B', 'C'].map((name, c) => ({ name, X: all.slice(c * 130, (c + 1) * 130), y: y.slice(c * 130, (c + 1) * 130) }));
}

test('leave-one-corpus-out trains each fold on the other corpora only, and equals a hand-made fold', async () => {
  const cs = corpora();
  const folds = await leaveOneCorpusOut(cs, () => new LogisticRegression({ C: 0.5 }));
  assert.deepEqual(folds.map((f) => [f.test, f.train]), [['A', ['B', 'C']], ['B', ['A', 'C']], ['C', ['A', 'B']]]);
  const byHand = new LogisticRegression({ C: 0.5 }).fit([...cs[0].X, ...cs[2].X], [...cs[0].y, ...cs[2].y]);
  assert.deepEqual(folds[1].predictions, byHand.predict(cs[1].X));
  assert.equal(folds[1].classifier.trainingSet.sha256, byHand.toJSON().trainingSet.sha256);
  for (const f of folds) assert.equal(f.predictions.length, 130);
  // Better than chance (1/7) on held-out corpora drawn from the same classes.
  const acc = folds[0].predictions.filter((p, i) => p === cs[0].y[i]).length / 130;
  assert.ok(acc > 0.4, `held-out accuracy ${acc}`);
  const svc = await leaveOneCorpusOut(cs, () => new LinearSVC({ C: 1.1 }));
  assert.equal(svc[2].classifier.estimator, 'LinearSVC');
});

test('leave-one-corpus-out rejects corpora that do not fit together', async () => {
  const cs = corpora();
  await assert.rejects(leaveOneCorpusOut([cs[0]], () => new LinearSVC()), expectBenchError('BAD_INPUT', /at least 2 corpora/));
  await assert.rejects(leaveOneCorpusOut([cs[0], { ...cs[1], name: 'A' }], () => new LinearSVC()), expectBenchError('BAD_INPUT', /same name/));
  await assert.rejects(
    leaveOneCorpusOut([cs[0], { name: 'narrow', X: [[1, 2]], y: [0] }], () => new LinearSVC()),
    expectBenchError('BAD_INPUT', /corpus narrow has 2 features per row but A has 64/),
  );
  await assert.rejects(leaveOneCorpusOut([cs[0], { ...cs[1], y: cs[1].y.slice(1) }], () => new LinearSVC()), expectBenchError('BAD_INPUT', /129 labels for 130 rows/));
  assert.deepEqual(Array.from(stack([{ rows: 1, cols: 2, data: Float64Array.of(1, 2) }, { rows: 1, cols: 2, data: Float64Array.of(3, 4) }]).data), [1, 2, 3, 4]);
});
