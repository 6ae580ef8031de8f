/**
 * `evaluate` end to end on real parts: a generated AffectNet (official CSV layout, with faults) run
 * through the worker pool, onnxruntime-node and the prediction store with the tiny classifier of
 * tiny-model.ts, then scored under AffectNet-8 and AffectNet-7. Every metric asserted here is
 * recomputed independently from the stored prediction records.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { evaluate, scorePredictions, type EvalRunRecord } from '../../src/bench/evaluate.js';
import type { PredictionRecord } from '../../src/bench/records.js';
import { runCorpus } from '../../src/bench/runner.js';
import { META_FILE, PREDICTIONS_FILE, readStore } from '../../src/bench/store.js';
import { formatEvalReport } from '../../src/cli/format-eval.js';
import { AFFECTNET_CLASSES } from '../../src/datasets/affectnet-labels.js';
import type { Emotion } from '../../src/datasets/emotions.js';
import { openCorpus, type Corpus } from '../../src/datasets/corpus.js';
import { writeAffectNetFixture, type AffectNetFixtureSplit } from '../../src/datasets/fixtures/affectnet-fixture.js';
import { affectnetProtocol } from '../../src/datasets/label-map.js';
import { protocolFromCli } from '../../src/cli/corpus-options.js';
import { isBenchError } from '../../src/errors.js';
import { openModel, type OpenedModel } from '../../src/models/open.js';
import { buildReplica } from '../../src/models/replicas/index.js';
import { runLatency } from '../../src/bench/latency-run.js';
import { argmaxKept, TINY_CLASSES, TINY_FILE, TINY_PUBLISHED, tinyModelBytes, writeTinyModel, type TinyModel } from './tiny-model.js';

const CI = { resamples: 200, seed: 7 };
const CONTEMPT_LOGIT = TINY_CLASSES.indexOf('contempt');

let root: string;
let tiny: TinyModel;
let fx: AffectNetFixtureSplit;
let corpus: Corpus;
let opened: OpenedModel;
let storeDir: string;
/** The first AffectNet-8 evaluation; later tests compare with it. */
let first8: EvalRunRecord;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'fer-evaluate-'));
  tiny = await writeTinyModel(join(root, 'model'));
  const fixture = await writeAffectNetFixture({
    dir: join(root, 'AffectNet'),
    layout: 'csv',
    perClass: 4,
    imageSize: 64,
    faults: { missingFile: 1, truncatedJpeg: 2, malformedRow: 3, expression8to10: 3, badFaceBox: 1, badLandmarks: 1, vaMissing: 3 },
  });
  fx = fixture.splits.val!;
  corpus = await openCorpus('affectnet', { root: fixture.root, split: 'val' });
  opened = await openModel(tiny.card, { weightsPath: tiny.onnxPath });
  storeDir = join(root, 'predictions');
});

after(async () => {
  await opened?.engine.dispose();
  await rm(root, { recursive: true, force: true });
});

const storeFiles = (r: EvalRunRecord) => ({ records: join(r.predictionStore, PREDICTIONS_FILE), meta: join(r.predictionStore, META_FILE) });

/** Records without the per-item engine time (a wall-clock measurement, different on every run). */
const untimed = (records: readonly PredictionRecord[]) => records.map(({ latencyMs: _l, ...r }) => r);

/** Predicted evaluation label of a stored record under AffectNet-8 or -7, computed by hand. */
function predictedClass(r: PredictionRecord, classes: 8 | 7): Emotion {
  const drop = classes === 7 ? new Set([CONTEMPT_LOGIT]) : new Set<number>();
  return TINY_CLASSES[argmaxKept(r.scores!, drop)];
}

