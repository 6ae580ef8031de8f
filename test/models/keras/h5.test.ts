import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import h5wasm, { type File as H5File } from 'h5wasm/node';
import { BenchError } from '../../../src/errors.js';
import { floatDataset, h5Ready, openH5, stringAttr, stringListAttr } from '../../../src/models/keras/h5.js';

const dir = mkdtempSync(join(tmpdir(), 'fer-bench-h5-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function writeFile(name: string, fill: (f: H5File) => void): Promise<string> {
  await h5Ready();
  const path = join(dir, name);
  const f = new h5wasm.File(path, 'w');
  fill(f);
  f.close();
  return path;
}

test('string attributes: variable-length, fixed-length, and the list forms Keras writes', async () => {
  const path = await writeFile('attrs.h5', (f) => {
    f.create_attribute('vlen', 'tensorflow');
    f.create_attribute('fixed', ['2.4.0'], [], 'S5');
    f.create_attribute('names', ['input_1', 'conv1'], [2], 'S7');
    f.create_attribute('empty', new Float64Array(0), [0], '<d');
    // Keras splits a list too long for one object header into name0, name1, ...
    f.create_attribute('chunked0', ['a', 'b'], [2], 'S1');
    f.create_attribute('chunked1', ['c'], [1], 'S1');
    f.create_dataset({ name: 'w64', data: new Float64Array([1.5, 2.5]), shape: [2], dtype: '<d' });
  });
  const f = await openH5(path);
  try {
    assert.equal(stringAttr(f, 'vlen'), 'tensorflow');
    assert.equal(stringAttr(f, 'fixed'), '2.4.0');
    assert.equal(stringAttr(f, 'absent'), undefined);
    assert.deepEqual(stringListAttr(f, 'names'), ['input_1', 'conv1']);
    assert.deepEqual(stringListAttr(f, 'empty'), []);
    assert.deepEqual(stringListAttr(f, 'chunked'), ['a', 'b', 'c']);
    assert.equal(stringListAttr(f, 'absent'), undefined);
    assert.deepEqual(floatDataset(f, 'w64'), { data: Float32Array.of(1.5, 2.5), shape: [2] });
    assert.equal(floatDataset(f, 'nope'), undefined);
  } finally {
    f.close();
  }
});

test('a missing file is WEIGHTS_MISSING, a non-HDF5 or truncated file is BAD_H5 with libhdf5\'s reason', async () => {
  await assert.rejects(openH5(join(dir, 'absent.h5')), (e: unknown) => e instanceof BenchError && e.code === 'WEIGHTS_MISSING');

  const html = join(dir, 'page.h5');
  writeFileSync(html, '<html>404 Not Found</html>');
  await assert.rejects(openH5(html), (e: unknown) => e instanceof BenchError && e.code === 'BAD_H5' && /file signature not found/.test(e.message));

  const whole = await writeFile('whole.h5', (f) => f.create_dataset({ name: 'x', data: new Float32Array(4096), shape: [4096], dtype: '<f' }));
  const truncated = join(dir, 'truncated.h5');
  const bytes = readFileSync(whole);
  writeFileSync(truncated, bytes.subarray(0, bytes.length >> 1));
  await assert.rejects(openH5(truncated), (e: unknown) => e instanceof BenchError && e.code === 'BAD_H5' && e.file === truncated && /truncated file/.test(e.message));
});
