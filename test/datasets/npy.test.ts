import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { npyNumber, npyScalar, parseNpy, readNpyFile, writeNpy } from '../../src/datasets/npy.js';
import { BenchError } from '../../src/errors.js';

// Written once by numpy 1.24 (np.save / format.write_array); see test/fixtures/npy/README.md.
const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/npy/${name}`, import.meta.url));

test('reads the scalar kinds the March-2021 annotations come in (numpy-written files)', async () => {
  const i64 = await readNpyFile(fixture('exp_int64.npy'));
  assert.equal(i64.descr, '<i8');
  assert.deepEqual(i64.shape, []);
  assert.equal(npyScalar(i64), 3n);
  assert.equal(npyNumber(i64), 3);

  const u1 = await readNpyFile(fixture('exp_U1.npy'));
  assert.equal(u1.descr, '<U1');
  assert.equal(npyScalar(u1), '3');
  assert.equal(npyNumber(u1), 3);

  assert.equal(npyNumber(await readNpyFile(fixture('val_f32.npy'))), 0.5625);
  assert.equal(npyNumber(await readNpyFile(fixture('val_U.npy'))), -0.176582);
  assert.equal(npyNumber(await readNpyFile(fixture('aro_f64.npy'))), -0.25);
});

test('reads arrays: 1-d, 2-d C and Fortran order, version 2.0 header, booleans, string vectors', async () => {
  const vec = await readNpyFile(fixture('vec_f64.npy'));
  assert.deepEqual([...(vec.data as Float64Array)], [1.5, -2, 3.25]);
  assert.deepEqual(vec.shape, [3]);

  const mat = await readNpyFile(fixture('mat_i32.npy'));
  assert.deepEqual(mat.shape, [2, 3]);
  assert.equal(mat.fortranOrder, false);
  assert.deepEqual([...(mat.data as Int32Array)], [0, 1, 2, 3, 4, 5]);

  const fortran = await readNpyFile(fixture('mat_i32_fortran.npy'));
  assert.equal(fortran.fortranOrder, true);
  assert.deepEqual([...(fortran.data as Int32Array)], [0, 3, 1, 4, 2, 5]); // stored column-major

  const v2 = await readNpyFile(fixture('vec_f4_v2.npy'));
  assert.deepEqual(v2.version, [2, 0]);
  assert.deepEqual([...(v2.data as Float32Array)], [0.5, 1.5]);

  assert.deepEqual((await readNpyFile(fixture('bool_vec.npy'))).data, [true, false, true]);
  assert.deepEqual((await readNpyFile(fixture('exp_U2_vec.npy'))).data, ['10', '7']);
});

test('refuses big-endian data, bad magic and truncated files with UNSUPPORTED_FORMAT naming the file', async () => {
  await assert.rejects(readNpyFile(fixture('be_i4.npy')), (e: unknown) => {
    assert.ok(e instanceof BenchError);
    assert.equal(e.code, 'UNSUPPORTED_FORMAT');
    assert.match(e.message, /big-endian/);
    assert.equal(e.file, fixture('be_i4.npy'));
    return true;
  });
  assert.throws(() => parseNpy(Buffer.from('not a numpy file')), /bad magic/);
  const whole = await readFile(fixture('vec_f64.npy'));
  assert.throws(() => parseNpy(whole.subarray(0, whole.length - 4)), /truncated \.npy data/);
});

test('npyNumber refuses non-scalars and non-numeric strings', () => {
  assert.throws(() => npyNumber(parseNpy(writeNpy({ descr: '<f8', shape: [2], data: [1, 2] }))), /expected a scalar/);
  assert.throws(() => npyNumber(parseNpy(writeNpy({ descr: '<U5', shape: [], data: ['happy'] }))), /not a number/);
});

test('writeNpy output is byte-identical to numpy.save', async () => {
  const cases: Array<[string, Parameters<typeof writeNpy>[0]]> = [
    ['exp_int64.npy', { descr: '<i8', shape: [], data: [3n] }],
    ['exp_U1.npy', { descr: '<U1', shape: [], data: ['3'] }],
    ['val_f32.npy', { descr: '<f4', shape: [], data: [0.5625] }],
    ['val_U.npy', { descr: '<U9', shape: [], data: ['-0.176582'] }],
    ['aro_f64.npy', { descr: '<f8', shape: [], data: [-0.25] }],
    ['vec_f64.npy', { descr: '<f8', shape: [3], data: [1.5, -2, 3.25] }],
    ['mat_i32.npy', { descr: '<i4', shape: [2, 3], data: [0, 1, 2, 3, 4, 5] }],
    ['bool_vec.npy', { descr: '|b1', shape: [3], data: [true, false, true] }],
    ['exp_U2_vec.npy', { descr: '<U2', shape: [2], data: ['10', '7'] }],
  ];
  for (const [name, input] of cases) {
    assert.deepEqual(Buffer.from(writeNpy(input)), await readFile(fixture(name)), name);
  }
});

test('writeNpy round-trips through parseNpy for every supported dtype', () => {
  const numeric = ['|i1', '|u1', '<i2', '<u2', '<i4', '<u4', '<f4', '<f8'] as const;
  for (const descr of numeric) {
    const arr = parseNpy(writeNpy({ descr, shape: [3], data: [1, 2, 100] }));
    assert.equal(arr.descr, descr);
    assert.deepEqual(Array.from(arr.data as ArrayLike<number>), [1, 2, 100], descr);
  }
  assert.deepEqual([...(parseNpy(writeNpy({ descr: '<u8', shape: [1], data: [2n ** 63n] })).data as BigUint64Array)], [2n ** 63n]);
  assert.deepEqual(parseNpy(writeNpy({ descr: '<U3', shape: [2], data: ['é😀', 'ab'] })).data, ['é😀', 'ab']);
  assert.throws(() => writeNpy({ descr: '<f8', shape: [2], data: [1] }), /needs 2 elements/);
});
