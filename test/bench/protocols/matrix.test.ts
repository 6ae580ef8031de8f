/**
 * A matrix cell on a group-valence corpus with real parts (ffmpeg clips of a real photograph, RetinaFace,
 * the tiny ONNX classifier): the emotion scores are projected through the valence map and the record
 * says so; the store keeps the model's own scores.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { projectToValence } from '../../../src/bench/protocols/label-space.js';
import { runMatrixCell } from '../../../src/bench/protocols/matrix.js';
import { readStore } from '../../../src/bench/store/read.js';
import { writeFaceClip, FIXTURE_PHOTOS } from '../../../src/media/video/fixture.js';
import { clipCorpus, openVideoTestParts, type VideoTestParts } from '../video-setup.js';

let parts: VideoTestParts;

before(async () => {
  parts = await openVideoTestParts('matrix');
});
after(() => parts?.dispose());

test('VGAF-style corpus: valence scored from the emotion probabilities through the recorded map', async () => {
  const dir = join(parts.root, 'clips');
  for (const [i, zoom] of [2, 3, 2.5].entries()) await writeFaceClip(join(dir, `v${i}.mp4`), { width: 160, height: 120, segments: [{ photo: FIXTURE_PHOTOS.astronaut, frames: 2, from: { zoom }, to: { zoom } }] });
  const base = clipCorpus(dir, [{ id: 'v0', label: 'group:positive' }, { id: 'v1', label: 'group:negative' }, { id: 'v2', label: 'group:neutral' }], ['group:positive', 'group:neutral', 'group:negative']);
  const corpus = { ...base, name: 'vgaf' };
  const user = { happiness: 'positive', surprise: 'positive', neutral: 'neutral', sadness: 'negative', anger: 'negative', fear: 'negative', disgust: 'negative', contempt: 'negative' } as const;
  const record = await runMatrixCell(parts.opened, corpus, {
    valenceMap: user,
    evaluate: { video: { detector: parts.detector, detectionCache: null }, storeDir: join(parts.root, 'p'), ci: { resamples: 0 } },
  });
  assert.deepEqual(record.classes, corpus.classes);
  assert.equal(record.labelSpace.valence!.source, 'user');
  assert.deepEqual((record.labelMap as { valence: { map: unknown } }).valence.map, user);
  // Recomputed from the stored frame scores: mean over frames of the projected probabilities, argmax.
  const stored = (await readStore(record.predictionStore)).records;
  const predicted = corpus.samples.map((s) => {
    const frames = stored.filter((r) => r.clip === s.id && r.frame !== undefined && r.scores);
    assert.equal(frames[0].scores!.length, 8, 'the store keeps the 8 emotion scores');
    const mean = [0, 1, 2].map((k) => frames.reduce((a, f) => a + projectToValence(record.labelSpace.valence!, parts.tiny.card.classes, f.scores!, 'logits')[k], 0) / frames.length);
    return mean.indexOf(Math.max(...mean));
  });
  const confusion = [0, 1, 2].map((t) => [0, 1, 2].map((p) => corpus.samples.filter((s, i) => corpus.classes.indexOf(s.label!) === t && predicted[i] === p).length));
  assert.deepEqual(record.confusion, confusion);
});
