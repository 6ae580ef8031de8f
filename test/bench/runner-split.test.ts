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

test('workers get only the options that load code: V8 and per-process flags would make them refuse to start', async () => {
  const { workerExecArgv } = await import('../../src/bench/runner.js');
  assert.deepEqual(workerExecArgv(['--max-old-space-size=4096', '--import', 'tsx', '--expose-gc', '--enable-source-maps']), ['--import', 'tsx', '--enable-source-maps']);
  assert.deepEqual(workerExecArgv(['--require=./shim.cjs', '--max-semi-space-size', '2', '-C', 'dev']), ['--require=./shim.cjs', '-C', 'dev']);
  assert.deepEqual(workerExecArgv([]), []);
});
