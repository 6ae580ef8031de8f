import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cropRect, extractRect, fullRect } from '../../src/media/crop.js';
import { rgbImage } from '../../src/media/image.js';
import { RESIZE_KERNELS, resizeRgb, resizeRgbFloat, type ResizeKernel } from '../../src/media/resize.js';
import { initTfjsBackend, tf } from '../../src/models/engines/tfjs-backend.js';
import { fixtureImage, manifest, parity, type ResizeCase } from './fixtures.js';

/** Kernels with Python-made references in the fixtures (tf-bilinear is checked against tfjs itself below). */
const REFERENCED: ResizeKernel[] = ['cv2', 'pil', 'cv2-area', 'pil-nearest'];
const KERNELS = Object.keys(RESIZE_KERNELS) as ResizeKernel[];
const LIBRARY: Record<string, string> = {
  cv2: `OpenCV ${manifest.opencv} INTER_LINEAR`,
  pil: `Pillow ${manifest.pillow} BILINEAR`,
  'cv2-area': `OpenCV ${manifest.opencv} INTER_AREA`,
  'pil-nearest': `Pillow ${manifest.pillow} NEAREST`,
};

/** The case's reference PNG for a kernel, if the generator wrote one (newer kernels cover a subset of cases). */
function reference(c: ResizeCase, kernel: ResizeKernel): string | undefined {
  return (c as unknown as Partial<Record<ResizeKernel, string>>)[kernel];
}

for (const kernel of REFERENCED) {
  test(`${kernel} resize matches ${LIBRARY[kernel]} on real photographs`, async (t) => {
    const cases = manifest.cases.filter((c) => reference(c, kernel) !== undefined);
    assert.ok(cases.length >= 5, `${kernel}: only ${cases.length} reference cases`);
    for (const c of cases) {
      const img = await fixtureImage(c.photo);
      let rect = fullRect(img);
      if (c.box) {
        const r = cropRect(c.box, img.width, img.height);
        assert.ok(r.ok);
        rect = r.rect;
      }
      assert.deepEqual([rect.width, rect.height], [c.cropWidth, c.cropHeight], c.id);
      const ours = resizeRgb(img, { width: c.size, height: c.size, kernel, rect });
      const ref = await fixtureImage(reference(c, kernel)!);
      const p = parity(ours.data, ref.data, 1);
      t.diagnostic(`${c.id} (${c.cropWidth}x${c.cropHeight} -> ${c.size}): max |diff| ${p.maxDiff}, exact: ${(100 * p.exact).toFixed(3)}%`);
      // The module and the zoo cards claim bit-exact equality with the library: asserted as such. A kernel
      // that stops being exact must have its claim or its code fixed, never this assertion.
      assert.equal(p.maxDiff, 0, `${c.id}: max |diff| ${p.maxDiff}, only ${(100 * p.exact).toFixed(3)}% of values exact`);
    }
  });
}

test('resizing a rect in place equals resizing the extracted crop', async () => {
  const img = await fixtureImage('coffee.png');
  const rect = { x: 211, y: 37, width: 97, height: 131 };
  for (const kernel of KERNELS) {
    const inPlace = resizeRgb(img, { width: 60, height: 45, kernel, rect });
    const copied = resizeRgb(extractRect(img, rect), { width: 60, height: 45, kernel });
    assert.deepEqual(inPlace.data, copied.data, kernel);
  }
});

test('same-size resize is the identity; a flat image stays flat at any size', () => {
  const data = new Uint8Array(7 * 5 * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37) % 256;
  const img = rgbImage(data, 7, 5);
  const flat = rgbImage(new Uint8Array(9 * 4 * 3).fill(201), 9, 4);
  for (const kernel of KERNELS) {
    assert.deepEqual(resizeRgb(img, { width: 7, height: 5, kernel }).data, data, kernel);
    for (const [w, h] of [[1, 1], [3, 17], [224, 224], [5, 2]]) {
      const out = resizeRgb(flat, { width: w, height: h, kernel });
      assert.ok(out.data.every((v) => v === 201), `${kernel} ${w}x${h}`);
    }
  }
});

