/**
 * bench loco's protocol on real parts: clips written by ffmpeg from a real photograph, RetinaFace, the
 * tiny ONNX classifier with its whole output as the embedding head, three small corpora whose label
 * spaces differ. The folds must be exactly what leaveOneCorpusOut gives on the stored vectors, and the
 * records must be what `bench plot loco|cross-corpus` read.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { saveRunRecord } from '../../../src/bench/run-store.js';
import { runLoco, type LocoOptions, type LocoResult } from '../../../src/bench/protocols/loco.js';
import { openEmbeddingReader } from '../../../src/bench/store/embeddings.js';
import type { Corpus } from '../../../src/datasets/corpus.js';
import type { ClassName } from '../../../src/datasets/emotions.js';
import { l2Normalize } from '../../../src/learn/clip-stats.js';
import { LinearSVC } from '../../../src/learn/linear-svc.js';
import { leaveOneCorpusOut } from '../../../src/learn/loco.js';
import { LogisticRegression } from '../../../src/learn/logistic.js';
import { FIXTURE_PHOTOS, writeFaceClip } from '../../../src/media/video/fixture.js';
import type { OpenedModel } from '../../../src/models/open.js';
import { crossCorpusFigures } from '../../../src/report/figures/cross-corpus.js';
import { locoFigures } from '../../../src/report/figures/loco.js';
import { loadRunRecords } from '../../../src/report/results.js';
import { expectBenchError } from '../../expect-error.js';
import { clipCorpus, openVideoTestParts, type TestClip, type VideoTestParts } from '../video-setup.js';

let parts: VideoTestParts;
let model: OpenedModel;
let corpora: Corpus[];
let opts: LocoOptions;
let logistic: LocoResult;

/** A corpus named `name` over the shared clips. */
function named(name: string, dir: string, clips: TestClip[], classes: ClassName[]): Corpus {
  const c = clipCorpus(dir, clips, classes);
  return { ...c, name, samples: c.samples.map((s) => ({ ...s, corpus: name })) };
}

before(async () => {
  parts = await openVideoTestParts('loco');
  // The EMO-AffectNet card's LSTM number for SAVEE, to check it rides along as a reference only.
  const published = [...parts.tiny.card.published, { corpus: 'savee', protocol: 'loco-lstm', metric: 'uar' as const, value: 76.1, source: 'EMO-AffectNetModel README', split: 'val', release: 'official' }];
  model = await parts.openWithCard({ ...parts.tiny.card, heads: { ...parts.tiny.card.heads, embedding: { output: 'output', length: 10 } }, published });
  const dir = join(parts.root, 'clips');
  await mkdir(dir, { recursive: true });
  const { astronaut, coffee } = FIXTURE_PHOTOS;
  // Different framings of one face give different mean colours, so descriptors differ per clip.
  const framings = [[2, 0], [3, 0.3], [2.5, -0.3], [4, 0.2], [3.5, -0.1], [2.2, 0.1]] as const;
  for (const [i, [zoom, dx]] of framings.entries()) {
    await writeFaceClip(join(dir, `c${i}.mp4`), { width: 160, height: 120, segments: [{ photo: astronaut, frames: 3, from: { zoom, dx }, to: { zoom: zoom + 0.5, dx } }] });
  }
  await writeFaceClip(join(dir, 'cup.mp4'), { width: 160, height: 120, segments: [{ photo: coffee, frames: 2 }] });
  const clip = (id: string, label: ClassName, group: string, file = `${id}.mp4`): TestClip => ({ id, label, group, file });
  corpora = [
    // RAVDESS-like: calm is its own class here, and no other corpus has it.
    named('ravdess', dir, [clip('c0', 'neutral', 'a1'), clip('c1', 'happiness', 'a1'), clip('c2', 'calm', 'a2'), clip('c3', 'happiness', 'a2'), clip('cup', 'neutral', 'a3')], ['neutral', 'calm', 'happiness', 'sadness']),
    named('crema-d', dir, [clip('c4', 'neutral', 'b1'), clip('c5', 'happiness', 'b2'), clip('c2', 'sadness', 'b2'), clip('c0', 'happiness', 'b1')], ['neutral', 'happiness', 'sadness', 'anger']),
    named('savee', dir, [clip('c3', 'neutral', 's1'), clip('c1', 'happiness', 's2'), clip('c5', 'neutral', 's2', 'c5.mp4')], ['neutral', 'happiness', 'surprise']),
  ];
  opts = { video: { detector: parts.detector, detectionCache: null }, storeDir: join(parts.root, 'predictions'), batchSize: 4, ci: { resamples: 50 }, seed: 3 };
  logistic = await runLoco(model, corpora, opts);
});

after(() => parts?.dispose());

/** Each corpus's descriptors recomputed from its embedding file: mean of the clip's vectors, L2-normalised. */
async function storedVectors(r: LocoResult): Promise<Array<{ name: string; X: number[][]; y: ClassName[] }>> {
  const out = [];
  for (const d of r.corpora) {
    const reader = await openEmbeddingReader(d.embeddingsFile);
    const X: number[][] = [];
    for (const id of d.ids) {
      const frames = (await reader.read(id))!.map((f) => f.vector);
      const mean = Array.from({ length: reader.dim }, (_, j) => frames.reduce((s, f) => s + f[j], 0) / frames.length);
      X.push(Array.from(l2Normalize(mean)));
    }
    await reader.close();
    out.push({ name: d.corpus.name, X, y: d.y });
  }
  return out;
}

