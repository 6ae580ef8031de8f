import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binomialHalfCdf, chiSquare1Sf } from '../../../src/bench/metrics/special.js';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

test('binomial(n, 1/2) lower tail: exact small cases and scipy references', () => {
  assert.equal(binomialHalfCdf(0, 3), 1 / 8);
  assert.equal(binomialHalfCdf(2, 12), 79 / 4096); // (1 + 12 + 66) / 2^12
  assert.equal(binomialHalfCdf(-1, 5), 0);
  assert.equal(binomialHalfCdf(5, 5), 1);
  assert.ok(rel(binomialHalfCdf(10, 30), 0.049368573352694525) < 1e-13);
  assert.ok(rel(binomialHalfCdf(900, 2000), 4.228544767751906e-6) < 1e-12); // beyond 2^1000 partial sums
  assert.equal(binomialHalfCdf(5, 2000), 0); // true value ≈ 1e-590, below the smallest double
});

test('chi-square (1 df) upper tail matches scipy.stats.chi2.sf', () => {
  const cases: Array<[number, number]> = [
    [0.5, 0.47950012218695337],
    [1, 0.31731050786291115],
    [3.841458820694124, 0.04999999999999989],
    [9.025, 0.002663119259138558],
    [50, 1.537459794428033e-12],
    [200, 2.0884875837625688e-45],
  ];
  for (const [x, p] of cases) assert.ok(rel(chiSquare1Sf(x), p) < 1e-12, `x = ${x}: ${chiSquare1Sf(x)} vs ${p}`);
  assert.equal(chiSquare1Sf(0), 1);
});
