import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BenchError } from '../src/errors.js';

test('BenchError describes what, where and the fix', () => {
  const e = new BenchError('BAD_CSV', 'expression is not an integer', { file: 'a.csv', row: 3, fix: 'use 0..10' });
  assert.equal(e.describe(), 'error[BAD_CSV]: expression is not an integer\n  file: a.csv, row 3\n  fix: use 0..10');
});
