import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../../src/bench/metrics/prng.js';
import { BenchError } from '../../../src/errors.js';

// Reference streams from an independent Python implementation of splitmix32 seeding + xoshiro128**.
test('xoshiro128** stream matches the reference for several seeds', () => {
  const expected: Record<number, number[]> = {
    0: [3809008728, 1133695204, 53579671, 2891528803, 139681546],
    42: [2837322924, 544945897, 479756282, 3500138142, 339756180],
    4294967295: [835879718, 1921286648, 2356205009, 1885780724, 980451116],
  };
  for (const [seed, values] of Object.entries(expected)) {
    const rng = createRng(Number(seed));
    assert.deepEqual(values.map(() => rng.nextUint32()), values, `seed ${seed}`);
  }
});

test('nextBelow (Lemire) matches the reference and fillBelow continues the same stream', () => {
  const rng = createRng(7);
  assert.deepEqual(Array.from({ length: 6 }, () => rng.nextBelow(10)), [2, 5, 4, 1, 5, 4]);
  const rest = new Int32Array(6);
  rng.fillBelow(10, rest, 6);
  assert.deepEqual(Array.from(rest), [5, 3, 8, 2, 5, 3]);
});

test('nextBelow is uniform over a small range and stays in range for large bounds', () => {
  const rng = createRng(1);
  const counts = new Array(10).fill(0);
  for (let i = 0; i < 100_000; i++) counts[rng.nextBelow(10)]++;
  for (const c of counts) assert.ok(c > 9_700 && c < 10_300, `count ${c}`);
  for (let i = 0; i < 1000; i++) {
    const v = rng.nextBelow(3_000_000_000);
    assert.ok(Number.isInteger(v) && v >= 0 && v < 3_000_000_000);
  }
  const f = rng.nextFloat();
  assert.ok(f >= 0 && f < 1);
});

test('a bad seed is a BAD_INPUT error', () => {
  assert.throws(() => createRng(-1), (e) => e instanceof BenchError && e.code === 'BAD_INPUT' && /seed/.test(e.message));
  assert.throws(() => createRng(1.5), BenchError);
  assert.throws(() => createRng(2 ** 32), BenchError);
});
