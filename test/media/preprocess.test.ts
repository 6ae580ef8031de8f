import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { padToSquare, squarePadding, describePreprocessing, preprocess, preprocessInto, tensorLength } from '../../src/media/preprocess.js';
import { resizeRgbFloat } from '../../src/media/resize.js';
import { InputSpec } from '../../src/models/card.js';
import { tf } from '../../src/models/engines/tfjs-backend.js';
import { loadFaceApi } from '../../src/models/faceapi.js';
import { FIXTURES, fixtureImage, fixtureTensor, manifest, parity, specFor } from './fixtures.js';

const B0 = InputSpec.parse({
  name: 'input', size: 224, colorOrder: 'RGB', layout: 'NCHW', scale: 1 / 255,
  mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], resize: 'cv2',
});

test('file → tensor matches the published pipelines\' tensors to float32 rounding (1e-4: no pixel differs)', async (t) => {
  for (const tc of manifest.tensors) {
    const c = manifest.cases.find((x) => x.id === tc.case)!;
    const spec = specFor(tc, c.size);
    const r = await preprocess({ path: FIXTURES + c.photo, box: c.box ?? undefined }, spec);
    assert.ok(r.ok, tc.id);
    assert.deepEqual([r.rect.width, r.rect.height], [c.cropWidth, c.cropHeight]);
    const ref = fixtureTensor(tc);
    assert.equal(r.tensor.length, ref.length);
    // One grey level is 0.017 at ImageNet scale and 1 for raw-pixel specs; 1e-4 leaves only the float32
    // rounding of the normalisation, so the resized pixels must be exactly the library's.
    const p = parity(r.tensor, ref, 1e-4);
    t.diagnostic(`${tc.id}: max |diff| ${p.maxDiff.toExponential(2)}`);
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

test('--min-face: a 1×1 face (or one clipped below the minimum) is skipped as face-too-small; off by default', async () => {
  const path = join(FIXTURES, 'chelsea.png');
  const tiny = { x: 100, y: 100, width: 1, height: 1 };
  assert.ok((await preprocess({ path, box: tiny }, B0)).ok, 'no minimum by default: the pixel is upsampled like any face');
  const small = await preprocess({ path, box: tiny }, B0, { minFacePx: 16 });
  assert.ok(!small.ok);
  assert.equal(small.reason, 'face-too-small');
  assert.match(small.detail, /1x1 px, smaller than the minimum of 16 px/);
  // The check is on the crop after clipping: a large box mostly outside the image is what is left of it.
  const edge = await preprocess({ path, box: { x: 445, y: 0, width: 100, height: 100 } }, B0, { minFacePx: 16 });
  assert.ok(!edge.ok && edge.reason === 'face-too-small');
  assert.ok((await preprocess({ path, box: { x: 100, y: 100, width: 16, height: 20 } }, B0, { minFacePx: 16 })).ok);
  // The description (and so the store key) changes only when the option is set.
  assert.equal('minFacePx' in describePreprocessing(B0).crop, false);
  assert.equal(describePreprocessing(B0, { minFacePx: 16 }).crop.minFacePx, 16);
});

test('describePreprocessing states kernel, fit, size, order, scale, mean, std and layout', () => {
  assert.equal(B0.fit, 'stretch', 'fit defaults to stretch');
  assert.deepEqual(describePreprocessing(B0).fit.mode, 'stretch');
  const { fit: _fit, ...noFit } = B0;
  assert.equal(describePreprocessing(noFit).fit.mode, 'stretch', 'a spec without fit stretches');
  const padded = describePreprocessing({ ...B0, fit: 'pad-square', resize: 'tf-bilinear' });
  assert.equal(padded.fit.mode, 'pad-square');
  assert.match(padded.fit.reference, /padToSquare/);
  assert.match(padded.resize.reference, /resizeBilinear/);
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

// face-api's spec (the faceapi_expression card): pad to a square, tf.image.resizeBilinear, (pixel - mean) / 255, NHWC.
const FACEAPI = InputSpec.parse({
  name: 'input', size: 112, colorOrder: 'RGB', layout: 'NHWC', scale: 1,
  mean: [122.782, 117.001, 104.298], std: [255, 255, 255], resize: 'tf-bilinear', fit: 'pad-square',
});

/** Non-square rects of coffee.png: tall and wide, even and odd size differences, a difference of 1. */
const PAD_RECTS = [
  { x: 211, y: 37, width: 97, height: 131 }, // tall, diff 34
  { x: 200, y: 30, width: 90, height: 125 }, // tall, diff 35 (odd)
  { x: 10, y: 200, width: 151, height: 80 }, // wide, diff 71 (odd)
  { x: 10, y: 200, width: 150, height: 80 }, // wide, diff 70
  { x: 300, y: 100, width: 41, height: 40 }, // wide, diff 1
  { x: 300, y: 100, width: 40, height: 41 }, // tall, diff 1
];

test("pad-square places the zeros as face-api's padToSquare(centred) does", async (t) => {
  const faceapi = (await loadFaceApi()) as unknown as { padToSquare(x: tfTypes.Tensor4D, center: boolean): tfTypes.Tensor4D };
  const img = await fixtureImage('coffee.png');
  for (const rect of PAD_RECTS) {
    const pad = squarePadding(rect.width, rect.height);
    const ours = padToSquare(img, rect, pad, new Uint8Array(Math.max(rect.width, rect.height) ** 2 * 3));
    const theirs = tf.tidy(() => {
      const crop = tf.tensor3d(img.data, [img.height, img.width, 3], 'int32').slice([rect.y, rect.x, 0], [rect.height, rect.width, 3]);
      const sq = faceapi.padToSquare(crop.expandDims(0) as tfTypes.Tensor4D, true);
      return { shape: sq.shape, data: sq.dataSync() as Float32Array };
    });
    assert.deepEqual(theirs.shape, [1, ours.height, ours.width, 3], JSON.stringify(rect));
    assert.deepEqual(Array.from(ours.data), Array.from(theirs.data), `${JSON.stringify(rect)} padded ${JSON.stringify(pad)}`);
    t.diagnostic(`${rect.width}x${rect.height}: ${JSON.stringify(pad)}`);
  }
  // Odd differences put the extra column/row after the crop (Math.round(diff / 2) is appended).
  assert.deepEqual(squarePadding(90, 125), { top: 0, bottom: 0, left: 17, right: 18 });
  assert.deepEqual(squarePadding(151, 80), { top: 35, bottom: 36, left: 0, right: 0 });
  assert.deepEqual(squarePadding(41, 40), { top: 0, bottom: 1, left: 0, right: 0 });
  assert.deepEqual(squarePadding(64, 64), { top: 0, bottom: 0, left: 0, right: 0 });
});

test("face-api's spec through preprocess is face-api's own NetInput.toBatchTensor(112, true), normalised", async (t) => {
  const faceapi = await loadFaceApi();
  const img = await fixtureImage('coffee.png');
  const n = tensorLength(FACEAPI);
  for (const rect of [...PAD_RECTS, { x: 100, y: 40, width: 300, height: 300 }]) {
    const r = await preprocess({ image: img, box: rect }, FACEAPI);
    assert.ok(r.ok);
    assert.equal(r.tensor.length, n);
    assert.deepEqual(r.padding, rect.width === rect.height ? undefined : squarePadding(rect.width, rect.height));
    const pixels = tf.tidy(() => {
      const crop = tf.tensor3d(img.data, [img.height, img.width, 3], 'int32').slice([rect.y, rect.x, 0], [rect.height, rect.width, 3]);
      const input = new faceapi.NetInput([crop as tfTypes.Tensor3D]) as unknown as { toBatchTensor(size: number, center: boolean): tfTypes.Tensor4D };
      return input.toBatchTensor(112, true).dataSync() as Float32Array;
    });
    // The same floats, normalised with the card's formula, are exactly our tensor.
    const expected = Float32Array.from(pixels, (p, i) => (p - FACEAPI.mean[i % 3]) / 255);
    const p = parity(r.tensor, expected, 0);
    t.diagnostic(`${rect.width}x${rect.height} -> 112: max |diff| ${p.maxDiff} (normalised units), exact ${(100 * p.exact).toFixed(3)}%`);
    assert.ok(p.maxDiff < 1e-6, `${JSON.stringify(rect)}: max |diff| ${p.maxDiff}`);
    // And the resized pixels themselves match tfjs bit for bit on the wasm backend.
    if (tf.getBackend() === 'wasm') {
      const sq = padToSquare(img, rect);
      const ours = resizeRgbFloat(sq, { width: 112, height: 112, kernel: 'tf-bilinear' });
      assert.equal(parity(ours, pixels, 0).maxDiff, 0, JSON.stringify(rect));
    }
  }
});

test('pad-square with the other kernels pads with zeros, then resizes the square', async () => {
  const img = await fixtureImage('chelsea.png');
  const rect = { x: 140, y: 20, width: 100, height: 180 };
  const spec = InputSpec.parse({ ...B0, size: 90, fit: 'pad-square', scale: 1, mean: [0, 0, 0], std: [1, 1, 1], layout: 'NHWC' });
  const r = await preprocess({ image: img, box: rect }, spec);
  assert.ok(r.ok);
  assert.deepEqual(r.padding, { top: 0, bottom: 0, left: 40, right: 40 });
  // 180 -> 90 is an exact 2x shrink: the 40 zero columns each side become 20 black columns, the crop's columns are not black.
  for (let y = 0; y < 90; y++) {
    for (let x = 0; x < 90; x++) {
      const v: number = r.tensor[(y * 90 + x) * 3] + r.tensor[(y * 90 + x) * 3 + 1] + r.tensor[(y * 90 + x) * 3 + 2];
      if (x < 20 || x >= 70) assert.equal(v, 0, `(${x}, ${y})`);
    }
  }
  const stretched = await preprocess({ image: img, box: rect }, { ...spec, fit: 'stretch' });
  assert.ok(stretched.ok);
  assert.equal(stretched.padding, undefined);
  assert.notDeepEqual(stretched.tensor, r.tensor);
});
