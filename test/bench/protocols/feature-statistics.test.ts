/**
 * HSEmotion's feature-statistics protocol on real parts: AFEW- and VGAF-layout corpora of ffmpeg clips
 * made from a real photograph, RetinaFace, the tiny ONNX model (its 10-value output as the embedding
 * head) on onnxruntime-node, the LinearSVC port and libsvm's SVC. The protocol's predictions are checked
 * against descriptors recomputed here from the stored vectors and heads fitted here directly.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openCorpus, type Corpus } from '../../../src/datasets/corpus.js';
import { runFeatureStatistics, type FeatureStatisticsOptions } from '../../../src/bench/protocols/feature-statistics.js';
import { rescoreStore } from '../../../src/bench/rescore.js';
import { readStore } from '../../../src/bench/store.js';
import { openEmbeddingReader } from '../../../src/bench/store/embeddings.js';
import { EMBEDDINGS_FILE } from '../../../src/bench/video-runner.js';
import type { EvalRunRecord } from '../../../src/bench/evaluate.js';
import { LinearSVC } from '../../../src/learn/linear-svc.js';
import { SVC } from '../../../src/learn/svc.js';
import type { OpenedModel } from '../../../src/models/open.js';
import { expectBenchError } from '../../expect-error.js';
import { openVideoTestParts, type VideoTestParts } from '../video-setup.js';
import { FACELESS_VARIANT, writeFaceAfew, writeFaceVgaf } from './hsemotion-fixture.js';

const AFEW_PUBLISHED = [
  { corpus: 'afew', protocol: 'faces-detected', split: 'val', release: 'official', metric: 'accuracy' as const, value: 59.89, source: 'test: HSEmotion README' },
  { corpus: 'afew', protocol: 'complete', split: 'val', release: 'official', metric: 'accuracy' as const, value: 59.27, source: 'test: AFEW notebook' },
];

let parts: VideoTestParts;
let model: OpenedModel;
let afew: { train: Corpus; val: Corpus };
let vgaf: { train: Corpus; val: Corpus };
let record: EvalRunRecord;
let options: FeatureStatisticsOptions;

before(async () => {
  parts = await openVideoTestParts('fstat');
  const { card } = parts.tiny;
  model = await parts.openWithCard({ ...card, heads: { ...card.heads, embedding: { output: 'output' } }, published: [...card.published, ...AFEW_PUBLISHED] });
  const afewRoot = await writeFaceAfew(join(parts.root, 'afew'));
  afew = { train: await openCorpus('afew', { root: afewRoot, split: 'train' }), val: await openCorpus('afew', { root: afewRoot, split: 'val' }) };
  const vgafRoot = await writeFaceVgaf(join(parts.root, 'vgaf'));
  vgaf = { train: await openCorpus('vgaf', { root: vgafRoot, split: 'train' }), val: await openCorpus('vgaf', { root: vgafRoot, split: 'val' }) };
  options = { video: { detector: parts.detector, detectionCache: null }, storeDir: join(parts.root, 'stores'), storeOptions: { fsync: false }, ci: { resamples: 50 } };
  record = await runFeatureStatistics(model, afew.train, afew.val, options);
});

after(() => parts?.dispose());

/** FER-repo's descriptor, written out here: concat(mean, std, min, max) over a clip's vectors, L2-normalised; zeros without any. */
async function ownAfewDescriptors(storeDir: string, ids: readonly string[]): Promise<{ X: number[][]; hasFace: boolean[] }> {
  const reader = await openEmbeddingReader(join(storeDir, EMBEDDINGS_FILE));
  const X: number[][] = [];
  const hasFace: boolean[] = [];
  for (const id of ids) {
    const vs = ((await reader.read(id)) ?? []).map((e) => Array.from(e.vector));
    hasFace.push(vs.length > 0);
    if (vs.length === 0) {
      X.push(new Array(4 * reader.dim).fill(0));
      continue;
    }
    const col = (j: number) => vs.map((v) => v[j]);
    const dims = [...Array(reader.dim).keys()];
    const mean = dims.map((j) => col(j).reduce((a, b) => a + b, 0) / vs.length);
    const std = dims.map((j) => Math.sqrt(col(j).reduce((a, b) => a + (b - mean[j]) ** 2, 0) / vs.length));
    const raw = [...mean, ...std, ...dims.map((j) => Math.min(...col(j))), ...dims.map((j) => Math.max(...col(j)))];
    const norm = Math.sqrt(raw.reduce((a, x) => a + x * x, 0));
    X.push(raw.map((x) => x / norm));
  }
  await reader.close();
  return { X, hasFace };
}

