import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { BenchError } from '../../src/errors.js';
import { createSsdDetector } from '../../src/media/faces/faceapi-ssd.js';
import { decodeImage, type RgbImage } from '../../src/media/image.js';
import { preprocess } from '../../src/media/preprocess.js';
import { resizeRgb } from '../../src/media/resize.js';
import { ModelCard } from '../../src/models/card.js';
import type { Engine } from '../../src/models/engines/engine.js';
import { tf } from '../../src/models/engines/tfjs-backend.js';
import {
  createFaceApiExpressionEngine,
  FACEAPI_EXPRESSION_CLASSES,
  FACEAPI_EXPRESSION_INPUT,
  faceApiModelDir,
  loadFaceApi,
  loadFaceApiNet,
} from '../../src/models/faceapi.js';
import { getModel } from '../../src/models/zoo.js';

const ASTRONAUT = new URL('../fixtures/faces/astronaut.png', import.meta.url).pathname;
const card = getModel('faceapi_expression');

let engine: Engine;
let astronaut: RgbImage;
before(async () => {
  engine = await createFaceApiExpressionEngine(card);
  const d = await decodeImage(ASTRONAUT);
  assert.ok(d.ok);
  astronaut = d.image;
});
after(() => engine.dispose());

test('the zoo card states what face-api does: input, normalisation, class order', () => {
  assert.deepEqual(card.input, FACEAPI_EXPRESSION_INPUT);
  assert.deepEqual(card.classes, [...FACEAPI_EXPRESSION_CLASSES]);
  assert.deepEqual(FACEAPI_EXPRESSION_CLASSES, ['neutral', 'happiness', 'sadness', 'anger', 'fear', 'disgust', 'surprise']);
  assert.deepEqual(engine.inputShape, [-1, 112, 112, 3]);
  assert.deepEqual(engine.outputNames, ['expression', 'features']);
  assert.equal(engine.info.engine, 'tfjs');
  assert.match(engine.info.version, /^4\.22\.\d+\+face-api\.1\.7\.\d+$/);
});

test('a smiling face found by the real detector and preprocessed from the card is "happiness"', async () => {
  const detector = await createSsdDetector();
  const [face] = await detector.detect(astronaut);
  await detector.dispose();
  assert.ok(face, 'the detector finds the face');
  const item = await preprocess({ image: astronaut, box: face.box }, card.input);
  assert.ok(item.ok);
  const out = await engine.run({ data: item.tensor, dims: [1, 112, 112, 3] });
  const probs = Array.from(out.expression.data);
  const top = probs.indexOf(Math.max(...probs));
  assert.equal(card.classes[top], 'happiness', `probabilities ${probs.map((p) => p.toFixed(3)).join(' ')}`);
  assert.ok(probs[top] > 0.9);
  assert.deepEqual(out.features.dims, [1, 256]);
});

test("the engine's outputs are face-api's own predictExpressions on the same pixels", async () => {
  // Two different 112×112 crops as raw pixels; the engine gets them normalised as the card says.
  const crops = [
    resizeRgb(astronaut, { width: 112, height: 112, kernel: 'cv2', rect: { x: 170, y: 60, width: 110, height: 130 } }),
    resizeRgb(astronaut, { width: 112, height: 112, kernel: 'cv2', rect: { x: 0, y: 250, width: 200, height: 200 } }),
  ];
  const { mean, std, scale } = card.input;
  const batch = new Float32Array(2 * 112 * 112 * 3);
  crops.forEach((c, b) => c.data.forEach((v, i) => (batch[b * c.data.length + i] = (v * scale - mean[i % 3]) / std[i % 3])));
  const ours = await engine.run({ data: batch, dims: [2, 112, 112, 3] });

  const faceapi = await loadFaceApi();
  const net = await loadFaceApiNet(new faceapi.FaceExpressionNet(), faceApiModelDir(), 'face expression');
  for (const [b, c] of crops.entries()) {
    const pixels = tf.tensor3d(c.data, [112, 112, 3], 'int32');
    const theirs = (await net.predictExpressions(pixels)) as Record<string, number>;
    pixels.dispose();
    const labels = ['neutral', 'happy', 'sad', 'angry', 'fearful', 'disgusted', 'surprised'];
    labels.forEach((label, k) => {
      const d = Math.abs(ours.expression.data[b * 7 + k] - theirs[label]);
      assert.ok(d < 1e-5, `item ${b} ${label}: ${ours.expression.data[b * 7 + k]} vs ${theirs[label]}`);
    });
  }
  net.dispose(false);
});

test("face crops preprocessed by the card give face-api's own predictExpressions on the crops", async (t) => {
  // Non-square boxes: face-api pads each crop to a square and resizes it itself; the card's fit 'pad-square'
  // and resize 'tf-bilinear' must reproduce that, so the engine sees the same network input.
  const boxes = [
    { x: 170, y: 60, width: 110, height: 130 },
    { x: 150, y: 70, width: 151, height: 100 },
    { x: 0, y: 250, width: 200, height: 200 },
  ];
  const n = 112 * 112 * 3;
  const batch = new Float32Array(boxes.length * n);
  for (const [b, box] of boxes.entries()) {
    const item = await preprocess({ image: astronaut, box }, card.input);
    assert.ok(item.ok);
    batch.set(item.tensor, b * n);
  }
  const ours = await engine.run({ data: batch, dims: [boxes.length, 112, 112, 3] });

  const faceapi = await loadFaceApi();
  const net = await loadFaceApiNet(new faceapi.FaceExpressionNet(), faceApiModelDir(), 'face expression');
  const labels = ['neutral', 'happy', 'sad', 'angry', 'fearful', 'disgusted', 'surprised'];
  let worst = 0;
  for (const [b, box] of boxes.entries()) {
    const crop = tf.tidy(() => tf.tensor3d(astronaut.data, [astronaut.height, astronaut.width, 3], 'int32').slice([box.y, box.x, 0], [box.height, box.width, 3]));
    const theirs = (await net.predictExpressions(crop)) as Record<string, number>;
    crop.dispose();
    labels.forEach((label, k) => {
      const d = Math.abs(ours.expression.data[b * 7 + k] - theirs[label]);
      worst = Math.max(worst, d);
      assert.ok(d < 1e-5, `box ${JSON.stringify(box)} ${label}: ${ours.expression.data[b * 7 + k]} vs ${theirs[label]}`);
    });
  }
  net.dispose(false);
  t.diagnostic(`max |probability diff| vs predictExpressions on the raw crops: ${worst.toExponential(2)}`);
});

test('a card that does not describe the network is refused, and so is a bad batch', async () => {
  const shuffled = ModelCard.parse({ ...card, classes: ['happiness', 'neutral', 'sadness', 'anger', 'fear', 'disgust', 'surprise'] });
  await assert.rejects(createFaceApiExpressionEngine(shuffled), (e: unknown) => e instanceof BenchError && e.code === 'MODEL_IO_MISMATCH' && /face-api's order/.test(e.message));
  const badHead = ModelCard.parse({ ...card, heads: { expression: { output: 'probs', kind: 'probabilities' } } });
  await assert.rejects(createFaceApiExpressionEngine(badHead), (e: unknown) => e instanceof BenchError && e.code === 'MODEL_IO_MISMATCH' && /"probs"/.test(e.message));
  await assert.rejects(engine.run({ data: new Float32Array(224 * 224 * 3), dims: [1, 224, 224, 3] }), (e: unknown) => e instanceof BenchError && e.code === 'BAD_INPUT');
});
