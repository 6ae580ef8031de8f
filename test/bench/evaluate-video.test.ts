/**
 * `evaluate` on a corpus of clips: real ffmpeg clips from a real photograph, RetinaFace, the tiny
 * classifier. The clip-level accuracy (face subset) and HSEmotion's complete accuracy are recomputed
 * here from the stored frame records, independently of the scoring code; re-scoring the store alone gives
 * the same record.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { evaluate, type EvalRunRecord } from '../../src/bench/evaluate.js';
import { rescoreStore } from '../../src/bench/rescore.js';
import type { Corpus } from '../../src/datasets/corpus.js';
import type { ClassName } from '../../src/datasets/emotions.js';
import { isBenchError } from '../../src/errors.js';
import { DetectionCache } from '../../src/media/faces/cache.js';
import type { FaceDetector } from '../../src/media/faces/detector.js';
import { FIXTURE_PHOTOS, writeEmptyVideo, writeFaceClip } from '../../src/media/video/fixture.js';
import type { OpenedModel } from '../../src/models/open.js';
import { TINY_CLASSES } from './tiny-model.js';
import { clipCorpus, openVideoTestParts, type VideoTestParts } from './video-setup.js';
import { readStore } from '../../src/bench/store.js';

const CLASSES: ClassName[] = ['anger', 'disgust', 'fear', 'happiness', 'neutral', 'sadness', 'surprise'];
let parts: VideoTestParts;
let root: string;
let opened: OpenedModel;
let detector: FaceDetector;
let corpus: Corpus;
let record: EvalRunRecord;

before(async () => {
  parts = await openVideoTestParts('eval-video');
  ({ root, opened, detector } = parts);
  const dir = join(root, 'clips');
  const { astronaut, coffee } = FIXTURE_PHOTOS;
  await writeFaceClip(join(dir, 'a.mp4'), { segments: [{ photo: astronaut, frames: 6, from: { zoom: 2.5 }, to: { zoom: 2 } }, { photo: coffee, frames: 3 }] });
  await writeFaceClip(join(dir, 'b.mp4'), { segments: [{ photo: astronaut, frames: 5, from: { zoom: 3 }, to: { zoom: 2.2, dx: 0.2 } }] });
  await writeFaceClip(join(dir, 'cup.mp4'), { segments: [{ photo: coffee, frames: 4 }] });
  await writeEmptyVideo(join(dir, 'empty.mp4'));
  corpus = clipCorpus(dir, [{ id: 'a', label: 'happiness' }, { id: 'b', label: 'neutral' }, { id: 'cup', label: 'anger' }, { id: 'empty', label: 'sadness' }], CLASSES);
  record = await evaluate(opened, corpus, {
    storeDir: join(root, 'predictions'),
    batchSize: 4,
    ci: { resamples: 100, seed: 3 },
    video: { detector, detectionCache: new DetectionCache(join(root, 'detections')) },
  });
});

after(() => parts?.dispose());

test('a video corpus is scored per clip: face-subset metrics, the complete accuracy, frame and clip coverage', async () => {
  const { records } = await readStore(record.predictionStore);
  const softmax = (xs: number[]) => {
    const m = Math.max(...xs);
    const e = xs.map((x) => Math.exp(x - m));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  };
  // Independent recomputation: mean softmax over face frames, argmax over the corpus classes' logits (model order).
  const kept = CLASSES.map((c) => (TINY_CLASSES as readonly string[]).indexOf(c)).sort((x, y) => x - y);
  const correct = new Map<string, boolean>();
  let sampled = 0;
  let withFace = 0;
  for (const s of corpus.samples) {
    const frames = records.filter((r) => r.clip === s.id && r.frame !== undefined);
    sampled += frames.length;
    const faces = frames.filter((r) => r.face && r.scores);
    withFace += faces.length;
    if (faces.length === 0) continue;
    const mean = new Array(8).fill(0);
    for (const f of faces) softmax(f.scores!).forEach((p, i) => (mean[i] += p / faces.length));
    const pred = kept.reduce((best, i) => (mean[i] > mean[best] ? i : best), kept[0]);
    correct.set(s.id, TINY_CLASSES[pred] === s.label);
  }
  assert.deepEqual([...correct.keys()].sort(), ['a', 'b'], 'clips a and b have faces; the cup and the empty file do not');
  const hits = [...correct.values()].filter(Boolean).length;
  assert.equal(record.metrics!.accuracy.value, hits / 2);
  assert.equal(record.metrics!.complete_accuracy.value, hits / 4);
  assert.ok(record.metrics!.complete_accuracy.ci, 'the complete accuracy has a bootstrap CI');
  assert.deepEqual(record.coverage!.clips, { evaluated: 4, scored: 2 });
  assert.deepEqual(record.coverage!.frames, { sampled, withFace });
  assert.equal(sampled, 9 + 5 + 4);
  assert.deepEqual(record.coverage!.skippedByReason, { 'no-face': 1, 'video-empty': 1 });
  assert.equal(record.coverage!.total, 4);
  assert.ok(record.itemLatency && record.itemLatency.n === withFace, 'per-frame engine latency over the scored frames');
});

test('re-scoring the video store alone gives the same metrics; a corpus of clips without a face source is refused', async () => {
  const again = await rescoreStore(record.predictionStore, { ci: { resamples: 100, seed: 3 } });
  assert.deepEqual(again.metrics, record.metrics);
  assert.deepEqual(again.confusion, record.confusion);
  assert.deepEqual(again.coverage, record.coverage);
  await assert.rejects(evaluate(opened, corpus, { storeDir: join(root, 'predictions') }), (e: unknown) => isBenchError(e) && /face source/.test(e.message));
});
