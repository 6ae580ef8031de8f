import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rgbImage } from '../../src/media/image.js';
import { normalize, normalizeInto, type NormalizeSpec } from '../../src/media/normalize.js';
import { fixtureImage, fixtureTensor, manifest } from './fixtures.js';

// Two pixels: (10, 20, 30) then (40, 50, 60).
const TWO = rgbImage(new Uint8Array([10, 20, 30, 40, 50, 60]), 2, 1);
const PLAIN: NormalizeSpec = { colorOrder: 'RGB', layout: 'NCHW', scale: 1, mean: [0, 0, 0], std: [1, 1, 1] };

test('NCHW puts each channel in its own plane, NHWC interleaves', () => {
  assert.deepEqual([...normalize(TWO, PLAIN)], [10, 40, 20, 50, 30, 60]);
  assert.deepEqual([...normalize(TWO, { ...PLAIN, layout: 'NHWC' })], [10, 20, 30, 40, 50, 60]);
});

test('BGR makes channel 0 blue, with mean[0]/std[0] the blue statistics', () => {
  const spec: NormalizeSpec = { colorOrder: 'BGR', layout: 'NHWC', scale: 1, mean: [1, 2, 3], std: [1, 2, 4] };
  // channel 0 = B: (30-1)/1, channel 1 = G: (20-2)/2, channel 2 = R: (10-3)/4
  assert.deepEqual([...normalize(TWO, spec)], [29, 9, 1.75, 59, 24, 9.25]);
  assert.deepEqual([...normalize(TWO, { ...spec, layout: 'NCHW' })], [29, 59, 9, 24, 1.75, 9.25]);
});

test('value = (pixel * scale - mean) / std', () => {
  const spec: NormalizeSpec = { colorOrder: 'RGB', layout: 'NHWC', scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };
  const t = normalize(TWO, spec);
  const expected = [10, 20, 30, 40, 50, 60].map((p, i) => Math.fround((p / 255 - spec.mean[i % 3]) / spec.std[i % 3]));
  assert.deepEqual([...t], expected);
});

test('normalizeInto writes at an offset and nowhere else; refuses a short buffer', () => {
  const buf = new Float32Array(10).fill(-7);
  normalizeInto(TWO, PLAIN, buf, 3);
  assert.deepEqual([...buf], [-7, -7, -7, 10, 40, 20, 50, 30, 60, -7]);
  assert.throws(() => normalizeInto(TWO, PLAIN, buf, 5), RangeError);
});

test('normalising the reference pixels reproduces the published pipelines\' tensors', async (t) => {
  for (const tc of manifest.tensors) {
    const c = manifest.cases.find((x) => x.id === tc.case)!;
    const pixels = await fixtureImage(c[tc.resize]);
    const ref = fixtureTensor(tc);
    const ours = normalize(pixels, tc.spec);
    assert.equal(ours.length, ref.length);
    // Float32 rounding only: the references round mean/std to float32 before subtracting (103.939 is off by
    // 4e-6 there), we evaluate in float64 and round once.
    let maxRel = 0;
    for (let i = 0; i < ref.length; i++) maxRel = Math.max(maxRel, Math.abs(ours[i] - ref[i]) / Math.max(1, Math.abs(ref[i])));
    t.diagnostic(`${tc.id} (${tc.style}, ${tc.spec.colorOrder} ${tc.spec.layout}): max relative |diff| ${maxRel.toExponential(2)}`);
    assert.ok(maxRel <= 1e-5, `${tc.id}: max relative |diff| ${maxRel}`);
  }
});