/** The head store's prediction per clip (its argmax, as a corpus class), null where it holds no scores. */
async function storedPredictions(r: EvalRunRecord, ids: readonly string[]): Promise<(string | null)[]> {
  const { records } = await readStore(r.predictionStore);
  const byId = new Map(records.map((x) => [x.id, x]));
  return ids.map((id) => {
    const s = byId.get(id)!.scores;
    return s === null ? null : r.head!.classes[s.indexOf(Math.max(...s))];
  });
}

test('AFEW: the val predictions equal descriptors recomputed from the stored vectors and a LinearSVC(C=1.1) fitted here', async () => {
  const head = record.head!;
  const trainIds = afew.train.samples.map((s) => s.id);
  const valIds = afew.val.samples.map((s) => s.id);
  const tr = await ownAfewDescriptors(join(options.storeDir!, head.embeddingStores.train), trainIds);
  const va = await ownAfewDescriptors(join(options.storeDir!, head.embeddingStores.test), valIds);
  const rows = trainIds.map((_, i) => i).filter((i) => tr.hasFace[i]);
  assert.equal(rows.length, 7, 'every training clip has a face');
  const y = rows.map((i) => afew.train.classes.indexOf(afew.train.samples[i].label!));
  const own = new LinearSVC<number>({ C: 1.1, seed: 0 }).fit(rows.map((i) => tr.X[i]), y);
  const expected = own.predict(va.X).map((k) => afew.val.classes[k]);
  assert.deepEqual(await storedPredictions(record, valIds), expected, 'the faceless clip is predicted from the zero descriptor too');
  assert.equal(head.trainingSetSha256, own.toJSON().trainingSet.sha256, 'the sha is over the same descriptors and labels');

  const truth = afew.val.samples.map((s) => s.label);
  const face = va.hasFace;
  assert.deepEqual(face.filter((f) => !f).length, 1, 'one val clip has no face');
  const hits = expected.map((p, i) => p === truth[i]);
  const faceHits = hits.filter((h, i) => h && face[i]).length;
  assert.equal(record.metrics!.accuracy.value, faceHits / 6, 'accuracy: the 6 clips with a face');
  assert.equal(record.metrics!.complete_accuracy.value, hits.filter(Boolean).length / 7, 'complete: all 7, the faceless one by its zero-descriptor prediction');
  assert.deepEqual(record.coverage!.clips, { evaluated: 7, scored: 6 });
  assert.equal(record.coverage!.skippedByReason['no-face'], 1);
  assert.ok(record.metrics!.accuracy.ci, 'intervals are computed');
});

test('the record names the head trained here, its data and seed, and compares with the published faces-detected and complete values', async () => {
  assert.equal(record.protocol, 'hsemotion-svm');
  const h = record.head!;
  assert.equal(h.kind, 'linear-svc');
  assert.equal(h.name, 'LinearSVC(C=1.1)');
  assert.equal(h.settings.C, 1.1);
  assert.deepEqual(h.trainCorpora, ['afew']);
  assert.equal(h.trainSplit, 'train');
  assert.equal(h.seed, 0);
  assert.match(h.trainingSetSha256, /^[0-9a-f]{64}$/);
  assert.equal(h.trainingClips, 7);
  assert.equal(h.descriptor, 'afew');
  assert.equal(h.noFace, 'zero-vector');
  assert.equal(h.testCorpusInTraining, true, 'AFEW val is scored by a head trained on AFEW train: flagged');
  assert.equal(h.publishedSetup, true);
  assert.deepEqual(
    record.published!.map((p) => [p.metric, p.protocol, p.value]),
    [['accuracy', 'faces-detected', 59.89], ['complete_accuracy', 'complete', 59.27]],
  );
  // Another head (another seed) is another store and another sha-identified record.
  const other = await runFeatureStatistics(model, afew.train, afew.val, { ...options, seed: 7, C: 2 });
  assert.notEqual(other.predictionStore, record.predictionStore);
  assert.equal(other.head!.seed, 7);
  assert.equal(other.head!.publishedSetup, false, 'C=2 is not the published setup');
  assert.deepEqual(other.published, [], 'so no published value is compared');

  const again = await rescoreStore(record.predictionStore, { ci: { resamples: 50 } });
  assert.equal(again.protocol, 'hsemotion-svm');
  assert.deepEqual(again.head, record.head);
  assert.deepEqual(again.metrics, record.metrics, 'bench score --store rebuilds the same metrics');
  assert.deepEqual(again.coverage, record.coverage);
});