test('writes into a caller buffer; rejects rects outside the image and bad sizes', () => {
  const img = rgbImage(new Uint8Array(4 * 4 * 3).fill(9), 4, 4);
  const out = new Uint8Array(2 * 2 * 3);
  const r = resizeRgb(img, { width: 2, height: 2, kernel: 'pil', out });
  assert.equal(r.data, out);
  assert.ok(out.every((v) => v === 9));
  assert.throws(() => resizeRgb(img, { width: 2, height: 2, kernel: 'cv2', rect: { x: 2, y: 0, width: 3, height: 4 } }), RangeError);
  assert.throws(() => resizeRgb(img, { width: 0, height: 2, kernel: 'cv2' }), RangeError);
  assert.throws(() => resizeRgb(img, { width: 3, height: 3, kernel: 'cv2', out }), RangeError);
});

test('cv2-area takes each of OpenCV\'s INTER_AREA branches on the fixture cases', () => {
  // Which branch a case exercises, by OpenCV's own tests on scale = 1 / (dsize / ssize).
  const branch = (c: ResizeCase) => {
    const sx = 1 / (c.size / c.cropWidth), sy = 1 / (c.size / c.cropHeight);
    if (sx >= 1 && sy >= 1) {
      const fast = Math.abs(sx - Math.round(sx)) < Number.EPSILON && Math.abs(sy - Math.round(sy)) < Number.EPSILON;
      return fast ? (sx === 2 && sy === 2 ? 'fast-2x2' : 'fast-integer') : 'area-tables';
    }
    return sx < 1 && sy < 1 ? 'bilinear-up' : 'bilinear-mixed';
  };
  const seen = new Set(manifest.cases.filter((c) => reference(c, 'cv2-area')).map(branch));
  assert.deepEqual([...seen].sort(), ['area-tables', 'bilinear-mixed', 'bilinear-up', 'fast-2x2', 'fast-integer']);
});

test("tf-bilinear is tfjs's own tf.image.resizeBilinear (alignCorners false, halfPixelCenters false)", async (t) => {
  const backend = await initTfjsBackend();
  const img = await fixtureImage('coffee.png');
  const rects = [
    { x: 211, y: 37, width: 97, height: 131 }, // non-square, grown
    { x: 0, y: 0, width: 600, height: 400 }, // shrunk, anisotropic
    { x: 100, y: 40, width: 300, height: 300 },
    { x: 599, y: 10, width: 1, height: 7 }, // a one-pixel-wide sliver
  ];
  const sizes: [number, number][] = [[112, 112], [224, 224], [61, 17], [1, 1], [300, 5]];
  let worst = 0;
  for (const rect of rects) {
    for (const [w, h] of sizes) {
      const ours = resizeRgbFloat(img, { width: w, height: h, kernel: 'tf-bilinear', rect });
      const theirs = tf.tidy(() => {
        const crop = tf.tensor3d(img.data, [img.height, img.width, 3], 'int32').slice([rect.y, rect.x, 0], [rect.height, rect.width, 3]);
        return tf.image.resizeBilinear(crop.expandDims(0) as import('@tensorflow/tfjs').Tensor4D, [h, w], false, false).dataSync() as Float32Array;
      });
      const p = parity(ours, theirs, 0);
      worst = Math.max(worst, p.maxDiff);
      // The wasm backend (XNNPACK, float32 throughout) is what the kernel reproduces; tfjs's pure-JS cpu
      // backend computes positions in float64 and lands within a hundredth of a grey level.
      if (backend.backend === 'wasm') assert.equal(p.maxDiff, 0, `${JSON.stringify(rect)} -> ${w}x${h}: max |diff| ${p.maxDiff}`);
      else assert.ok(p.maxDiff < 0.01, `${JSON.stringify(rect)} -> ${w}x${h}: max |diff| ${p.maxDiff}`);
      // resizeRgb's uint8 output is that float rounded to the nearest grey level.
      const u8 = resizeRgb(img, { width: w, height: h, kernel: 'tf-bilinear', rect });
      assert.ok(u8.data.every((v, i) => v === Math.round(ours[i])));
    }
  }
  t.diagnostic(`tfjs ${backend.version} ${backend.backend} backend: max |diff| ${worst} over ${rects.length * sizes.length} resizes`);
});