/** Accuracy and confusion (rows true, columns predicted, AffectNet order) recomputed from the records. */
function handScore(records: readonly PredictionRecord[], classes: 8 | 7) {
  const evalClasses = AFFECTNET_CLASSES.slice(0, classes);
  const confusion = evalClasses.map(() => evalClasses.map(() => 0));
  let n = 0;
  let hits = 0;
  for (const r of records) {
    if (r.skip || r.label === null) continue;
    const truth = AFFECTNET_CLASSES[r.label];
    if (!evalClasses.includes(truth)) continue;
    const pred = predictedClass(r, classes);
    n++;
    if (pred === truth) hits++;
    confusion[evalClasses.indexOf(truth)][evalClasses.indexOf(pred)]++;
  }
  return { n, accuracy: hits / n, confusion };
}

/** Lin's CCC with population moments, two-pass. */
function ccc(x: number[], y: number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let vx = 0;
  let vy = 0;
  let cov = 0;
  for (let i = 0; i < n; i++) {
    vx += (x[i] - mx) ** 2;
    vy += (y[i] - my) ** 2;
    cov += (x[i] - mx) * (y[i] - my);
  }
  return (2 * cov / n) / (vx / n + vy / n + (mx - my) ** 2);
}

function closeTo(actual: number, expected: number, tol = 1e-12, what = ''): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected}`);
}

test('AffectNet-8: coverage equals the fixture, metrics equal a recomputation from the stored records', async () => {
  const progress: Array<{ done: number; skipped: number; reused: number }> = [];
  first8 = await evaluate(opened, corpus, {
    protocol: affectnetProtocol(8),
    storeDir,
    batchSize: 4,
    workers: 1,
    ci: CI,
    onProgress: (p) => progress.push({ done: p.done, skipped: p.skipped, reused: p.reused }),
  });
  const r = first8;
  assert.equal(r.kind, 'eval');
  assert.equal(r.protocol, '8-class');
  assert.equal(r.replica, false);
  assert.deepEqual(r.classes, [...AFFECTNET_CLASSES]);
  // Progress after every batch and every skipped image, ending at the whole corpus.
  assert.ok(progress.every((p, i) => p.reused === 0 && (i === 0 || p.done > progress[i - 1].done)), JSON.stringify(progress));
  assert.deepEqual(progress.at(-1), { done: corpus.samples.length, skipped: fx.truncated.length, reused: 0 });
  assert.ok(progress.length >= Math.ceil((corpus.samples.length - fx.truncated.length) / 4) + fx.truncated.length);

  // Coverage: loader skips by reason, decoding failures at run time, nothing excluded under 8 classes.
  const truncated = fx.truncated.length;
  assert.ok(truncated > 0 && fx.skipped.length > 0);
  const scoredItems = fx.items.filter((it) => !fx.truncated.includes(it.id));
  const noVa = scoredItems.filter((it) => it.valence === undefined).length;
  const withVa = scoredItems.length - noVa;
  assert.ok(noVa > 0, 'the fixture writes -2 on kept rows');
  assert.equal(corpus.samples.length, fx.items.length);
  assert.deepEqual(r.coverage, {
    total: fx.items.length + fx.skipped.length,
    scored: fx.items.length - truncated,
    skipped: fx.skipped.length + truncated,
    skippedByReason: { ...fx.skippedByReason, 'decode-failed': truncated },
    excluded: {},
    // V/A over every scored item with a target; the kept rows whose valence/arousal are -2 are counted out.
    va: { valence: { scored: withVa, excluded: { 'no-target': noVa } }, arousal: { scored: withVa, excluded: { 'no-target': noVa } } },
  });

  // The store: one record per kept item, in corpus order; the truncated JPEGs are skip records.
  const stored = await readStore(r.predictionStore, corpus.samples.map((s) => s.id));
  assert.equal(stored.meta.complete?.records, corpus.samples.length);
  assert.deepEqual(stored.records.map((x) => x.id), corpus.samples.map((s) => s.id));
  const byId = new Map(fx.items.map((it) => [it.id, it]));
  for (const rec of stored.records) {
    const item = byId.get(rec.id)!;
    assert.equal(AFFECTNET_CLASSES[rec.label!], item.label);
    assert.equal(rec.valenceTrue, item.valence);
    assert.equal(rec.arousalTrue, item.arousal);
    if (fx.truncated.includes(rec.id)) {
      assert.equal(rec.skip?.reason, 'decode-failed');
      assert.equal(rec.scores, null);
      assert.equal(rec.face, false);
    } else {
      assert.equal(rec.skip, undefined);
      assert.equal(rec.scores?.length, 8);
      assert.ok(rec.scores!.every(Number.isFinite) && Number.isFinite(rec.valence) && Number.isFinite(rec.arousal));
      assert.ok(typeof rec.latencyMs === 'number' && rec.latencyMs >= 0);
    }
  }

  // Accuracy and confusion matrix, recomputed by hand from the records.
  const hand = handScore(stored.records, 8);
  assert.equal(hand.n, r.coverage!.scored);
  closeTo(r.metrics!.accuracy.value, hand.accuracy, 1e-15, 'accuracy');
  assert.deepEqual(r.confusion, hand.confusion);
  // The tiny model reads the class off the face's tint (a whole picture with its background gets some
  // wrong), so this also checks the colour order and the crop to the face box:
  // Anger faces go to Contempt and Fear faces to Surprise by design, every other class is right.
  const row = (c: string) => r.confusion![AFFECTNET_CLASSES.indexOf(c as never)];
  const idx = (c: string) => AFFECTNET_CLASSES.indexOf(c as never);
  for (const c of AFFECTNET_CLASSES) {
    const n = row(c).reduce((a, b) => a + b, 0);
    assert.ok(n > 0, `class ${c} has scored items`);
    const target = c === 'anger' ? 'contempt' : c === 'fear' ? 'surprise' : c;
    assert.equal(row(c)[idx(target)], n, `${c} items all predicted ${target}: ${row(c).join(' ')}`);
  }
  assert.ok(r.metrics!.accuracy.value > 0.6 && r.metrics!.accuracy.value < 0.9);
  const ci = r.metrics!.accuracy.ci!;
  assert.deepEqual({ level: ci.level, resamples: ci.resamples, seed: ci.seed, unit: ci.unit }, { level: 0.95, resamples: 200, seed: 7, unit: 'item' });
  assert.ok(ci.low <= r.metrics!.accuracy.value && r.metrics!.accuracy.value <= ci.high);
  for (const m of ['macroF1', 'weightedF1', 'uar', 'top2Accuracy', 'top3Accuracy']) assert.ok(Number.isFinite(r.metrics![m]?.value), m);

  // Valence/arousal: both metrics present and equal to a two-pass CCC over the scored items with a target.
  const scoredRecs = stored.records.filter((x) => !x.skip && x.valenceTrue !== undefined);
  assert.equal(scoredRecs.length, withVa);
  for (const dim of ['valence', 'arousal'] as const) {
    const pred = scoredRecs.map((x) => x[dim]!);
    const truth = scoredRecs.map((x) => x[`${dim}True`]!);
    closeTo(r.metrics![`${dim}_ccc`].value, ccc(pred, truth), 1e-12, `${dim}_ccc`);
    for (const m of ['pearson', 'rmse', 'sagr']) assert.ok(Number.isFinite(r.metrics![`${dim}_${m}`]?.value), `${dim}_${m}`);
  }

  // Published values from the card, and the human report shows them with the difference.
  assert.deepEqual(
    r.published?.map((p) => [p.metric, p.value]),
    [['accuracy', TINY_PUBLISHED.acc8], ['valence_ccc', TINY_PUBLISHED.cccValence], ['arousal_ccc', TINY_PUBLISHED.cccArousal]],
  );
  const report = formatEvalReport(r, null);
  const acc = r.metrics!.accuracy.value * 100;
  const delta = acc - TINY_PUBLISHED.acc8;
  const accLine = report.split('\n').find((l) => l.trimStart().startsWith('accuracy '));
  assert.ok(accLine, report);
  assert.match(accLine!, new RegExp(`${acc.toFixed(1)} .* ${TINY_PUBLISHED.acc8.toFixed(1)}\\s+${delta >= 0 ? '\\+' : '-'}${Math.abs(delta).toFixed(1)}$`));
  const c = r.coverage!;
  assert.match(report, new RegExp(`coverage {2}${c.scored} scored of ${c.total} items; skipped ${c.skipped} \\(.*decode-failed ${truncated}.*\\)`));

  // Provenance names the exact model file and corpus.
  assert.equal(r.provenance.model.sha256, tiny.sha256);
  assert.equal(r.provenance.model.name, tiny.card.name);
  assert.equal(r.provenance.dataset?.manifestSha256, corpus.manifestSha256);
  assert.equal(r.provenance.dataset?.items, corpus.samples.length);
  assert.equal(r.provenance.batchSize, 4);
  assert.equal(r.provenance.seed, 7);
  assert.equal(r.itemLatency?.n, r.coverage!.scored);
});

test('AffectNet-7 reuses the same store (nothing run, nothing written) and drops the Contempt logit and items', async () => {
  assert.ok(first8, 'runs after the AffectNet-8 test');
  const files = storeFiles(first8);
  const before = { records: await readFile(files.records), meta: await readFile(files.meta) };
  let batches = 0;
  const r = await evaluate(opened, corpus, {
    protocol: affectnetProtocol(7),
    storeDir,
    batchSize: 4,
    workers: 1,
    ci: CI,
    onProgress: () => batches++,
  });
  assert.equal(batches, 0, 'no batch was run');
  assert.equal(r.predictionStore, first8.predictionStore);
  assert.deepEqual(await readFile(files.records), before.records, 'predictions.jsonl unchanged');
  assert.deepEqual(await readFile(files.meta), before.meta, 'meta.json unchanged');
  // The runner itself says so.
  const run = await runCorpus(opened, corpus, { storeDir, batchSize: 4, workers: 1 });
  assert.equal(run.ran, 0);
  assert.equal(run.reused, corpus.samples.length);

  assert.equal(r.protocol, '7-class');
  assert.deepEqual(r.classes, AFFECTNET_CLASSES.slice(0, 7));
  const contemptKept = fx.items.filter((it) => it.label === 'contempt' && !fx.truncated.includes(it.id)).length;
  const contemptTruncated = fx.items.filter((it) => it.label === 'contempt' && fx.truncated.includes(it.id)).length;
  assert.ok(contemptKept > 0);
  assert.deepEqual(r.coverage, {
    ...first8.coverage,
    scored: first8.coverage!.scored - contemptKept,
    excluded: { 'not-in-protocol': contemptKept },
  });
  assert.equal(contemptTruncated + contemptKept, fx.byClass.contempt);

  // By hand: drop the Contempt logit, argmax over the rest in model order, Contempt items left out.
  const hand = handScore(run.records, 7);
  assert.equal(hand.n, r.coverage!.scored);
  closeTo(r.metrics!.accuracy.value, hand.accuracy, 1e-15, '7-class accuracy');
  assert.deepEqual(r.confusion, hand.confusion);
  // Anger faces (Contempt under 8 classes) are right once the Contempt logit is gone.
  const anger = AFFECTNET_CLASSES.indexOf('anger');
  assert.equal(r.confusion![anger][anger], first8.confusion![anger][AFFECTNET_CLASSES.indexOf('contempt')]);
  assert.ok(r.metrics!.accuracy.value > first8.metrics!.accuracy.value);
  assert.deepEqual((r.labelMap as { droppedLogits: unknown }).droppedLogits, [{ class: 'contempt', model: CONTEMPT_LOGIT }]);

  assert.ok(Number.isFinite(r.metrics!.valence_ccc.value) && Number.isFinite(r.metrics!.arousal_ccc.value));
  assert.deepEqual(r.published?.find((p) => p.metric === 'accuracy'), {
    metric: 'accuracy',
    corpus: 'affectnet',
    protocol: '7-class',
    split: 'val',
    release: 'official',
    resize: tiny.card.input.resize,
    value: TINY_PUBLISHED.acc7,
    source: 'test card (enet_b0_8_va_mtl README value)',
  });
});

test('metrics are deterministic: a reused store and a fresh run with other batching give the same bytes', async () => {
  assert.ok(first8, 'runs after the AffectNet-8 test');
  const digest = (r: EvalRunRecord) => JSON.stringify({ metrics: r.metrics, confusion: r.confusion, coverage: r.coverage, classes: r.classes });
  const again = await evaluate(opened, corpus, { protocol: affectnetProtocol(8), storeDir, ci: CI });
  assert.equal(digest(again), digest(first8));

  const fresh = await evaluate(opened, corpus, { protocol: affectnetProtocol(8), storeDir: join(root, 'predictions-fresh'), batchSize: 7, workers: 2, ci: CI });
  assert.notEqual(fresh.predictionStore, first8.predictionStore);
  assert.equal(digest(fresh), digest(first8));
  const order = corpus.samples.map((s) => s.id);
  const a = (await readStore(first8.predictionStore, order)).records;
  const b = (await readStore(fresh.predictionStore, order)).records;
  // The skip reasons agree; their free-text detail may not: libvips keeps one error buffer per process,
  // so two JPEGs failing at once in two worker threads can lose a message ("Unknown error").
  const noDetail = (records: readonly PredictionRecord[]) => untimed(records).map((r) => (r.skip ? { ...r, skip: { reason: r.skip.reason } } : r));
  assert.equal(JSON.stringify(noDetail(b)), JSON.stringify(noDetail(a)), 'same scores bit for bit, whatever the batch');
});

test('a random-weight replica is refused for evaluation before anything is run or written', async () => {
  const replica = await openModel(tiny.card, { replica: true });
  const dir = join(root, 'predictions-replica');
  try {
    assert.equal(replica.weights.replica, true);
    await assert.rejects(evaluate(replica, corpus, { protocol: affectnetProtocol(8), storeDir: dir }), (e: unknown) => {
      assert.ok(isBenchError(e));
      assert.equal(e.code, 'REPLICA_NOT_ALLOWED');
      assert.match(e.message, /random-weight replica/);
      assert.match(e.fix ?? '', /bench pull tiny_fer_va_mtl/);
      return true;
    });
    assert.equal(existsSync(dir), false, 'no prediction store was created');
  } finally {
    await replica.engine.dispose();
  }
});

test('scorePredictions on hand-made records: skips by reason, label-less items excluded, 8→7 rule', () => {
  // Scores in the tiny model's (HSEmotion) order: anger, contempt, disgust, fear, happiness, neutral, sadness, surprise.
  const logits = (best: string, second?: string): number[] => TINY_CLASSES.map((c) => (c === best ? 5 : c === second ? 4 : 0));
  const label = (c: string) => AFFECTNET_CLASSES.indexOf(c as never);
  const rec = (id: string, l: number | null, scores: number[] | null, extra: Partial<PredictionRecord> = {}): PredictionRecord => ({
    id,
    label: l,
    scores,
    face: true,
    latencyMs: null,
    ...extra,
  });
  const records: PredictionRecord[] = [
    rec('a', label('happiness'), logits('happiness'), { valence: 0.5, valenceTrue: 0.4 }),
    rec('b', label('neutral'), logits('sadness'), { valence: -0.2, valenceTrue: 0.1 }),
    rec('c', label('contempt'), logits('contempt'), { valence: 0.1, valenceTrue: 0.0 }),
    rec('d', label('sadness'), null, { face: false, skip: { reason: 'decode-failed', detail: 'truncated' } }),
    rec('e', null, logits('anger')),
    rec('f', label('happiness'), logits('contempt', 'happiness')),
    // Ties go to the first logit in model order (anger before disgust).
    rec('g', label('anger'), TINY_CLASSES.map((c) => (c === 'anger' || c === 'disgust' ? 3 : 0))),
  ];
  const ctx = { corpusClasses: AFFECTNET_CLASSES, modelClasses: TINY_CLASSES, ci: { resamples: 0 } };

  const s8 = scorePredictions(records, { ...ctx, protocol: affectnetProtocol(8) });
  const va = { valence: { scored: 3, excluded: {} } };
  assert.deepEqual(s8.coverage, { scored: 5, skipped: 1, skippedByReason: { 'decode-failed': 1 }, excluded: { 'no-label': 1 }, va });
  assert.equal(s8.metrics.accuracy.value, 3 / 5); // a, c, g right; b and f wrong
  assert.equal(s8.metrics.accuracy.ci, undefined);
  const c8 = AFFECTNET_CLASSES.map(() => AFFECTNET_CLASSES.map(() => 0));
  for (const [t, p] of [['happiness', 'happiness'], ['neutral', 'sadness'], ['contempt', 'contempt'], ['happiness', 'contempt'], ['anger', 'anger']]) c8[label(t)][label(p)]++;
  assert.deepEqual(s8.confusion, c8);
  // Valence: three scored items carry both sides; CCC over them by hand.
  closeTo(s8.metrics.valence_ccc.value, ccc([0.5, -0.2, 0.1], [0.4, 0.1, 0.0]), 1e-12, 'valence_ccc');
  assert.equal(s8.metrics.arousal_ccc, undefined, 'no arousal anywhere');

  const s7 = scorePredictions(records, { ...ctx, protocol: affectnetProtocol(7) });
  assert.deepEqual(s7.coverage, { scored: 4, skipped: 1, skippedByReason: { 'decode-failed': 1 }, excluded: { 'no-label': 1, 'not-in-protocol': 1 }, va });
  assert.equal(s7.metrics.accuracy.value, 3 / 4); // f is right once the Contempt logit is dropped
  assert.deepEqual(s7.classes, AFFECTNET_CLASSES.slice(0, 7));
  assert.equal(s7.confusion[label('happiness')][label('happiness')], 2);
  // V/A do not depend on the class protocol: the Contempt item's valence still counts (as the published
  // CCCs are over the whole validation set), so 7-class and 8-class give the same CCC.
  closeTo(s7.metrics.valence_ccc.value, ccc([0.5, -0.2, 0.1], [0.4, 0.1, 0.0]), 1e-12, '7-class valence_ccc');

  // A record with no scores and no skip reason is still counted, never dropped silently.
  const s = scorePredictions([...records, rec('h', label('fear'), null)], { ...ctx, protocol: affectnetProtocol(8) });
  assert.deepEqual(s.coverage.skippedByReason, { 'decode-failed': 1, 'no-scores': 1 });
});

test('an explicit 8-class list never narrows the argmax to the corpus classes: two neutral items predicted surprise score 0', () => {
  // Issue 14.2, the exact case: the 8-way argmax is surprise for both items; narrowing to the corpus's one
  // class (neutral) used to make both right (accuracy 100%).
  const surprise = TINY_CLASSES.map((c) => (c === 'surprise' ? 5 : c === 'neutral' ? 4 : 0));
  const records: PredictionRecord[] = ['x', 'y'].map((id) => ({ id, label: 0, scores: surprise, face: true, latencyMs: null }));
  const protocol = protocolFromCli('folder', 'neutral,happiness,sadness,surprise,fear,disgust,anger,contempt')!;
  const s = scorePredictions(records, { corpusClasses: ['neutral'], modelClasses: TINY_CLASSES, protocol, ci: { resamples: 0 } });
  assert.equal(s.metrics.accuracy.value, 0);
  assert.equal(s.classes.length, 8);
  assert.equal(s.confusion[s.classes.indexOf('neutral')][s.classes.indexOf('surprise')], 2);
  assert.deepEqual(s.labelMap.absentFromCorpus, ['happiness', 'sadness', 'surprise', 'fear', 'disgust', 'anger', 'contempt']);
  // Recall is averaged over the classes present (UAR over neutral only).
  assert.equal(s.metrics.uar.value, 0);
});

test('valence/arousal without a target (AffectNet -2) are left out of the CCC and counted; --group-ci without groups is refused', () => {
  const logits = TINY_CLASSES.map((_, i) => (i === 0 ? 1 : 0));
  const rec = (id: string, extra: Partial<PredictionRecord>): PredictionRecord => ({ id, label: 0, scores: logits, face: true, latencyMs: null, ...extra });
  const records = [
    rec('a', { valence: 0.5, valenceTrue: 0.4, group: 'g1' }),
    rec('b', { valence: -0.2, valenceTrue: 0.1, group: 'g1' }),
    rec('c', { valence: 0.3, valenceTrue: -0.5, group: 'g2' }),
    rec('d', { valence: 0.9, group: 'g2' }), // target -2 in the corpus: no valenceTrue
  ];
  const ctx = { corpusClasses: AFFECTNET_CLASSES, modelClasses: TINY_CLASSES, protocol: affectnetProtocol(8), ci: { resamples: 0 } };
  const s = scorePredictions(records, ctx);
  assert.deepEqual(s.coverage.va, { valence: { scored: 3, excluded: { 'no-target': 1 } } });
  closeTo(s.metrics.valence_ccc.value, ccc([0.5, -0.2, 0.3], [0.4, 0.1, -0.5]), 1e-12, 'valence_ccc without d');

  // Every item has a group: group resampling is allowed and recorded as such.
  const g = scorePredictions(records, { ...ctx, ci: { resamples: 50, groups: true } });
  assert.equal(g.metrics.accuracy.ci?.unit, 'group');
  // One item without a group: refused, with the count and where groups come from.
  const { group: _g, ...ungrouped } = records[3];
  assert.throws(
    () => scorePredictions([...records.slice(0, 3), ungrouped], { ...ctx, ci: { resamples: 50, groups: true } }),
    (e: unknown) => isBenchError(e) && /1 of 4 scored items has no group/.test(e.message) && /group column/.test(e.fix ?? ''),
  );
});

test('NaN model output is skipped at run time with its reason: a NaN logit, and a NaN valence (which used to throw at scoring)', async () => {
  for (const [column, what] of [[0, /NaN or Infinity/], [8, /non-finite valence/]] as const) {
    const dir = join(root, `nan-${column}`);
    await mkdir(dir, { recursive: true });
    const file = join(dir, TINY_FILE);
    await writeFile(file, tinyModelBytes({ nanOutput: column }));
    // A card without the published checksum, so the altered file opens.
    const { sha256: _s, ...weights } = tiny.card.weights;
    const nan = await openModel({ ...tiny.card, weights }, { weightsPath: file });
    try {
      const r = await evaluate(nan, corpus, { protocol: affectnetProtocol(8), storeDir: join(dir, 'predictions'), workers: 1, ci: { resamples: 0 } });
      const ran = corpus.samples.length - fx.truncated.length;
      const skipped = r.coverage!.skippedByReason['non-finite-output'];
      assert.ok(skipped > 0 && r.coverage!.scored > 0, JSON.stringify(r.coverage));
      assert.equal(skipped + r.coverage!.scored, ran);
      // Every scored item is finite everywhere, so the metrics are numbers.
      assert.ok(Number.isFinite(r.metrics!.accuracy.value) && Number.isFinite(r.metrics!.valence_ccc.value));
      const log = (await readFile(r.skipLog!, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { reason: string; detail?: string });
      const nanSkips = log.filter((l) => l.reason === 'non-finite-output');
      assert.equal(nanSkips.length, skipped);
      assert.ok(nanSkips.every((l) => what.test(l.detail ?? '')), JSON.stringify(nanSkips[0]));
    } finally {
      await nan.engine.dispose();
    }
  }
});

test('a replica FILE passed as weights is recognised by its stamp: refused for accuracy with the reason, timed as a replica', async () => {
  // Issue 8.1: `bench eval --weights replica.onnx` used to be evaluated and compared with the published accuracy.
  const dir = join(root, 'replica-file');
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'replica.onnx');
  await writeFile(file, buildReplica(tiny.card, { seed: 3 }).bytes);
  const { sha256: _s, ...weights } = tiny.card.weights;
  const opened = await openModel({ ...tiny.card, weights }, { weightsPath: file });
  try {
    assert.equal(opened.weights.replica, true);
    assert.deepEqual(opened.weights.replicaStamp, { architecture: tiny.card.architecture, model: tiny.card.name, seed: 3 });
    const store = join(dir, 'predictions');
    await assert.rejects(evaluate(opened, corpus, { protocol: affectnetProtocol(8), storeDir: store }), (e: unknown) => {
      assert.ok(isBenchError(e));
      assert.equal(e.code, 'REPLICA_NOT_ALLOWED');
      assert.equal(e.file, file);
      assert.match(e.message, /fer_bench_replica=true/);
      assert.match(e.fix ?? '', /latency only/);
      return true;
    });
    assert.equal(existsSync(store), false, 'nothing was run or written');
    const lat = await runLatency(opened, { warmupRuns: 1, minRuns: 2, minDurationMs: 0, maxDurationMs: 10_000 });
    assert.equal(lat.replica, true);
    assert.equal(lat.provenance.model.replica, true);
  } finally {
    await opened.engine.dispose();
  }
});

test('two manifests with the same valid items share a store but not a skip log; a re-scored store reports the skips of the corpus it names', async () => {
  // Issue 15.2: skips.jsonl used to be overwritten by the second manifest while meta.json kept the first's counts.
  const { rescoreStore } = await import('../../src/bench/rescore.js');
  const dir = join(root, 'manifests');
  await mkdir(dir, { recursive: true });
  const goodItems = fx.items.filter((it) => !fx.truncated.includes(it.id)).slice(0, 6);
  const good = goodItems.map((it) => `${it.path},${it.label},${it.box!.x},${it.box!.y},${it.box!.width},${it.box!.height}`);
  const write = async (name: string, bad: string[]) => {
    const file = join(dir, name);
    await writeFile(file, ['path,label,x,y,width,height', ...good, ...bad].join('\n') + '\n');
    return openCorpus('csv', { file, root: dirname(dirname(fx.file!)), name: 'lab', split: 'val' });
  };
  const a = await write('a.csv', ['x/unknown.jpg,bored,0,0,10,10']);
  // Same label space too (a class only bad rows carry would change the store key): a label of a good item.
  const l = goodItems[0].label;
  const b = await write('b.csv', [`x/gone1.jpg,${l},0,0,10,10`, `x/gone2.jpg,${l},0,0,10,10`]);
  assert.equal(a.manifestSha256, b.manifestSha256, 'same valid items');
  const store = join(root, 'predictions-manifests');
  const opts = { protocol: affectnetProtocol(8), storeDir: store, workers: 1, ci: { resamples: 0 } };
  const ra = await evaluate(opened, a, opts);
  const rb = await evaluate(opened, b, opts);
  assert.equal(ra.predictionStore, rb.predictionStore, 'one prediction store');
  assert.notEqual(ra.skipLog, rb.skipLog, 'one skip log per corpus load');
  assert.deepEqual(ra.coverage!.skippedByReason, { 'unknown-label': 1 });
  assert.deepEqual(rb.coverage!.skippedByReason, { 'missing-file': 2 });
  const reasons = async (file: string) => (await readFile(file, 'utf8')).trim().split('\n').map((l) => (JSON.parse(l) as { reason: string }).reason);
  assert.deepEqual(await reasons(ra.skipLog!), ['unknown-label']);
  assert.deepEqual(await reasons(rb.skipLog!), ['missing-file', 'missing-file']);
  // Re-scoring names the last corpus run over the store, with its own skips and skip log.
  const again = await rescoreStore(rb.predictionStore, { protocol: affectnetProtocol(8), ci: { resamples: 0 } });
  assert.deepEqual(again.coverage!.skippedByReason, rb.coverage!.skippedByReason);
  assert.equal(again.skipLog, rb.skipLog);
  // The manifest fixed: no bad rows, and the re-scored record says so.
  const fixed = await write('c.csv', []);
  await evaluate(opened, fixed, opts);
  const clean = await rescoreStore(rb.predictionStore, { protocol: affectnetProtocol(8), ci: { resamples: 0 } });
  assert.deepEqual(clean.coverage!.skippedByReason, {});
  assert.equal(clean.coverage!.skipped, 0);
});
