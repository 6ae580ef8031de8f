import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describePreprocessing, preprocess, preprocessInto, tensorLength } from '../../src/media/preprocess.js';
import { InputSpec } from '../../src/models/card.js';
import { FIXTURES, fixtureImage, fixtureTensor, manifest, parity, specFor } from './fixtures.js';

const B0 = InputSpec.parse({
  name: 'input', size: 224, colorOrder: 'RGB', layout: 'NCHW', scale: 1 / 255,
  mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], resize: 'cv2',
});

test('file → tensor matches the published pipelines\' tensors within 0.02', async (t) => {
  for (const tc of manifest.tensors) {
    const c = manifest.cases.find((x) => x.id === tc.case)!;
    const spec = specFor(tc, c.size);
    const r = await preprocess({ path: FIXTURES + c.photo, box: c.box ?? undefined }, spec);
    assert.ok(r.ok, tc.id);
    assert.deepEqual([r.rect.width, r.rect.height], [c.cropWidth, c.cropHeight]);
    const ref = fixtureTensor(tc);
    assert.equal(r.tensor.length, ref.length);
    // 0.02 is a grey level and a bit at ImageNet scale; raw-pixel specs (scale 1) pass only if the resize is exact.
    const p = parity(r.tensor, ref, 0.02);
    t.diagnostic(`${tc.id}: max |diff| ${p.maxDiff.toExponential(2)}, within 0.02: ${(100 * p.within).toFixed(3)}%`);
    assert.equal(p.within, 1, `${tc.id}: max |diff| ${p.maxDiff}`);
  }
});

test('preprocessInto fills one batch slot, and decoded images work like files', async () => {
  const img = await fixtureImage('astronaut.png');
  const box = { x: 165, y: 60, width: 120, height: 120 };
  const n = tensorLength(B0);
  const batch = new Float32Array(3 * n).fill(Number.NaN);
  const r = await preprocessInto({ image: img, box }, B0, batch, 1);
  assert.ok(r.ok);
  assert.ok(batch.subarray(0, n).every(Number.isNaN));
  assert.ok(batch.subarray(2 * n).every(Number.isNaN));
  const single = await preprocess({ path: join(FIXTURES, 'astronaut.png'), box }, B0);
  assert.ok(single.ok);
  assert.deepEqual(batch.subarray(n, 2 * n), single.tensor);
  await assert.rejects(preprocessInto({ image: img }, B0, batch, 3), RangeError);
});

test('clipping and margin are reported; skips carry reason and file', async () => {
  const path = join(FIXTURES, 'chelsea.png');
  const clipped = await preprocess({ path, box: { x: 400, y: 250, width: 100, height: 100 } }, B0, { margin: 0.1 });
  assert.ok(clipped.ok);
  assert.equal(clipped.clipped, true);
  assert.deepEqual(clipped.rect, { x: 390, y: 240, width: 61, height: 60 });

  const outside = await preprocess({ path, box: { x: 500, y: 0, width: 10, height: 10 } }, B0);
  assert.ok(!outside.ok);
  assert.equal(outside.reason, 'box-outside-image');
  assert.equal(outside.file, path);

  const missing = await preprocess({ path: join(FIXTURES, 'nope.jpg') }, B0);
  assert.ok(!missing.ok);
  assert.equal(missing.reason, 'missing-file');
});

test('describePreprocessing states kernel, size, order, scale, mean, std and layout', () => {
  const d = describePreprocessing({ ...B0, resize: 'pil', size: 260 }, { margin: 0.2 });
  assert.equal(d.resize.kernel, 'pil');
  assert.equal(d.resize.width, 260);
  assert.match(d.resize.reference, /Pillow/);
  assert.equal(d.crop.margin, 0.2);
  assert.deepEqual([d.colorOrder, d.layout, d.scale], ['RGB', 'NCHW', 1 / 255]);
  assert.deepEqual(d.mean, [0.485, 0.456, 0.406]);
  assert.deepEqual(d.std, [0.229, 0.224, 0.225]);
  assert.doesNotThrow(() => JSON.stringify(d));
});
