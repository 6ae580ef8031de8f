import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../../../src/models/replicas/random.js';

test('SeededRandom: same seed, same stream; different seeds, different streams', () => {
  assert.deepEqual(new SeededRandom(42).normalArray(100, 1), new SeededRandom(42).normalArray(100, 1));
  assert.notDeepEqual(new SeededRandom(42).normalArray(100, 1), new SeededRandom(43).normalArray(100, 1));
});

test('SeededRandom.normalArray has the asked mean and spread', () => {
  const a = new SeededRandom(0).normalArray(100_000, 2, 1);
  const mean = a.reduce((s, v) => s + v, 0) / a.length;
  const sd = Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length);
  // Fixed seed, so these bounds are not a flaky statistical test.
  assert.ok(Math.abs(mean - 1) < 0.03, `mean ${mean}`);
  assert.ok(Math.abs(sd - 2) < 0.03, `sd ${sd}`);
  const u = new SeededRandom(1);
  for (let i = 0; i < 1000; i++) {
    const v = u.uniform();
    assert.ok(v >= 0 && v < 1);
  }
});