test('the label space is the shared classes; calm, sadness and face-less clips are excluded and counted', () => {
  assert.deepEqual(logistic.labelSpace.classes, ['neutral', 'happiness']);
  const rav = logistic.labelSpace.corpora.find((c) => c.corpus === 'ravdess')!;
  assert.deepEqual(rav.excluded, { 'not-in-intersection': 1 });
  assert.deepEqual(rav.excludedClasses, { calm: 1 });
  assert.deepEqual(logistic.labelSpace.corpora.find((c) => c.corpus === 'crema-d')!.excludedClasses, { sadness: 1 });
  const ravRecord = logistic.records.find((r) => r.provenance.dataset!.corpus === 'ravdess')!;
  assert.equal(ravRecord.coverage!.skippedByReason['no-face'], 1, 'the cup clip has no face: no descriptor, counted');
  assert.deepEqual(ravRecord.coverage!.clips, { evaluated: 4, scored: 3 });
  assert.deepEqual(ravRecord.coverage!.excluded, { 'not-in-intersection': 1 });
});

test('fold predictions equal leaveOneCorpusOut run directly on the stored vectors (logistic and seeded LinearSVC)', async () => {
  const direct = await leaveOneCorpusOut(await storedVectors(logistic), () => new LogisticRegression<ClassName>({ C: 1 }));
  assert.deepEqual(logistic.folds.map((f) => f.predictions), direct.map((f) => f.predictions));
  assert.deepEqual(logistic.folds.map((f) => f.classifier.trainingSet), direct.map((f) => f.classifier.trainingSet));
  const svc = await runLoco(model, corpora, { ...opts, head: 'linear-svc' });
  const directSvc = await leaveOneCorpusOut(await storedVectors(svc), () => new LinearSVC<ClassName>({ C: 1.1, seed: 3 }));
  assert.deepEqual(svc.folds.map((f) => f.predictions), directSvc.map((f) => f.predictions));
  assert.deepEqual(svc.records.map((r) => r.head.fit), directSvc.map((f) => f.classifier.fit));
  assert.equal(svc.records[0].head.estimator, 'LinearSVC');
  assert.equal(svc.records[0].head.settings.seed, 3);
});

test('records name the head, its training corpora, seed and training-set sha; UAR has actor-clustered CIs', () => {
  for (const r of logistic.records) {
    const test = r.provenance.dataset!.corpus;
    assert.equal(r.kind, 'eval');
    assert.equal(r.protocol, 'loco');
    assert.deepEqual(r.head.trainCorpora, corpora.map((c) => c.name).filter((n) => n !== test));
    assert.equal(r.head.trainedOnTestCorpus, false);
    assert.equal(r.head.origin, 'trained-here');
    assert.equal(r.head.seed, 3);
    assert.equal(r.head.name, 'logistic');
    assert.match(r.head.trainingSetSha256, /^[0-9a-f]{64}$/);
    assert.equal(r.head.trainingRows, logistic.corpora.filter((d) => d.corpus.name !== test).reduce((s, d) => s + d.X.rows, 0));
    assert.equal(r.head.descriptor.kind, 'mean');
    assert.equal(r.metrics!.uar.ci?.unit, 'group');
    assert.equal(r.predictions.length, r.coverage!.scored);
    const fold = logistic.folds.find((f) => f.test === test)!;
    assert.deepEqual(r.predictions.map((p) => p.predicted), fold.predictions);
    assert.equal(r.published, undefined, 'the paper’s LSTM numbers are never this run’s published values');
    assert.deepEqual(r.reference.map((p) => p.value), test === 'savee' ? [76.1] : []);
    if (test === 'savee') assert.match(r.reference[0].note, /CNN-LSTM.*not this LogisticRegression/);
  }
});

test('the AFEW descriptor is 4 × the embedding size and is recorded', async () => {
  const r = await runLoco(model, corpora.slice(0, 2), { ...opts, descriptor: 'afew', ci: { resamples: 0 } });
  assert.equal(r.corpora[0].X.cols, 40);
  assert.equal(r.records[0].head.descriptor.kind, 'afew');
  assert.equal(r.records[0].head.name, 'logistic (afew)');
});

test('bench plot loco and cross-corpus render from the saved records', async () => {
  const dir = join(parts.root, 'runs');
  for (const r of logistic.records) await saveRunRecord(dir, r);
  const runs = await loadRunRecords(dir);
  const loco = locoFigures(runs);
  assert.equal(loco.figures.length, 1);
  const values = (loco.figures[0].spec as { data: { values: Array<{ test: string }> } }).data.values;
  assert.deepEqual(values.map((v) => v.test).sort(), ['CREMA-D', 'RAVDESS', 'SAVEE'].sort());
  assert.ok(!loco.notes.some((n) => /Not trained on exactly/.test(n)), loco.notes.join(' '));
  const cross = crossCorpusFigures(runs);
  assert.equal(cross.figures.length, 1);
});

test('refusals: image corpora, a model without an embedding head, corpora without two shared classes', async () => {
  const images: Corpus = { ...corpora[0], name: 'images', samples: corpora[0].samples.map((s) => ({ ...s, source: { kind: 'image', path: '/x.png' } })) };
  await assert.rejects(runLoco(model, [corpora[0], images], opts), expectBenchError('BAD_INPUT', /corpora of clips; images is not/, /bench matrix/));
  await assert.rejects(runLoco(parts.opened, corpora, opts), expectBenchError('MODEL_IO_MISMATCH', /no embedding head/, /heads\.embedding/));
  const vgaf: Corpus = { ...corpora[1], name: 'vgaf', classes: ['group:positive', 'group:neutral', 'group:negative'] };
  await assert.rejects(runLoco(model, [corpora[0], vgaf], opts), expectBenchError('BAD_INPUT', /share no class/, /group valence/));
});
