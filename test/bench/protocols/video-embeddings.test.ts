/**
 * Frame embeddings stored by the video runner (real parts: ffmpeg clips of a real photograph, RetinaFace,
 * the tiny ONNX classifier on onnxruntime-node). The tiny card's embedding head here reads the whole
 * 10-value output, so every stored vector can be checked against its frame record's scores.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { EMBEDDINGS_FILE, runVideoCorpus } from '../../../src/bench/video-runner.js';
import { openEmbeddingReader } from '../../../src/bench/store/embeddings.js';
import type { Corpus } from '../../../src/datasets/corpus.js';
import type { FaceDetector } from '../../../src/media/faces/detector.js';
import { writeFaceClip } from '../../../src/media/video/fixture.js';
import type { OpenedModel } from '../../../src/models/open.js';
import { clipInputs } from '../../../src/bench/protocols/clip-inputs.js';
import { afewDescriptor, describeClips, l2Normalize } from '../../../src/learn/clip-stats.js';
import { expectBenchError } from '../../expect-error.js';
import { clipCorpus, openVideoTestParts, type VideoTestParts } from '../video-setup.js';

let parts: VideoTestParts;
let root: string;
let plain: OpenedModel;
let withEmbedding: OpenedModel;
let detector: FaceDetector;
let corpus: Corpus;

before(async () => {
  parts = await openVideoTestParts('video-emb');
  ({ root, opened: plain, detector } = parts);
  withEmbedding = await parts.openWithCard({ ...parts.tiny.card, heads: { ...parts.tiny.card.heads, embedding: { output: 'output' } } });
  const clips = join(root, 'clips');
  await writeFaceClip(join(clips, 'face.mp4'));
  corpus = clipCorpus(clips, [{ id: 'face', file: 'face.mp4', label: 'happiness', group: 'g' }], ['neutral', 'happiness']);
});

after(() => parts?.dispose());

test('a card without an embedding head is refused before anything runs', async () => {
  await assert.rejects(
    runVideoCorpus(plain, corpus, { detector, detectionCache: null, storeDir: join(root, 'refused'), embeddings: true }),
    expectBenchError('MODEL_IO_MISMATCH', /no embedding head/, /heads\.embedding/),
  );
});

test('one vector per scored face frame, keyed (clip, frame), equal to the frame output; the store key says so', async () => {
  const storeDir = join(root, 'predictions');
  const without = await runVideoCorpus(withEmbedding, corpus, { detector, detectionCache: null, storeDir, batchSize: 3 });
  const run = await runVideoCorpus(withEmbedding, corpus, { detector, detectionCache: null, storeDir, batchSize: 3, embeddings: true });
  assert.notEqual(run.storeDir, without.storeDir, 'a store without embeddings must not be reused for a run that asks for them');
  assert.equal(run.ran, 1);
  const scored = run.records.filter((r) => r.frame !== undefined && r.scores !== null);
  assert.ok(scored.length > 0 && scored.length < run.records.filter((r) => r.frame !== undefined).length, 'the fixture has face and face-less frames');
  const reader = await openEmbeddingReader(join(run.storeDir, EMBEDDINGS_FILE));
  try {
    assert.equal(reader.dim, 10);
    assert.deepEqual(reader.frames('face'), scored.map((r) => r.frame));
    const vectors = (await reader.read('face'))!;
    vectors.forEach((v, i) => assert.deepEqual(Array.from(v.vector.subarray(0, 8)), scored[i].scores));
    // AFEW descriptor from the store equals one recomputed from the frame records' own outputs (first 8 values).
    const d = describeClips(await clipInputs(reader, ['face', 'missing'], 'afew'), 'afew', 10);
    assert.deepEqual(Array.from(d.hasFace), [1, 0]);
    const own = l2Normalize(afewDescriptor(vectors.map((v) => v.vector), 10));
    assert.deepEqual(Array.from(d.X.data.subarray(0, 40)), Array.from(own));
    const mean0 = scored.reduce((s, r) => s + Math.fround(r.scores![0]), 0) / scored.length;
    assert.ok(Math.abs(d.X.data[0] - mean0 / Math.hypot(...afewDescriptor(vectors.map((v) => v.vector), 10))) < 1e-9);
    assert.ok(d.X.data.subarray(40).every((x) => x === 0), 'a clip without vectors is the zero vector');
  } finally {
    await reader.close();
  }
  const again = await runVideoCorpus(withEmbedding, corpus, { detector, detectionCache: null, storeDir, embeddings: true });
  assert.equal(again.ran, 0, 'a finished store with embeddings is reused');
});
