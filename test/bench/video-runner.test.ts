/**
 * The video runner on real parts: clips written by ffmpeg from a real photograph, RetinaFace on
 * onnxruntime-node, the tiny classifier, the prediction store. Clip-level records are checked against
 * the clips' ground truth (which frames hold a face) and recomputed from the stored frame records.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { aggregateClips, NO_FACE } from '../../src/bench/clips.js';
import type { PredictionRecord } from '../../src/bench/records.js';
import { isVideoCorpus, runVideoCorpus } from '../../src/bench/video-runner.js';
import type { Corpus } from '../../src/datasets/corpus.js';
import { DetectionCache } from '../../src/media/faces/cache.js';
import type { FaceDetector } from '../../src/media/faces/detector.js';
import { FIXTURE_PHOTOS, writeEmptyVideo, writeFaceClip, writeTruncatedVideo, type FaceClipTruth } from '../../src/media/video/fixture.js';
import type { OpenedModel } from '../../src/models/open.js';
import { clipCorpus, openVideoTestParts, type VideoTestParts, type TestClip } from './video-setup.js';

let parts: VideoTestParts;
let root: string;
let opened: OpenedModel;
let detector: FaceDetector;
let corpus: Corpus;
let truth: FaceClipTruth;

before(async () => {
  parts = await openVideoTestParts('video-runner');
  ({ root, opened, detector } = parts);
  const clips = join(root, 'clips');
  truth = await writeFaceClip(join(clips, 'face.mp4'));
  await writeFaceClip(join(clips, 'coffee.avi'), { container: 'avi', segments: [{ photo: FIXTURE_PHOTOS.coffee, frames: 6 }] });
  await writeEmptyVideo(join(clips, 'empty.mp4'));
  await writeTruncatedVideo(truth.path, join(clips, 'truncated.mp4'), 0.3);
  const clip = (id: string, file: string, label: 'happiness' | 'neutral'): TestClip => ({ id, file, label, group: `actor-${id}` });
  corpus = clipCorpus(clips, [clip('face', 'face.mp4', 'happiness'), clip('coffee', 'coffee.avi', 'neutral'), clip('empty', 'empty.mp4', 'neutral'), clip('truncated', 'truncated.mp4', 'happiness')], ['neutral', 'happiness']);
});

after(() => parts?.dispose());

const frameRecords = (records: readonly PredictionRecord[], clip: string) => records.filter((r) => r.clip === clip && r.frame !== undefined);

test('every sampled frame is recorded, faces are scored, unreadable and faceless clips are counted under their reason', async () => {
  assert.equal(isVideoCorpus(corpus), true);
  let detections = 0;
  const counting: FaceDetector = { ...detector, name: detector.name, identity: detector.identity, detect: (img, ctx) => (detections++, detector.detect(img, ctx)), dispose: async () => {} };
  const cache = new DetectionCache(join(root, 'detections'));
  const storeDir = join(root, 'predictions');
  const run = await runVideoCorpus(opened, corpus, { detector: counting, detectionCache: cache, storeDir, batchSize: 4 });
  assert.equal(run.ran, 4);

  const face = frameRecords(run.records, 'face');
  assert.deepEqual(face.map((r) => r.frame), truth.frames.map((f) => f.index), 'one record per frame, every frame sampled');
  const withFace = truth.frames.filter((f) => f.face !== null);
  const found = withFace.filter((f) => face.find((r) => r.frame === f.index)!.face).length;
  assert.ok(found / withFace.length >= 0.95, `the detector found the face on ${found}/${withFace.length} face frames`);
  for (const r of face) {
    assert.equal(r.id, `face@${String(r.frame).padStart(6, '0')}`);
    assert.equal(r.group, 'actor-face');
    if (r.face) assert.ok(r.scores !== null && r.box !== undefined && r.latencyMs !== null);
    else assert.equal(r.scores, null);
  }
  assert.ok(frameRecords(run.records, 'coffee').every((r) => !r.face), 'no face on a clip of a coffee cup');

  const { clips } = aggregateClips(run.records, { scoreKind: 'logits' });
  const byId = new Map(clips.map((c) => [c.id, c]));
  assert.equal(byId.get('face')!.skip, undefined);
  assert.equal(byId.get('face')!.scores!.length, 8);
  assert.equal(byId.get('coffee')!.skip?.reason, NO_FACE);
  assert.equal(byId.get('empty')!.skip?.reason, 'video-empty');
  assert.equal(byId.get('truncated')!.skip?.reason, 'video-unreadable');

  // The same run again: every clip is reused, nothing is decoded or detected.
  const before = detections;
  const again = await runVideoCorpus(opened, corpus, { detector: counting, detectionCache: cache, storeDir, batchSize: 4 });
  assert.equal(again.ran, 0);
  assert.equal(again.reused, 4);
  assert.deepEqual(again.records, run.records);
  assert.equal(detections, before);

  // Another model setting (batch size is not part of the key; the margin is): a new store, but the detections come from the cache.
  const other = await runVideoCorpus(opened, corpus, { detector: counting, detectionCache: cache, storeDir, batchSize: 4, selection: { margin: { fraction: 0.1 } } });
  assert.notEqual(other.storeDir, run.storeDir);
  assert.equal(detections, before, 'a second store reuses the cached detections');
});

test('a clip interrupted half-way is finished on the next run, and its records equal an uninterrupted run', async () => {
  const storeDir = join(root, 'predictions-resume');
  const full = await runVideoCorpus(opened, corpus, { detector, detectionCache: null, storeDir: join(root, 'predictions-full'), batchSize: 3 });
  // Interrupt: stop the run from inside the first clip, after a few frame batches were stored.
  let calls = 0;
  const failing: FaceDetector = {
    ...detector,
    name: detector.name,
    identity: detector.identity,
    detect: (img, ctx) => {
      if (++calls === 15) throw new Error('simulated crash');
      return detector.detect(img, ctx);
    },
    dispose: async () => {},
  };
  await assert.rejects(runVideoCorpus(opened, corpus, { detector: failing, detectionCache: null, storeDir, batchSize: 3, storeOptions: { batchSize: 1 } }), /simulated crash/);
  const resumed = await runVideoCorpus(opened, corpus, { detector, detectionCache: null, storeDir, batchSize: 3 });
  assert.equal(resumed.reused, 0, 'no clip was finished before the crash');
  const strip = (rs: PredictionRecord[]) => rs.map(({ latencyMs: _l, ...r }) => r);
  assert.deepEqual(strip(resumed.records), strip(full.records));
});
