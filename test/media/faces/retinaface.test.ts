import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { detectorKey, type FaceDetector } from '../../../src/media/faces/detector.js';
import { iou } from '../../../src/media/faces/geometry.js';
import { createRetinaFaceDetector } from '../../../src/media/faces/retinaface.js';
import { decodeImage, type RgbImage } from '../../../src/media/image.js';
import { openVideo } from '../../../src/media/video/decode.js';
import { containerExtension, writeFaceClip, FIXTURE_PHOTOS } from '../../../src/media/video/fixture.js';
import { tempDir } from '../../datasets/tmpdir.js';
import { expectBenchError } from '../../expect-error.js';

const FACEAPI_DEMO = join(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json'), '..', 'demo');

async function load(path: string): Promise<RgbImage> {
  const d = await decodeImage(path);
  assert.ok(d.ok, path);
  return d.image;
}

let detector: FaceDetector;
let astronaut: RgbImage;
before(async () => {
  detector = await createRetinaFaceDetector();
  astronaut = await load(FIXTURE_PHOTOS.astronaut.path);
});
after(() => detector.dispose());

test('finds the astronaut, with five landmarks where a face has them', async () => {
  const faces = await detector.detect(astronaut);
  assert.equal(faces.length, 1);
  const [{ box, score, landmarks }] = faces;
  assert.ok(score > 0.99, `score ${score}`);
  assert.ok(iou(box, FIXTURE_PHOTOS.astronaut.face) > 0.95, JSON.stringify(box));
  assert.equal(landmarks?.length, 5);
  const [le, re, nose, lm, rm] = landmarks!;
  for (const [x, y] of landmarks!) assert.ok(x > box.x && x < box.x + box.width && y > box.y && y < box.y + box.height, 'inside the box');
  assert.ok(le[0] < nose[0] && nose[0] < re[0], 'nose between the eyes');
  assert.ok(lm[0] < rm[0] && Math.abs(le[1] - re[1]) < 10, 'eyes level, mouth corners left to right');
  assert.ok(le[1] < nose[1] && nose[1] < lm[1] && nose[1] < rm[1], 'eyes above the nose above the mouth');
  // Eyes about 45 px apart in this 94-px-wide box (a wrong landmark scale puts them 200 px apart).
  assert.ok(re[0] - le[0] > 30 && re[0] - le[0] < 60, `eye distance ${re[0] - le[0]}`);
});

test('agrees with the reference: the same weights on OpenCV DNN, decoded in numpy as insightface does', async () => {
  const ref = JSON.parse(readFileSync(new URL('../../fixtures/faces/retinaface-reference.json', import.meta.url), 'utf8')) as {
    confidence: number;
    images: Record<string, Array<{ box: number[]; score: number; landmarks: number[][] }>>;
  };
  const paths: Record<string, string> = {
    astronaut: FIXTURE_PHOTOS.astronaut.path,
    coffee: FIXTURE_PHOTOS.coffee.path,
    sample1: join(FACEAPI_DEMO, 'sample1.jpg'),
    sample5: join(FACEAPI_DEMO, 'sample5.jpg'),
  };
  const loose = await createRetinaFaceDetector({ confidence: ref.confidence });
  for (const [name, expected] of Object.entries(ref.images)) {
    const got = await loose.detect(await load(paths[name]));
    assert.equal(got.length, expected.length, name);
    // Measured: within 4e-5 px (ORT vs OpenCV float noise; sharp and cv2 decode these files identically).
    const tol = 0.01;
    got.forEach((f, i) => {
      const e = expected[i];
      const b = [f.box.x, f.box.y, f.box.width, f.box.height];
      b.forEach((v, k) => assert.ok(Math.abs(v - e.box[k]) < tol, `${name} face ${i} box[${k}]: ${v} vs ${e.box[k]}`));
      assert.ok(Math.abs(f.score - e.score) < 1e-4, `${name} face ${i} score ${f.score} vs ${e.score}`);
      f.landmarks!.forEach((p, k) => assert.ok(Math.hypot(p[0] - e.landmarks[k][0], p[1] - e.landmarks[k][1]) < tol * 2, `${name} face ${i} landmark ${k}`));
    });
  }
  await loose.dispose();
});

test('no face in the photos without a human face, nor in a flat frame', async () => {
  for (const photo of [FIXTURE_PHOTOS.coffee, FIXTURE_PHOTOS.chelsea]) assert.deepEqual(await detector.detect(await load(photo.path)), [], photo.path);
  assert.deepEqual(await detector.detect({ data: new Uint8Array(640 * 360 * 3).fill(90), width: 640, height: 360 }), []);
});

test('group photos: every face, best first, within the (letterboxed, non-square) frame', async () => {
  const image = await load(join(FACEAPI_DEMO, 'sample5.jpg'));
  const faces = await detector.detect(image);
  assert.equal(faces.length, 5);
  for (let i = 1; i < faces.length; i++) assert.ok(faces[i - 1].score >= faces[i].score);
  for (const { box } of faces) assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= image.width && box.y + box.height <= image.height);
  for (let i = 0; i < faces.length; i++) for (let j = i + 1; j < faces.length; j++) assert.ok(iou(faces[i].box, faces[j].box) <= 0.4, 'NMS');
  const two = await createRetinaFaceDetector({ maxFaces: 2 });
  assert.deepEqual(await two.detect(image), faces.slice(0, 2));
  await two.dispose();
});