test('faceless clips counted wrong on request: the face subset is unchanged, the complete accuracy is hits over all', async () => {
  const wrong = await runFeatureStatistics(model, afew.train, afew.val, { ...options, noFace: 'count-wrong' });
  assert.equal(wrong.metrics!.accuracy.value, record.metrics!.accuracy.value);
  assert.equal(wrong.metrics!.complete_accuracy.value, (wrong.metrics!.accuracy.value * 6) / 7);
  const preds = await storedPredictions(wrong, afew.val.samples.map((s) => s.id));
  assert.equal(preds.filter((p) => p === null).length, 1, 'the faceless clip has no prediction');
  assert.equal(wrong.head!.noFace, 'count-wrong');
  assert.deepEqual(wrong.published!.map((p) => p.metric), ['accuracy'], 'the published complete value was computed with the zero descriptor: not compared');
});

test('VGAF: two-level statistics over every face, an RBF SVC(C=1.9, gamma scale) trained here; votes give its predictions', async () => {
  const r = await runFeatureStatistics(model, vgaf.train, vgaf.val, { ...options, video: { ...options.video, selection: { policy: 'all' } } });
  const h = r.head!;
  assert.equal(h.kind, 'svc-rbf');
  assert.equal(h.name, 'SVC(rbf, C=1.9)');
  assert.equal(h.settings.gamma, 'scale');
  assert.equal(h.seed, null);
  assert.equal(h.descriptor, 'vgaf');
  // Recompute from the stored vectors: per frame mean/std over faces, then mean/std over frames, L2.
  const describe = async (dir: string, corpus: Corpus) => {
    const reader = await openEmbeddingReader(join(options.storeDir!, dir, EMBEDDINGS_FILE));
    const out: number[][] = [];
    for (const s of corpus.samples) {
      const byFrame = new Map<number, number[][]>();
      for (const id of reader.ids().filter((i) => i.startsWith(`${s.id}#`))) for (const e of (await reader.read(id))!) (byFrame.get(e.frame) ?? byFrame.set(e.frame, []).get(e.frame)!).push(Array.from(e.vector));
      const ms = (rows: number[][]) => {
        const m = rows[0].map((_, j) => rows.reduce((a, v) => a + v[j], 0) / rows.length);
        return [...m, ...m.map((mj, j) => Math.sqrt(rows.reduce((a, v) => a + (v[j] - mj) ** 2, 0) / rows.length))];
      };
      const frames = [...byFrame.entries()].sort((a, b) => a[0] - b[0]).map(([, f]) => ms(f));
      const raw = frames.length ? ms(frames) : new Array(4 * reader.dim).fill(0);
      const norm = Math.sqrt(raw.reduce((a, x) => a + x * x, 0)) || 1;
      out.push(raw.map((x) => x / norm));
    }
    await reader.close();
    return out;
  };
  const Xtr = await describe(h.embeddingStores.train, vgaf.train);
  const Xva = await describe(h.embeddingStores.test, vgaf.val);
  const own = await SVC.create<number>({ kernel: 'rbf', C: 1.9 });
  own.fit(Xtr, vgaf.train.samples.map((s) => vgaf.train.classes.indexOf(s.label!)));
  assert.equal(h.trainingSetSha256, own.toJSON().trainingSet.sha256);
  assert.deepEqual(await storedPredictions(r, vgaf.val.samples.map((s) => s.id)), own.predict(Xva).map((k) => vgaf.val.classes[k]));
  assert.deepEqual(r.coverage!.clips, { evaluated: 3, scored: 2 }, 'one val video has no face');
});

test('refused: scoring the training clips, a corpus without a descriptor, a model without an embedding head', async () => {
  await assert.rejects(runFeatureStatistics(model, afew.train, afew.train, options), expectBenchError('BAD_INPUT', /same clips/, /--train-split train --split val/));
  const renamed = { ...afew.val, name: 'copy', split: 'test', samples: [...afew.val.samples, afew.train.samples[0]], manifestSha256: 'f'.repeat(64) };
  await assert.rejects(runFeatureStatistics(model, afew.train, renamed, { ...options, descriptor: 'afew' }), expectBenchError('BAD_INPUT', /1 of the 8 clips scored are also training clips/));
  await assert.rejects(runFeatureStatistics(model, afew.train, { ...afew.val, name: 'clips' }, options), expectBenchError('BAD_INPUT', /no default clip descriptor/, /--descriptor afew/));
  await assert.rejects(runFeatureStatistics(parts.opened, afew.train, afew.val, options), expectBenchError('MODEL_IO_MISMATCH', /no embedding head/, /heads\.embedding/));
  assert.equal(FACELESS_VARIANT, 1);
});
