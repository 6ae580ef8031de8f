import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cropRect, extractRect, fullRect } from '../../src/media/crop.js';
import { rgbImage } from '../../src/media/image.js';
import { resizeRgb, type ResizeKernel } from '../../src/media/resize.js';
import { fixtureImage, manifest, parity } from './fixtures.js';

const KERNELS: ResizeKernel[] = ['cv2', 'pil'];

for (const kernel of KERNELS) {
  test(`${kernel} resize matches ${kernel === 'cv2' ? `OpenCV ${manifest.opencv}` : `Pillow ${manifest.pillow}`} on real photographs`, async (t) => {
    for (const c of manifest.cases) {
      const img = await fixtureImage(c.photo);
      let rect = fullRect(img);
      if (c.box) {
        const r = cropRect(c.box, img.width, img.height);
        assert.ok(r.ok);
        rect = r.rect;
      }
      assert.deepEqual([rect.width, rect.height], [c.cropWidth, c.cropHeight], c.id);
      const ours = resizeRgb(img, { width: c.size, height: c.size, kernel, rect });
      const ref = await fixtureImage(c[kernel]);
      const p = parity(ours.data, ref.data, 1);
      t.diagnostic(
        `${c.id} (${c.cropWidth}x${c.cropHeight} -> ${c.size}): max |diff| ${p.maxDiff}, ` +
          `<=1: ${(100 * p.within).toFixed(3)}%, exact: ${(100 * p.exact).toFixed(3)}%`,
      );
      assert.ok(p.within >= 0.99, `${c.id}: only ${(100 * p.within).toFixed(3)}% of values within 1 grey level`);
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
