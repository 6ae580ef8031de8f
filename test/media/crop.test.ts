import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cropImage, cropRect, extractRect } from '../../src/media/crop.js';
import { rgbImage } from '../../src/media/image.js';

/** A w×h image whose pixel (x, y) is (x, y, 7). */
function ramp(w: number, h: number) {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([x, y, 7], (y * w + x) * 3);
  return rgbImage(data, w, h);
}

test('a box inside the image is img[y:y+h, x:x+w]', () => {
  const r = cropRect({ x: 10, y: 20, width: 30, height: 40 }, 100, 80);
  assert.deepEqual(r, { ok: true, rect: { x: 10, y: 20, width: 30, height: 40 }, clipped: false });
});

test('float coordinates are truncated like Python int(), as AffectNet\'s 134.0 needs', () => {
  const r = cropRect({ x: 134.0, y: 20.9, width: 30.99, height: 40.5 }, 300, 300);
  assert.ok(r.ok);
  assert.deepEqual(r.rect, { x: 134, y: 20, width: 30, height: 40 });
});

test('margin grows the integer box by round(margin * size) per side', () => {
  const r = cropRect({ x: 50, y: 50, width: 20, height: 10 }, 200, 200, { margin: 0.25 });
  assert.ok(r.ok);
  assert.deepEqual(r.rect, { x: 45, y: 47, width: 30, height: 16 }); // 5 px and round(2.5) = 3 px
  assert.equal(r.clipped, false);
});

test('a box partly outside is clipped to the image', () => {
  const right = cropRect({ x: 90, y: 70, width: 30, height: 30 }, 100, 80);
  assert.deepEqual(right, { ok: true, rect: { x: 90, y: 70, width: 10, height: 10 }, clipped: true });
  const left = cropRect({ x: -5, y: -10, width: 20, height: 30 }, 100, 80);
  assert.deepEqual(left, { ok: true, rect: { x: 0, y: 0, width: 15, height: 20 }, clipped: true });
  const margin = cropRect({ x: 0, y: 0, width: 100, height: 80 }, 100, 80, { margin: 0.1 });
  assert.deepEqual(margin, { ok: true, rect: { x: 0, y: 0, width: 100, height: 80 }, clipped: true });
});

test('a box fully outside, empty or not finite is a box-outside-image skip', () => {
  const cases = [
    { x: 100, y: 0, width: 10, height: 10 }, // starts at the right edge
    { x: -20, y: 5, width: 20, height: 10 }, // ends at the left edge
    { x: 5, y: 500, width: 10, height: 10 },
    { x: 5, y: 5, width: 0, height: 10 },
    { x: 5, y: 5, width: 10, height: -3 },
    { x: 5, y: 5, width: 0.5, height: 10 }, // truncates to 0
    { x: Number.NaN, y: 5, width: 10, height: 10 },
  ];
  for (const box of cases) {
    const r = cropRect(box, 100, 80);
    assert.ok(!r.ok, JSON.stringify(box));
    assert.equal(r.reason, 'box-outside-image');
    assert.ok(r.detail.length > 0);
  }
});

test('cropImage copies the rectangle; no box means the whole image', () => {
  const img = ramp(20, 10);
  const c = cropImage(img, { x: 3, y: 4, width: 5, height: 2 });
  assert.ok(c.ok);
  assert.equal(c.image.width, 5);
  assert.equal(c.image.height, 2);
  assert.deepEqual([...c.image.data.subarray(0, 3)], [3, 4, 7]);
  assert.deepEqual([...c.image.data.subarray(-3)], [7, 5, 7]);
  assert.deepEqual(extractRect(img, { x: 0, y: 0, width: 20, height: 10 }).data, img.data);

  const whole = cropImage(img, undefined);
  assert.ok(whole.ok);
  assert.equal(whole.image, img);

  const out = cropImage(img, { x: 30, y: 0, width: 5, height: 5 });
  assert.ok(!out.ok);
  assert.equal(out.reason, 'box-outside-image');
});
