import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultSplit } from '../../src/bench/runner.js';

test('cores are shared between preprocessing workers and engine threads, at least one each', () => {
  assert.deepEqual(defaultSplit(1), { workers: 1, engineThreads: 1 });
  assert.deepEqual(defaultSplit(2), { workers: 1, engineThreads: 1 });
  assert.deepEqual(defaultSplit(8), { workers: 4, engineThreads: 4 });
  assert.deepEqual(defaultSplit(8, 6), { workers: 6, engineThreads: 2 });
  assert.deepEqual(defaultSplit(4, 4), { workers: 4, engineThreads: 1 });
});