test('confidence (default 0.7) and minFaceSize drop faces; both are in the identity', async () => {
  const strict = await createRetinaFaceDetector({ confidence: 0.999 });
  assert.deepEqual(await strict.detect(astronaut), []);
  const bigOnly = await createRetinaFaceDetector({ minFaceSize: 150 });
  assert.deepEqual(await bigOnly.detect(astronaut), []);
  assert.equal(detector.identity.params.confidence, 0.7);
  assert.equal(detector.identity.weightsSha256, 'cd1acf4887eff165497762346fcafbdec58f662a2ceb01e5edb979f54b9875b6');
  assert.notEqual(detectorKey(strict.identity), detectorKey(detector.identity));
  assert.match(detectorKey(detector.identity), /^retinaface-mnet.25_v2-[0-9a-f]{12}$/);
  await strict.dispose();
  await bigOnly.dispose();
});

test('bad thresholds and bad pixels are BAD_INPUT; a missing model file is WEIGHTS_MISSING', async () => {
  await assert.rejects(createRetinaFaceDetector({ confidence: 1.5 }), expectBenchError('BAD_INPUT', /confidence/));
  await assert.rejects(createRetinaFaceDetector({ minFaceSize: -1 }), expectBenchError('BAD_INPUT', /minFaceSize/));
  await assert.rejects(detector.detect({ data: new Uint8Array(5), width: 2, height: 2 }), expectBenchError('BAD_INPUT', /needs 12 bytes/));
  await assert.rejects(createRetinaFaceDetector({ modelPath: '/nonexistent/mnet.onnx' }), expectBenchError('WEIGHTS_MISSING', /nonexistent/));
});

test('on generated clips it finds the face on ≥ 95% of face frames, where it is, and nothing on the no-face frames', async () => {
  const dir = await tempDir('retina-clips');
  for (const container of ['mp4', 'avi', 'flv'] as const) {
    const truth = await writeFaceClip(join(dir, `c.${containerExtension(container)}`), { container, width: 480, height: 360 });
    const opened = await openVideo(truth.path);
    assert.ok(opened.ok);
    let faceFrames = 0, found = 0, falseAlarms = 0;
    for await (const f of opened.clip.frames) {
      const expected = truth.frames[f.index].face;
      const faces = await detector.detect(f.image);
      if (!expected) {
        falseAlarms += faces.length;
        continue;
      }
      faceFrames++;
      if (faces.length === 0) continue;
      found++;
      assert.equal(faces.length, 1, `frame ${f.index}`);
      assert.ok(iou(faces[0].box, expected) > 0.7, `frame ${f.index}: IoU ${iou(faces[0].box, expected)}`);
    }
    assert.equal(faceFrames, 32);
    assert.ok(found / faceFrames >= 0.95, `${container}: ${found}/${faceFrames}`);
    assert.equal(falseAlarms, 0, container);
  }
});
