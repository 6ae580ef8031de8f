import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { decodeImage, decodeImageBuffer, describeDecoder, rgbImage } from '../../src/media/image.js';
import { BenchError } from '../../src/errors.js';
import { FIXTURES, fixtureImage, manifest, parity } from './fixtures.js';

test('decoded photos are byte-identical to what PIL and cv2 decode', async () => {
  for (const [name, ref] of Object.entries(manifest.photos)) {
    const img = await fixtureImage(name);
    assert.equal(img.width, ref.width, name);
    assert.equal(img.height, ref.height, name);
    assert.equal(img.data.length, img.width * img.height * 3);
    // astronaut.png and chelsea.png carry ICC profiles: equality also shows they are ignored, as cv2 does.
    assert.equal(createHash('sha256').update(img.data).digest('hex'), ref.rgbSha256, name);
  }
});

test('EXIF orientation is applied, as cv2.imread does', async (t) => {
  const o = manifest.orientation;
  const ours = await decodeImage(FIXTURES + o.file);
  assert.ok(ours.ok);
  assert.deepEqual([ours.image.width, ours.image.height], [o.cv2Width, o.cv2Height]);
  assert.notDeepEqual([o.cv2Width, o.cv2Height], [o.storedWidth, o.storedHeight]);
  const cv2 = await fixtureImage(o.cv2);
  const p = parity(ours.image.data, cv2.data, 1);
  t.diagnostic(`orientation-6.jpg vs cv2.imread: max |diff| ${p.maxDiff}, exact ${(100 * p.exact).toFixed(2)}%`);
  assert.ok(p.within >= 0.99, `only ${p.within} of pixels within 1 grey level`);

  const raw = await decodeImage(FIXTURES + o.file, { autoOrient: false });
  assert.ok(raw.ok);
  assert.deepEqual([raw.image.width, raw.image.height], [o.storedWidth, o.storedHeight]);
});

test('grey is replicated to RGB, alpha is dropped (not composited), 16-bit is reduced to 8', async () => {
  const rgb = await fixtureImage('chelsea.png');
  const png = readFileSync(FIXTURES + 'chelsea.png');

  const grey = await decodeImageBuffer(await sharp(png).greyscale().png().toBuffer());
  assert.ok(grey.ok);
  assert.equal(grey.image.data.length, rgb.width * rgb.height * 3);
  for (let i = 0; i < grey.image.data.length; i += 3) {
    assert.ok(grey.image.data[i] === grey.image.data[i + 1] && grey.image.data[i] === grey.image.data[i + 2]);
  }

  const rgba = await decodeImageBuffer(await sharp(png).ensureAlpha(0.25).png().toBuffer());
  assert.ok(rgba.ok);
  assert.deepEqual(rgba.image.data, rgb.data);

  const deep = await decodeImageBuffer(await sharp(png).toColourspace('rgb16').png().toBuffer());
  assert.ok(deep.ok);
  assert.deepEqual(deep.image.data, rgb.data);
});

test('a truncated JPEG is decode-failed, not a half-grey image', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fer-media-'));
  try {
    const jpeg = await sharp(readFileSync(FIXTURES + 'coffee.png')).jpeg({ quality: 90 }).toBuffer();
    const whole = join(dir, 'whole.jpg');
    const cut = join(dir, 'cut.jpg');
    writeFileSync(whole, jpeg);
    writeFileSync(cut, jpeg.subarray(0, Math.floor(jpeg.length * 0.6)));
    assert.equal((await decodeImage(whole)).ok, true);
    const r = await decodeImage(cut);
    assert.ok(!r.ok);
    assert.equal(r.reason, 'decode-failed');
    assert.equal(r.file, cut);
    assert.match(r.detail, /premature end|truncat/i);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('not an image is decode-failed; a missing file is missing-file; a directory is read-failed', async () => {
  const junk = await decodeImageBuffer(new TextEncoder().encode('not an image at all'), {}, 'junk.jpg');
  assert.ok(!junk.ok);
  assert.equal(junk.reason, 'decode-failed');
  assert.equal(junk.file, 'junk.jpg');

  const missing = await decodeImage(join(FIXTURES, 'no-such-photo.jpg'));
  assert.ok(!missing.ok);
  assert.equal(missing.reason, 'missing-file');
  assert.match(missing.detail, /ENOENT/);

  const dir = await decodeImage(FIXTURES);
  assert.ok(!dir.ok);
  assert.equal(dir.reason, 'read-failed');
});

test('rgbImage checks the byte count; describeDecoder names the settings', () => {
  assert.equal(rgbImage(new Uint8Array(12), 2, 2).width, 2);
  assert.throws(() => rgbImage(new Uint8Array(11), 2, 2), BenchError);
  assert.throws(() => rgbImage(new Uint8Array(0), 0, 0), BenchError);
  assert.match(describeDecoder(), /sharp .*EXIF orientation applied, ICC profile ignored/);
});
