import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { BenchError } from '../../../src/errors.js';
import type { FaceDetector } from '../../../src/media/faces/detector.js';
import { createSsdDetector } from '../../../src/media/faces/faceapi-ssd.js';
import { decodeImage, type RgbImage } from '../../../src/media/image.js';

const ASTRONAUT = new URL('../../fixtures/faces/astronaut.png', import.meta.url).pathname;

let detector: FaceDetector;
let astronaut: RgbImage;
before(async () => {
  detector = await createSsdDetector();
  const d = await decodeImage(ASTRONAUT);
  assert.ok(d.ok);
  astronaut = d.image;
});
after(() => detector.dispose());

test('finds the one face in the astronaut photo, in pixel coordinates', async () => {
  assert.equal(detector.name, 'face-api/ssd_mobilenetv1');
  const faces = await detector.detect(astronaut);
  assert.equal(faces.length, 1);
  const [{ box, score }] = faces;
  assert.ok(score > 0.9, `score ${score}`);
  // Eileen Collins's face: centred near (222, 124) in the 512×512 image, about 80×100 px.
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  assert.ok(Math.abs(cx - 222) < 15 && Math.abs(cy - 124) < 15, `centre (${cx}, ${cy})`);
  assert.ok(box.width > 60 && box.width < 120 && box.height > 70 && box.height < 140, `size ${box.width}×${box.height}`);
});

test('minConfidence drops faces below it (default 0.5)', async () => {
  const strict = await createSsdDetector({ minConfidence: 0.995 });
  assert.deepEqual(await strict.detect(astronaut), []);
  await strict.dispose();
});

test('several faces come best first, within the image, and maxResults caps them', async () => {
  // The astronaut twice, side by side; the right copy shrunk so the two scores differ.
  const src = sharp(Buffer.from(astronaut.data), { raw: { width: 512, height: 512, channels: 3 } });
  const small = await src.clone().resize(384, 384).png().toBuffer();
  const { data, info } = await sharp({ create: { width: 1024, height: 512, channels: 3, background: { r: 128, g: 128, b: 128 } } })
    .composite([{ input: await src.clone().png().toBuffer(), left: 0, top: 0 }, { input: small, left: 600, top: 60 }])
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const image = { data: new Uint8Array(data), width: info.width, height: info.height };
  const faces = await detector.detect(image);
  assert.equal(faces.length, 2);
  assert.ok(faces[0].score >= faces[1].score);
  assert.deepEqual(faces.map((f) => f.box.x < 512).sort(), [false, true], 'one face in each copy');
  for (const { box } of faces) assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= 1024 && box.y + box.height <= 512);
  const one = await createSsdDetector({ maxResults: 1 });
  assert.equal((await one.detect(image)).length, 1);
  await one.dispose();
});

test('an image without a face gives no detections', async () => {
  const grey = { data: new Uint8Array(320 * 240 * 3).fill(128), width: 320, height: 240 };
  assert.deepEqual(await detector.detect(grey), []);
});

test('bad pixels and a bad threshold are BAD_INPUT', async () => {
  await assert.rejects(detector.detect({ data: new Uint8Array(10), width: 4, height: 4 }), (e: unknown) => e instanceof BenchError && e.code === 'BAD_INPUT');
  await assert.rejects(createSsdDetector({ minConfidence: 2 }), (e: unknown) => e instanceof BenchError && e.code === 'BAD_INPUT');
});

test('on a generated clip: the face on every face frame, none on the no-face frames (a short clip: this detector is slow)', async () => {
  const { openVideo } = await import('../../../src/media/video/decode.js');
  const { writeFaceClip, FIXTURE_PHOTOS } = await import('../../../src/media/video/fixture.js');
  const { iou } = await import('../../../src/media/faces/geometry.js');
  const { tempDir } = await import('../../datasets/tmpdir.js');
  const { astronaut, coffee } = FIXTURE_PHOTOS;
  const truth = await writeFaceClip(`${await tempDir('ssd-clip')}/c.mp4`, {
    segments: [
      { photo: astronaut, frames: 5, from: { zoom: 4, dx: 0.3 }, to: { zoom: 2.5 } },
      { photo: coffee, frames: 3, from: { zoom: 0.8 } },
      { photo: astronaut, frames: 3, from: { zoom: 2 } },
    ],
  });
  const opened = await openVideo(truth.path);
  assert.ok(opened.ok);
  let found = 0, falseAlarms = 0;
  for await (const f of opened.clip.frames) {
    const expected = truth.frames[f.index].face;
    const faces = await detector.detect(f.image);
    if (!expected) falseAlarms += faces.length;
    else if (faces.length > 0 && iou(faces[0].box, expected) > 0.5) found++;
  }
  assert.equal(found, 8);
  assert.equal(falseAlarms, 0);
});
